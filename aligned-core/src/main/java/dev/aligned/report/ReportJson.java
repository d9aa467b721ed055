package dev.aligned.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Normalised JSON for reports, one object per report on one line. Aggregate reports mirror the XML:
 * {@code report_metadata{org_name, email, extra_contact_info, report_id, date_range{begin, end}, error[],
 * generator}}, {@code policy_published{domain, adkim, aspf, p, sp, np, pct, fo, testing, discovery_method}},
 * {@code record[]{row{source_ip, count, policy_evaluated{disposition, dkim, spf, reason[]{type, comment}}},
 * identifiers{envelope_to, envelope_from, header_from}, auth_results{dkim[]{domain, selector, result,
 * human_result}, spf[]{domain, scope, result, human_result}}}}, {@code warnings[]}; enumerations in lower case,
 * {@code date_range} in epoch seconds, absent values as {@code null}. Failure reports use the ARF field names in
 * snake_case plus {@code original_headers}. Every object starts with {@code "source"} and {@code "kind"};
 * a failed input is {@code {"source": ..., "error": ...}}.
 *
 * <pre>{@code
 * reader.read(path).forEach(r -> System.out.println(ReportJson.toJson(r)));
 * }</pre>
 */
public final class ReportJson {
    private ReportJson() {
    }

    /** One JSON object (no line break) for a result. */
    public static String toJson(ReportResult result) {
        StringBuilder sb = new StringBuilder(1024);
        switch (result) {
            case ReportResult.Parsed p -> {
                sb.append("{\"source\":");
                str(sb, p.source());
                sb.append(",\"kind\":");
                str(sb, p.report().kind());
                switch (p.report()) {
                    case AggregateReport a -> aggregate(sb, a);
                    case FailureReport f -> failure(sb, f);
                }
                sb.append(",\"warnings\":");
                strs(sb, p.warnings());
                sb.append('}');
            }
            case ReportResult.Failed f -> {
                sb.append("{\"source\":");
                str(sb, f.source());
                sb.append(",\"error\":");
                str(sb, f.error());
                sb.append('}');
            }
        }
        return sb.toString();
    }

    private static void aggregate(StringBuilder sb, AggregateReport a) {
        sb.append(",\"version\":");
        opt(sb, a.version());
        ReportMetadata m = a.metadata();
        sb.append(",\"report_metadata\":{\"org_name\":");
        str(sb, m.orgName());
        sb.append(",\"email\":");
        str(sb, m.email());
        sb.append(",\"extra_contact_info\":");
        opt(sb, m.extraContactInfo());
        sb.append(",\"report_id\":");
        str(sb, m.reportId());
        sb.append(",\"date_range\":");
        if (m.dateRange().isPresent()) {
            sb.append("{\"begin\":").append(m.dateRange().get().begin().getEpochSecond()).append(",\"end\":")
                    .append(m.dateRange().get().end().getEpochSecond()).append('}');
        } else {
            sb.append("null");
        }
        sb.append(",\"error\":");
        strs(sb, m.errors());
        sb.append(",\"generator\":");
        opt(sb, m.generator());
        PolicyPublished p = a.policy();
        sb.append("},\"policy_published\":{\"domain\":");
        str(sb, p.domain());
        sb.append(",\"adkim\":");
        opt(sb, p.adkim().map(Alignment::token));
        sb.append(",\"aspf\":");
        opt(sb, p.aspf().map(Alignment::token));
        sb.append(",\"p\":");
        opt(sb, p.p().map(Disposition::token));
        sb.append(",\"sp\":");
        opt(sb, p.sp().map(Disposition::token));
        sb.append(",\"np\":");
        opt(sb, p.np().map(Disposition::token));
        sb.append(",\"pct\":");
        OptionalInt pct = p.pct();
        sb.append(pct.isPresent() ? Integer.toString(pct.getAsInt()) : "null");
        sb.append(",\"fo\":");
        opt(sb, p.fo());
        sb.append(",\"testing\":");
        opt(sb, p.testing().map(Testing::token));
        sb.append(",\"discovery_method\":");
        opt(sb, p.discoveryMethod().map(DiscoveryMethod::token));
        sb.append("},\"record\":[");
        boolean first = true;
        for (ReportRecord r : a.records()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            record(sb, r);
        }
        sb.append(']');
    }

