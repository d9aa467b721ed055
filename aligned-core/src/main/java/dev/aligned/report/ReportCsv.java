package dev.aligned.report;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Normalised CSV (RFC 4180) of aggregate reports: one line per record, the report's metadata and policy
 * repeated on each line, enumerations in lower case, dates in epoch seconds. Multi-valued cells (several DKIM
 * results, override reasons) are joined with {@code ;} in matching order. Failure reports and failed inputs
 * have no CSV rows.
 *
 * <pre>{@code
 * out.println(ReportCsv.HEADER);
 * reader.read(path).forEach(r -> ReportCsv.rows(r).forEach(out::println));
 * }</pre>
 */
public final class ReportCsv {
    /** The column names, in order. */
    public static final List<String> COLUMNS = List.of("source", "org_name", "email", "extra_contact_info",
            "report_id", "begin", "end", "domain", "adkim", "aspf", "p", "sp", "np", "pct", "fo", "testing",
            "discovery_method", "source_ip", "count", "disposition", "dkim", "spf", "reason_type", "reason_comment",
            "envelope_to", "envelope_from", "header_from", "dkim_domain", "dkim_selector", "dkim_result",
            "spf_domain", "spf_scope", "spf_result");
    /** The header line. */
    public static final String HEADER = String.join(",", COLUMNS);

    private ReportCsv() {
    }

    /** The CSV lines (without line ends) for one result; empty for failure reports and failures. */
    public static List<String> rows(ReportResult result) {
        if (!(result instanceof ReportResult.Parsed p) || !(p.report() instanceof AggregateReport a)) {
            return List.of();
        }
        return a.records().stream().map(r -> row(p.source(), a, r)).toList();
    }

    static String row(String source, AggregateReport a, ReportRecord r) {
        ReportMetadata m = a.metadata();
        PolicyPublished p = a.policy();
        PolicyEvaluated pe = r.row().policyEvaluated();
        List<String> cells = List.of(source, m.orgName(), m.email(), o(m.extraContactInfo()), m.reportId(),
                m.dateRange().map(d -> Long.toString(d.begin().getEpochSecond())).orElse(""),
                m.dateRange().map(d -> Long.toString(d.end().getEpochSecond())).orElse(""),
                p.domain(), o(p.adkim().map(Alignment::token)), o(p.aspf().map(Alignment::token)),
                o(p.p().map(Disposition::token)), o(p.sp().map(Disposition::token)),
                o(p.np().map(Disposition::token)), p.pct().isPresent() ? Integer.toString(p.pct().getAsInt()) : "",
                o(p.fo()), o(p.testing().map(Testing::token)), o(p.discoveryMethod().map(DiscoveryMethod::token)),
                r.row().sourceIp(), Long.toString(r.row().count()),
                o(pe.disposition().map(ActionDisposition::token)), o(pe.dkim().map(DmarcResult::token)),
                o(pe.spf().map(DmarcResult::token)),
                join(pe.reasons(), x -> o(x.type().map(PolicyOverride::token))),
                join(pe.reasons(), x -> o(x.comment())),
                o(r.identifiers().envelopeTo()), o(r.identifiers().envelopeFrom()), r.identifiers().headerFrom(),
                join(r.dkim(), DkimAuthResult::domain), join(r.dkim(), d -> o(d.selector())),
                join(r.dkim(), d -> o(d.result().map(DkimResult::token))),
                join(r.spf(), SpfAuthResult::domain), join(r.spf(), s -> o(s.scope().map(SpfScope::token))),
                join(r.spf(), s -> o(s.result().map(SpfResult::token))));
        return cells.stream().map(ReportCsv::cell).collect(Collectors.joining(","));
    }

    private static <T> String join(List<T> list, Function<T, String> f) {
        return list.stream().map(f).collect(Collectors.joining(";"));
    }

    private static String o(Optional<String> v) {
        return v.orElse("");
    }

    /** One cell, quoted when it holds a comma, quote or line break. */
    static String cell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
