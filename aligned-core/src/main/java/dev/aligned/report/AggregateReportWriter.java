package dev.aligned.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Writes aggregate reports as RFC 9990 XML (namespace {@code urn:ietf:params:xml:ns:dmarc-2.0}), plain or
 * gzip-compressed, and names them by the RFC file name convention. Elements RFC 9990 does not have are not
 * written: {@code pct} (removed by RFC 9989). Extension elements are written back verbatim (top-level ones in
 * {@code <extension>}, record-level ones after {@code <auth_results>}). What this writer produces parses back
 * to an equal model ({@link ReportReader}), and validates against the RFC 9990 schema when the model holds
 * the elements the schema requires (date range, {@code p}, a DKIM selector and result, ...) and no RFC
 * 7489-only values (override reasons {@code forwarded} / {@code sampled_out}, SPF scope {@code helo}), which
 * are written as they are rather than dropped.
 *
 * <pre>{@code
 * try (OutputStream out = Files.newOutputStream(dir.resolve(AggregateReportWriter.fileName(report, true)))) {
 *     AggregateReportWriter.writeGzip(report, out);
 * }
 * }</pre>
 */
public final class AggregateReportWriter {
    private AggregateReportWriter() {
    }

    /** Writes RFC 9990 XML (UTF-8) to {@code out}; does not close it. */
    public static void write(AggregateReport report, OutputStream out) throws IOException {
        Objects.requireNonNull(report, "report");
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 65536);
        write(report, w);
        w.flush();
    }

    /** Writes gzip-compressed RFC 9990 XML to {@code out}; finishes the gzip stream but does not close out. */
    public static void writeGzip(AggregateReport report, OutputStream out) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(out, 65536);
        write(report, gz);
        gz.finish();
    }

    /** The report as an XML string. */
    public static String toXml(AggregateReport report) {
        java.io.StringWriter sw = new java.io.StringWriter();
        try {
            write(report, sw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sw.toString();
    }

    /**
     * The RFC file name: {@code receiver!policy-domain!begin!end[!unique-id].xml[.gz]}, where the receiver is
     * the domain of the report's contact address (or the organisation name when that has no domain) and the
     * unique id the report id when it is a plain token.
     */
    public static String fileName(AggregateReport report, boolean gzip) {
        String email = report.metadata().email();
        int at = email.lastIndexOf('@');
        String receiver = at >= 0 ? email.substring(at + 1) : report.metadata().orgName();
        String id = report.metadata().reportId();
        long begin = report.metadata().dateRange().map(r -> r.begin().getEpochSecond()).orElse(0L);
        long end = report.metadata().dateRange().map(r -> r.end().getEpochSecond()).orElse(0L);
        StringBuilder sb = new StringBuilder();
        sb.append(token(receiver)).append('!').append(token(report.policy().domain())).append('!').append(begin)
                .append('!').append(end);
        if (!id.isEmpty() && id.matches("[A-Za-z0-9._-]{1,64}")) {
            sb.append('!').append(id);
        }
        return sb.append(gzip ? ".xml.gz" : ".xml").toString();
    }

    private static String token(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "_");
        return t.isEmpty() ? "unknown" : t;
    }

    static void write(AggregateReport r, Writer w) throws IOException {
        w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        w.write("<feedback xmlns=\"" + AggregateXmlParser.NS_2_0 + "\">\n");
        opt(w, 1, "version", r.version());
        ReportMetadata m = r.metadata();
        w.write("  <report_metadata>\n");
        el(w, 2, "org_name", m.orgName());
        el(w, 2, "email", m.email());
        opt(w, 2, "extra_contact_info", m.extraContactInfo());
        el(w, 2, "report_id", m.reportId());
        if (m.dateRange().isPresent()) {
            w.write("    <date_range>\n");
            el(w, 3, "begin", Long.toString(m.dateRange().get().begin().getEpochSecond()));
            el(w, 3, "end", Long.toString(m.dateRange().get().end().getEpochSecond()));
            w.write("    </date_range>\n");
        }
        for (String e : m.errors()) {
            el(w, 2, "error", e);
        }
        opt(w, 2, "generator", m.generator());
        w.write("  </report_metadata>\n");
        PolicyPublished p = r.policy();
        w.write("  <policy_published>\n");
        el(w, 2, "domain", p.domain());
        opt(w, 2, "p", p.p().map(Disposition::token));
        opt(w, 2, "sp", p.sp().map(Disposition::token));
        opt(w, 2, "np", p.np().map(Disposition::token));
        opt(w, 2, "adkim", p.adkim().map(Alignment::token));
        opt(w, 2, "aspf", p.aspf().map(Alignment::token));
        opt(w, 2, "discovery_method", p.discoveryMethod().map(DiscoveryMethod::token));
        opt(w, 2, "fo", p.fo());
        opt(w, 2, "testing", p.testing().map(Testing::token));
        w.write("  </policy_published>\n");
        if (!r.extensions().isEmpty()) {
            w.write("  <extension>\n");
            for (Extension e : r.extensions()) {
                w.write("    ");
                w.write(e.xml());
                w.write('\n');
            }
            w.write("  </extension>\n");
        }
        StringBuilder sb = new StringBuilder(1024);
        for (ReportRecord rec : r.records()) {
            sb.setLength(0);
            record(sb, rec);
            w.append(sb);
        }
        w.write("</feedback>\n");
    }

    private static void record(StringBuilder w, ReportRecord rec) {
        w.append("  <record>\n    <row>\n");
        el(w, 3, "source_ip", rec.row().sourceIp());
        el(w, 3, "count", Long.toString(rec.row().count()));
        PolicyEvaluated pe = rec.row().policyEvaluated();
        w.append("      <policy_evaluated>\n");
        opt(w, 4, "disposition", pe.disposition().map(ActionDisposition::token));
        opt(w, 4, "dkim", pe.dkim().map(DmarcResult::token));
        opt(w, 4, "spf", pe.spf().map(DmarcResult::token));
        for (OverrideReason reason : pe.reasons()) {
            w.append("        <reason>\n");
            opt(w, 5, "type", reason.type().map(PolicyOverride::token));
            opt(w, 5, "comment", reason.comment());
            w.append("        </reason>\n");
        }
        w.append("      </policy_evaluated>\n    </row>\n    <identifiers>\n");
        Identifiers ids = rec.identifiers();
        opt(w, 3, "envelope_to", ids.envelopeTo());
        opt(w, 3, "envelope_from", ids.envelopeFrom());
        el(w, 3, "header_from", ids.headerFrom());
        w.append("    </identifiers>\n    <auth_results>\n");
        for (DkimAuthResult d : rec.dkim()) {
            w.append("      <dkim>\n");
            el(w, 4, "domain", d.domain());
            opt(w, 4, "selector", d.selector());
            opt(w, 4, "result", d.result().map(DkimResult::token));
            opt(w, 4, "human_result", d.humanResult());
            w.append("      </dkim>\n");
        }
        for (SpfAuthResult s : rec.spf()) {
            w.append("      <spf>\n");
            el(w, 4, "domain", s.domain());
            opt(w, 4, "scope", s.scope().map(SpfScope::token));
            opt(w, 4, "result", s.result().map(SpfResult::token));
            opt(w, 4, "human_result", s.humanResult());
            w.append("      </spf>\n");
        }
        w.append("    </auth_results>\n");
        for (Extension e : rec.extensions()) {
            w.append("    ").append(e.xml()).append('\n');
        }
        w.append("  </record>\n");
    }

    private static void opt(Appendable w, int indent, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            el(w, indent, name, value.get());
        }
    }

    private static void opt(StringBuilder w, int indent, String name, Optional<String> value) {
        if (value.isPresent()) {
            el(w, indent, name, value.get());
        }
    }

    private static void el(Appendable w, int indent, String name, String value) throws IOException {
        StringBuilder sb = new StringBuilder();
        el(sb, indent, name, value);
        w.append(sb);
    }

    private static void el(StringBuilder sb, int indent, String name, String value) {
        for (int i = 0; i < indent; i++) {
            sb.append("  ");
        }
        sb.append('<').append(name).append('>');
        AggregateXmlParser.escape(sb, value, false);
        sb.append("</").append(name).append(">\n");
    }
}
