package dev.aligned.server.analysis;

import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.AggregateReportWriter;
import dev.aligned.report.Alignment;
import dev.aligned.report.DateRange;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.Disposition;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.Identifiers;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.Row;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Aggregate reports for a domain with known senders, for tests: Google Workspace passing, Amazon SES and
 * SendGrid failing in known ways, two forwarders, spoofers. Deterministic for a seed.
 */
final class GeneratedReports {
    static final String[] GOOGLE = {"209.85.220.41", "209.85.220.42"};
    static final String SES = "54.240.8.10";
    static final String SENDGRID = "167.89.0.5";
    static final String FORWARDER = "192.0.2.77";
    static final String RELAY = "192.0.2.88";
    static final String OWN = "198.51.100.5";
    static final String[] SPOOFERS = {"203.0.113.9", "203.0.113.10", "2001:db8::66"};

    private GeneratedReports() {
    }

    /** {@code reports} one-day reports spread over {@code year}. */
    static List<AggregateReport> year(String domain, int year, int reports, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<AggregateReport> out = new ArrayList<>();
        LocalDate first = LocalDate.of(year, 1, 1);
        String[][] reporters = {{"google.com", "noreply-dmarc-support@google.com"},
                {"Outlook.com", "dmarcreport@microsoft.com"}, {"Yahoo", "dmarchelp@yahooinc.com"}};
        for (int i = 0; i < reports; i++) {
            LocalDate day = first.plusDays((long) i * 365 / reports);
            String[] reporter = reporters[i % reporters.length];
            long begin = day.toEpochDay() * 86_400;
            ReportMetadata meta = new ReportMetadata(reporter[0], reporter[1], Optional.empty(), "gen-" + seed + "-" + i,
                    Optional.of(DateRange.ofEpochSeconds(begin, begin + 86_399)), List.of(), Optional.empty());
            PolicyPublished policy = new PolicyPublished(domain, Optional.of(Alignment.R), Optional.of(Alignment.R),
                    Optional.of(Disposition.NONE), Optional.of(Disposition.NONE), Optional.empty(), OptionalInt.empty(),
                    Optional.of("0"), Optional.of(Testing.N), Optional.of(DiscoveryMethod.TREEWALK));
            List<ReportRecord> records = new ArrayList<>();
            for (String ip : GOOGLE) {
                records.add(record(ip, 20 + random.nextInt(200), domain, List.of(dkim(domain, "google", true)),
                        spf(domain, SpfResult.PASS), true, true, List.of()));
            }
            records.add(record(SES, 5 + random.nextInt(50), domain, List.of(dkim("amazonses.com", "ug7nbtf4", true)),
                    spf("eu-west-1.amazonses.com", SpfResult.PASS), false, false, List.of()));
            records.add(record(SENDGRID, 5 + random.nextInt(30), domain, List.of(dkim(domain, "s1", false)),
                    spf("em123.sendgrid.net", SpfResult.PASS), false, false, List.of()));
            records.add(record(FORWARDER, 1 + random.nextInt(5), domain, List.of(dkim(domain, "google", false)),
                    spf("lists.example.org", SpfResult.FAIL), false, false,
                    List.of(new OverrideReason(Optional.of(PolicyOverride.FORWARDED), Optional.empty()))));
            records.add(record(RELAY, 1 + random.nextInt(5), domain, List.of(dkim(domain, "google", true)),
                    spf(domain, SpfResult.FAIL), true, false, List.of()));
            records.add(record(OWN, 1 + random.nextInt(10), domain, List.of(), spf(domain, SpfResult.SOFTFAIL), false,
                    false, List.of()));
            records.add(record(SPOOFERS[random.nextInt(SPOOFERS.length)], 1 + random.nextInt(40), domain, List.of(),
                    spf(domain, SpfResult.FAIL), false, false, List.of()));
            out.add(new AggregateReport(Optional.of("1.0"), meta, policy, records, List.of()));
        }
        return out;
    }

    static DkimAuthResult dkim(String d, String selector, boolean pass) {
        return new DkimAuthResult(d, Optional.of(selector), Optional.of(pass ? DkimResult.PASS : DkimResult.FAIL),
                Optional.empty());
    }

    static SpfAuthResult spf(String domain, SpfResult result) {
        return new SpfAuthResult(domain, Optional.of(SpfScope.MFROM), Optional.of(result), Optional.empty());
    }

    static ReportRecord record(String ip, long count, String domain, List<DkimAuthResult> dkim, SpfAuthResult spf,
            boolean dkimPass, boolean spfPass, List<OverrideReason> reasons) {
        boolean pass = dkimPass || spfPass;
        return new ReportRecord(new Row(ip, count, new PolicyEvaluated(
                Optional.of(pass ? ActionDisposition.PASS : ActionDisposition.NONE),
                Optional.of(dkimPass ? DmarcResult.PASS : DmarcResult.FAIL),
                Optional.of(spfPass ? DmarcResult.PASS : DmarcResult.FAIL), reasons)),
                new Identifiers(Optional.empty(), Optional.of(spf.domain()), domain), dkim, List.of(spf), List.of());
    }

    static byte[] xml(AggregateReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AggregateReportWriter.write(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
