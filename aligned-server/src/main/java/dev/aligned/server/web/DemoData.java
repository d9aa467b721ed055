package dev.aligned.server.web;

import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The data of {@code aligned serve --demo}: the public sample reports bundled under {@code demo/} (see its README
 * for origins and licences) and 30 generated days of aggregate reports for {@code example.com} and
 * {@code example.org}, so the charts have a trend. Everything goes through the {@link Ingestor}; nothing is loaded
 * when the store already holds any input.
 *
 * <pre>{@code
 * DemoData.Result r = DemoData.loadIfEmpty(store, ingestor, Clock.systemUTC());
 * System.out.println(r.files() + " files, " + r.reports() + " reports, " + r.failed() + " unreadable");
 * }</pre>
 */
public final class DemoData {
    /** Days of generated reports. */
    public static final int DAYS = 30;

    /**
     * What loading the demo did.
     *
     * @param loaded false when the store was not empty (nothing was loaded)
     * @param files inputs ingested (samples and generated reports)
     * @param reports reports stored
     * @param failed inputs or reports that could not be read (on purpose: they show in the ingestion log)
     * @param messages messages in the generated reports
     */
    public record Result(boolean loaded, int files, long reports, long failed, long messages) {
    }

    private DemoData() {
    }

    /** Loads the demo when the store holds no input yet. */
    public static Result loadIfEmpty(ReportStore store, Ingestor ingestor, Clock clock) {
        if (store.stats().blobs() > 0) {
            return new Result(false, 0, 0, 0, 0);
        }
        int files = 0;
        long reports = 0;
        long failed = 0;
        for (String[] entry : index()) {
            byte[] bytes = resource(entry[0]);
            IngestResult r = ingestor.ingest("demo:" + entry[1], bytes);
            files++;
            reports += r.newReports();
            failed += r.failures().size();
        }
        long messages = 0;
        LocalDate today = LocalDate.now(clock);
        for (GeneratedReport g : generate(today)) {
            IngestResult r = ingestor.ingest("demo:generated/" + g.name(), g.xml().getBytes(StandardCharsets.UTF_8));
            files++;
            reports += r.newReports();
            failed += r.failures().size();
            messages += g.messages();
        }
        return new Result(true, files, reports, failed, messages);
    }

