package dev.aligned.bench.report;

import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.AggregateReportWriter;
import dev.aligned.report.Alignment;
import dev.aligned.report.DateRange;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.Disposition;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Synthetic aggregate reports with realistic shapes, deterministic for a seed: a handful of large reporters,
 * source IPs drawn from a skewed pool (a few senders send most mail: the domain's own ESPs, forwarders, and a
 * long tail of spoofers), message counts with a heavy tail, mostly-passing authentication for legitimate
 * senders and failing for spoofers, occasional forwarding overrides, IPv6 for about a fifth of sources.
 *
 * <pre>{@code
 * SyntheticReports gen = new SyntheticReports(42);
 * AggregateReport r = gen.report("example.com", 5_000);
 * byte[] xml = SyntheticReports.xml(r);
 * }</pre>
 */
public final class SyntheticReports {
    private static final String[][] REPORTERS = {
            {"google.com", "noreply-dmarc-support@google.com"},
            {"Outlook.com", "dmarcreport@microsoft.com"},
            {"Yahoo", "dmarchelp@yahooinc.com"},
            {"Mail.Ru", "dmarc_support@corp.mail.ru"},
            {"Fastmail Pty Ltd", "dmarc-reports@fastmail.com"},
            {"comcast.net", "dmarc_reports@comcast.net"}};
    private static final double[] REPORTER_WEIGHT = {0.45, 0.25, 0.12, 0.06, 0.06, 0.06};

    private final SplittableRandom random;
    private long reportSeq;

    public SyntheticReports(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private int weighted(double[] weights) {
        double x = random.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** One report for {@code domain} with {@code records} records, one day long. */
    public AggregateReport report(String domain, int records) {
        String[] reporter = REPORTERS[weighted(REPORTER_WEIGHT)];
        long day = 1_700_000_000L / 86_400 + random.nextInt(365);
        ReportMetadata meta = new ReportMetadata(reporter[0], reporter[1], Optional.empty(),
                Long.toString(1_000_000_000_000L + reportSeq++), Optional.of(DateRange.ofEpochSeconds(day * 86_400,
                day * 86_400 + 86_399)), List.of(), Optional.empty());
        PolicyPublished policy = new PolicyPublished(domain, Optional.of(Alignment.R), Optional.of(Alignment.R),
                Optional.of(Disposition.QUARANTINE), Optional.of(Disposition.NONE), Optional.empty(),
                OptionalInt.empty(), Optional.of("0"), Optional.of(Testing.N), Optional.of(DiscoveryMethod.TREEWALK));
        List<ReportRecord> list = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            list.add(record(domain));
        }
        return new AggregateReport(Optional.of("1.0"), meta, policy, list, List.of());
    }

    private ReportRecord record(String domain) {
        int kind = weighted(new double[] {0.55, 0.15, 0.10, 0.20}); // own ESP, forwarder, mailing list, spoofer
        boolean v6 = random.nextInt(5) == 0;
        int pool = kind == 3 ? 200_000 : kind == 0 ? 300 : 3_000;
        int n = (int) Math.min(pool - 1, Math.abs(random.nextGaussian()) * pool / 6);
        // n + 1 may exceed 0xffff (the spoofer pool): two groups, so that every address is valid IPv6
        String ip = v6 ? "2001:db8:" + Integer.toHexString(kind + 1) + "::" + Integer.toHexString((n + 1) >>> 16)
                + ":" + Integer.toHexString((n + 1) & 0xffff)
                : (kind == 3 ? 185 : 198) + "." + kind * 10 + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
        long count = 1 + (long) Math.floor(Math.pow(random.nextDouble(), -1.2)) % 5_000;
        boolean dkimPass = kind == 0 ? random.nextInt(50) != 0 : kind == 2 && random.nextBoolean();
        boolean spfPass = kind == 0 && random.nextInt(10) != 0;
        boolean aligned = dkimPass || spfPass;
        ActionDisposition disp = aligned ? ActionDisposition.PASS
                : kind == 1 ? ActionDisposition.NONE : ActionDisposition.QUARANTINE;
        List<OverrideReason> reasons = !aligned && kind == 1
                ? List.of(new OverrideReason(Optional.of(PolicyOverride.TRUSTED_FORWARDER), Optional.empty()))
                : List.of();
        String envelope = kind == 0 ? "bounce.esp" + (n % 4) + ".example.net" : kind == 3 ? "spoof" + (n % 97)
                + ".example.org" : domain;
        List<DkimAuthResult> dkim = kind == 3 && random.nextBoolean() ? List.of()
                : List.of(new DkimAuthResult(dkimPass ? domain : "esp" + (n % 4) + ".example.net",
                        Optional.of("s" + (n % 3)), Optional.of(dkimPass ? DkimResult.PASS : DkimResult.FAIL),
                        Optional.empty()));
        SpfResult spf = spfPass ? SpfResult.PASS : kind == 3 ? SpfResult.SOFTFAIL : SpfResult.NEUTRAL;
        return new ReportRecord(new Row(ip, count, new PolicyEvaluated(Optional.of(disp),
                Optional.of(dkimPass ? DmarcResult.PASS : DmarcResult.FAIL),
                Optional.of(spfPass ? DmarcResult.PASS : DmarcResult.FAIL), reasons)),
                new Identifiers(Optional.empty(), Optional.of(envelope), domain), dkim,
                List.of(new SpfAuthResult(envelope, Optional.of(SpfScope.MFROM), Optional.of(spf), Optional.empty())),
                List.of());
    }

    /** The report as RFC 9990 XML bytes. */
    public static byte[] xml(AggregateReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AggregateReportWriter.write(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The report as gzip-compressed XML bytes. */
    public static byte[] gzip(AggregateReport report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            AggregateReportWriter.writeGzip(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