    /** One record as a JSON object, as inside {@code "record"}. */
    public static String recordJson(ReportRecord r) {
        StringBuilder sb = new StringBuilder(512);
        record(sb, r);
        return sb.toString();
    }

    private static void record(StringBuilder sb, ReportRecord r) {
        PolicyEvaluated pe = r.row().policyEvaluated();
        sb.append("{\"row\":{\"source_ip\":");
        str(sb, r.row().sourceIp());
        sb.append(",\"count\":").append(r.row().count());
        sb.append(",\"policy_evaluated\":{\"disposition\":");
        opt(sb, pe.disposition().map(ActionDisposition::token));
        sb.append(",\"dkim\":");
        opt(sb, pe.dkim().map(DmarcResult::token));
        sb.append(",\"spf\":");
        opt(sb, pe.spf().map(DmarcResult::token));
        sb.append(",\"reason\":[");
        boolean first = true;
        for (OverrideReason reason : pe.reasons()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"type\":");
            opt(sb, reason.type().map(PolicyOverride::token));
            sb.append(",\"comment\":");
            opt(sb, reason.comment());
            sb.append('}');
        }
        sb.append("]}},\"identifiers\":{\"envelope_to\":");
        opt(sb, r.identifiers().envelopeTo());
        sb.append(",\"envelope_from\":");
        opt(sb, r.identifiers().envelopeFrom());
        sb.append(",\"header_from\":");
        str(sb, r.identifiers().headerFrom());
        sb.append("},\"auth_results\":{\"dkim\":[");
        first = true;
        for (DkimAuthResult d : r.dkim()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"domain\":");
            str(sb, d.domain());
            sb.append(",\"selector\":");
            opt(sb, d.selector());
            sb.append(",\"result\":");
            opt(sb, d.result().map(DkimResult::token));
            sb.append(",\"human_result\":");
            opt(sb, d.humanResult());
            sb.append('}');
        }
        sb.append("],\"spf\":[");
        first = true;
        for (SpfAuthResult s : r.spf()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"domain\":");
            str(sb, s.domain());
            sb.append(",\"scope\":");
            opt(sb, s.scope().map(SpfScope::token));
            sb.append(",\"result\":");
            opt(sb, s.result().map(SpfResult::token));
            sb.append(",\"human_result\":");
            opt(sb, s.humanResult());
            sb.append('}');
        }
        sb.append("]}}");
    }

    private static void failure(StringBuilder sb, FailureReport f) {
        sb.append(",\"format\":");
        str(sb, f.format() == FailureReport.Format.ARF ? "arf" : "plain_text");
        sb.append(",\"feedback_type\":");
        str(sb, f.feedbackType());
        sb.append(",\"user_agent\":");
        opt(sb, f.userAgent());
        sb.append(",\"version\":");
        opt(sb, f.version());
        sb.append(",\"original_mail_from\":");
        opt(sb, f.originalMailFrom());
        sb.append(",\"original_rcpt_to\":");
        strs(sb, f.originalRcptTo());
        sb.append(",\"arrival_date\":");
        opt(sb, f.arrivalDate());
        sb.append(",\"source_ip\":");
        opt(sb, f.sourceIp());
        sb.append(",\"reported_domain\":");
        strs(sb, f.reportedDomain());
        sb.append(",\"reported_uri\":");
        strs(sb, f.reportedUri());
        sb.append(",\"authentication_results\":");
        strs(sb, f.authenticationResults());
        sb.append(",\"auth_failure\":");
        strs(sb, f.authFailure());
        sb.append(",\"identity_alignment\":");
        strs(sb, f.identityAlignment());
        sb.append(",\"delivery_result\":");
        opt(sb, f.deliveryResult());
        sb.append(",\"dkim_domain\":");
        opt(sb, f.dkimDomain());
        sb.append(",\"dkim_identity\":");
        opt(sb, f.dkimIdentity());
        sb.append(",\"dkim_selector\":");
        opt(sb, f.dkimSelector());
        sb.append(",\"spf_dns\":");
        strs(sb, f.spfDns());
        sb.append(",\"original_headers\":");
        opt(sb, f.originalHeaders());
    }

    private static void opt(StringBuilder sb, Optional<String> v) {
        if (v.isPresent()) {
            str(sb, v.get());
        } else {
            sb.append("null");
        }
    }

    private static void strs(StringBuilder sb, List<String> list) {
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            str(sb, list.get(i));
        }
        sb.append(']');
    }

    static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