    private static List<String[]> index() {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = DemoData.class.getResourceAsStream("demo/index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank()) {
                    out.add(line.split("\t", 2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the demo index is missing from the jar", e);
        }
        return out;
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoData.class.getResourceAsStream("demo/" + name)) {
            if (in == null) {
                throw new IllegalStateException("demo file missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One generated report: file name, XML, messages. */
    record GeneratedReport(String name, String xml, long messages) {
    }

    /** A sending source of the generated days. */
    private record Sender(String ip, int base, String dkimDomain, String selector, String dkimResult,
            String spfDomain, String spfResult, boolean aligned) {
    }

    /** The generated reports for the {@link #DAYS} days before {@code today}; deterministic (fixed seed). */
    static List<GeneratedReport> generate(LocalDate today) {
        SplittableRandom random = new SplittableRandom(20260101L);
        List<GeneratedReport> out = new ArrayList<>();
        String[][] reporters = {{"google.com", "noreply-dmarc-support@google.com"},
                {"Yahoo", "dmarchelp@yahooinc.com"}, {"Outlook.com", "dmarcreport@microsoft.com"}};
        for (int back = DAYS; back >= 1; back--) {
            LocalDate day = today.minusDays(back);
            boolean fixed = back <= 12; // the SendGrid DKIM key was published 12 days ago: the trend improves
            for (String[] rep : reporters) {
                List<Sender> com = new ArrayList<>();
                com.add(new Sender("209.85.220.41", 420, "example.com", "google", "pass", "example.com", "pass", true));
                com.add(new Sender("209.85.220.69", 260, "example.com", "google", "pass", "example.com", "pass", true));
                com.add(fixed
                        ? new Sender("167.89.115.54", 180, "example.com", "s1", "pass", "bounces.sendgrid.net", "pass", true)
                        : new Sender("167.89.115.54", 180, "sendgrid.net", "smtpapi", "pass", "bounces.sendgrid.net", "pass", false));
                com.add(new Sender("198.2.128.10", 40, "mcsv.net", "k1", "pass", "mail.mcsv.net", "pass", false));
                com.add(new Sender("198.51.100.7", 25, "example.com", "google", "pass", "lists.example.net", "fail", true));
                com.add(new Sender("203.0.113.66", 12, "", "", "", "example.com", "fail", false));
                out.add(report(rep, "example.com", "none", day, com, random));
                List<Sender> org = new ArrayList<>();
                org.add(new Sender("192.0.2.25", 150, "example.org", "mail", "pass", "example.org", "pass", true));
                org.add(new Sender("2001:db8::25", 60, "example.org", "mail", "pass", "example.org", "pass", true));
                org.add(new Sender("203.0.113.9", 6, "", "", "", "example.org", "fail", false));
                out.add(report(rep, "example.org", "quarantine", day, org, random));
            }
        }
        return out;
    }

    private static GeneratedReport report(String[] reporter, String domain, String policy, LocalDate day,
            List<Sender> senders, SplittableRandom random) {
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = begin + 86399;
        String id = "demo-" + domain + "-" + reporter[0].toLowerCase(java.util.Locale.ROOT) + "-" + day;
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n  <report_metadata>\n")
                .append("    <org_name>").append(reporter[0]).append("</org_name>\n")
                .append("    <email>").append(reporter[1]).append("</email>\n")
                .append("    <report_id>").append(id).append("</report_id>\n")
                .append("    <date_range><begin>").append(begin).append("</begin><end>").append(end)
                .append("</end></date_range>\n  </report_metadata>\n  <policy_published>\n")
                .append("    <domain>").append(domain).append("</domain><adkim>r</adkim><aspf>r</aspf><p>")
                .append(policy).append("</p><sp>").append(policy).append("</sp><pct>100</pct>\n  </policy_published>\n");
        long total = 0;
        for (Sender s : senders) {
            int count = Math.max(1, s.base() / 3 + random.nextInt(Math.max(1, s.base() / 6)) - s.base() / 12);
            total += count;
            boolean dkimAligned = s.dkimResult().equals("pass") && s.dkimDomain().equals(domain);
            boolean spfAligned = s.spfResult().equals("pass") && s.spfDomain().equals(domain);
            boolean pass = dkimAligned || spfAligned;
            String disposition = pass || policy.equals("none") ? "none" : policy;
            x.append("  <record>\n    <row>\n      <source_ip>").append(s.ip()).append("</source_ip>\n")
                    .append("      <count>").append(count).append("</count>\n")
                    .append("      <policy_evaluated><disposition>").append(disposition).append("</disposition><dkim>")
                    .append(dkimAligned ? "pass" : "fail").append("</dkim><spf>").append(spfAligned ? "pass" : "fail")
                    .append("</spf></policy_evaluated>\n    </row>\n")
                    .append("    <identifiers><header_from>").append(domain).append("</header_from></identifiers>\n")
                    .append("    <auth_results>\n");
            if (!s.dkimDomain().isEmpty()) {
                x.append("      <dkim><domain>").append(s.dkimDomain()).append("</domain><selector>").append(s.selector())
                        .append("</selector><result>").append(s.dkimResult()).append("</result></dkim>\n");
            }
            x.append("      <spf><domain>").append(s.spfDomain()).append("</domain><result>").append(s.spfResult())
                    .append("</result></spf>\n    </auth_results>\n  </record>\n");
        }
        x.append("</feedback>\n");
        String name = reporter[0].toLowerCase(java.util.Locale.ROOT) + "!" + domain + "!" + begin + "!" + end + ".xml";
        return new GeneratedReport(name, x.toString(), total);
    }
}
