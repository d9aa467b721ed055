package dev.aligned.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DateRange;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.Disposition;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.IpAddresses;
import dev.aligned.report.Identifiers;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportCsv;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.Row;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Reads evaluated records for {@code report generate}: the JSON that {@code report parse --json} prints (one
 * object, an array of objects, or one object per line) or the CSV that {@code report parse --csv} prints
 * (rows grouped into reports by org_name, report_id and domain).
 */
final class ReportInput {
    /** A problem in the input file, with where it is. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    private ReportInput() {
    }

    static List<AggregateReport> json(String name, String text) throws BadInput {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> objects = new ArrayList<>();
        String t = text.strip();
        try {
            if (t.startsWith("[")) {
                mapper.readTree(t).forEach(objects::add);
            } else {
                try (var parser = mapper.createParser(t)) {
                    var it = mapper.readValues(parser, JsonNode.class);
                    while (it.hasNext()) {
                        objects.add(it.next());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInput(name + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<AggregateReport> out = new ArrayList<>();
        int i = 0;
        for (JsonNode o : objects) {
            i++;
            if (o.has("error") || "failure".equals(o.path("kind").asText())) {
                continue;
            }
            out.add(report(name + ", object " + i, o));
        }
        if (out.isEmpty()) {
            throw new BadInput(name + ": no aggregate report object in it (expected the shape printed by "
                    + "'aligned report parse --json')");
        }
        return out;
    }

    private static AggregateReport report(String where, JsonNode o) throws BadInput {
        JsonNode m = o.path("report_metadata");
        JsonNode p = o.path("policy_published");
        Optional<DateRange> range = Optional.empty();
        JsonNode dr = m.path("date_range");
        if (dr.isObject()) {
            range = Optional.of(DateRange.ofEpochSeconds(dr.path("begin").asLong(), dr.path("end").asLong()));
        }
        List<String> errors = new ArrayList<>();
        m.path("error").forEach(e -> errors.add(e.asText()));
        ReportMetadata meta = new ReportMetadata(m.path("org_name").asText(""), m.path("email").asText(""),
                opt(m, "extra_contact_info"), m.path("report_id").asText(""), range, errors, opt(m, "generator"));
        PolicyPublished pol = new PolicyPublished(p.path("domain").asText(""),
                en(where, p, "adkim", Alignment::ofToken), en(where, p, "aspf", Alignment::ofToken),
                en(where, p, "p", Disposition::ofToken), en(where, p, "sp", Disposition::ofToken),
                en(where, p, "np", Disposition::ofToken),
                p.path("pct").isNumber() ? OptionalInt.of(p.path("pct").asInt()) : OptionalInt.empty(), opt(p, "fo"),
                en(where, p, "testing", Testing::ofToken), en(where, p, "discovery_method", DiscoveryMethod::ofToken));
        List<ReportRecord> records = new ArrayList<>();
        int n = 0;
        for (JsonNode r : o.path("record")) {
            n++;
            String at = where + ", record " + n;
            JsonNode row = r.path("row");
            JsonNode pe = row.path("policy_evaluated");
            List<OverrideReason> reasons = new ArrayList<>();
            for (JsonNode reason : pe.path("reason")) {
                reasons.add(new OverrideReason(en(at, reason, "type", PolicyOverride::ofToken), opt(reason, "comment")));
            }
            JsonNode ids = r.path("identifiers");
            List<DkimAuthResult> dkim = new ArrayList<>();
            for (JsonNode d : r.path("auth_results").path("dkim")) {
                dkim.add(new DkimAuthResult(d.path("domain").asText(""), opt(d, "selector"),
                        en(at, d, "result", DkimResult::ofToken), opt(d, "human_result")));
            }
            List<SpfAuthResult> spf = new ArrayList<>();
            for (JsonNode s : r.path("auth_results").path("spf")) {
                spf.add(new SpfAuthResult(s.path("domain").asText(""), en(at, s, "scope", SpfScope::ofToken),
                        en(at, s, "result", SpfResult::ofToken), opt(s, "human_result")));
            }
            long count = row.path("count").asLong(-1);
            if (count < 0) {
                throw new BadInput(at + ": row.count missing or negative");
            }
            records.add(new ReportRecord(new Row(ip(at, row.path("source_ip").asText("")), count,
                    new PolicyEvaluated(en(at, pe, "disposition", ActionDisposition::ofToken),
                            en(at, pe, "dkim", DmarcResult::ofToken), en(at, pe, "spf", DmarcResult::ofToken), reasons)),
                    new Identifiers(opt(ids, "envelope_to"), opt(ids, "envelope_from"), ids.path("header_from").asText("")),
                    dkim, spf, List.of()));
        }
        return new AggregateReport(opt(o, "version"), meta, pol, records, List.of());
    }

    private static String ip(String at, String text) throws BadInput {
        return IpAddresses.canonical(text).orElseThrow(() -> new BadInput(at + ": source_ip '" + text
                + "' is not an IP address"));
    }

    private static Optional<String> opt(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static <E> Optional<E> en(String at, JsonNode n, String field, Function<String, Optional<E>> of)
            throws BadInput {
        Optional<String> v = opt(n, field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Optional<E> e = of.apply(v.get().toLowerCase(Locale.ROOT));
        if (e.isEmpty()) {
            throw new BadInput(at + ": unknown value '" + v.get() + "' for " + field);
        }
        return e;
    }

    static List<AggregateReport> csv(String name, String text) throws BadInput {
        List<List<String>> rows = parseCsv(text);
        if (rows.isEmpty()) {
            throw new BadInput(name + ": empty CSV");
        }
        List<String> header = rows.get(0);
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.put(header.get(i).strip(), i);
        }
        for (String required : List.of("org_name", "report_id", "domain", "source_ip", "count")) {
            if (!col.containsKey(required)) {
                throw new BadInput(name + ", line 1: missing column '" + required + "' (expected the columns of "
                        + "'aligned report parse --csv': " + ReportCsv.HEADER + ")");
            }
        }
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> reports = new LinkedHashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (int li = 1; li < rows.size(); li++) {
            List<String> r = rows.get(li);
            if (r.size() == 1 && r.get(0).isBlank()) {
                continue;
            }
            Function<String, String> c = k -> col.containsKey(k) && col.get(k) < r.size() ? r.get(col.get(k)) : "";
            String key = c.apply("org_name") + "\u0000" + c.apply("report_id") + "\u0000" + c.apply("domain");
            var rep = reports.computeIfAbsent(key, k -> {
                var o = mapper.createObjectNode();
                var m = o.putObject("report_metadata");
                for (String f : List.of("org_name", "email", "extra_contact_info", "report_id")) {
                    m.put(f, c.apply(f));
                }
                if (!c.apply("begin").isEmpty()) {
                    m.putObject("date_range").put("begin", Long.parseLong(c.apply("begin")))
                            .put("end", Long.parseLong(c.apply("end")));
                }
                var p = o.putObject("policy_published");
                for (String f : List.of("domain", "adkim", "aspf", "p", "sp", "np", "fo", "testing",
                        "discovery_method")) {
                    p.put(f, c.apply(f));
                }
                if (!c.apply("pct").isEmpty()) {
                    p.put("pct", Integer.parseInt(c.apply("pct")));
                }
                o.putArray("record");
                return o;
            });
            var rec = ((com.fasterxml.jackson.databind.node.ArrayNode) rep.get("record")).addObject();
            var row = rec.putObject("row");
            row.put("source_ip", c.apply("source_ip"));
            try {
                row.put("count", Long.parseLong(c.apply("count").strip()));
            } catch (NumberFormatException e) {
                throw new BadInput(name + ", line " + (li + 1) + ": count '" + c.apply("count") + "' is not a number");
            }
            var pe = row.putObject("policy_evaluated");
            pe.put("disposition", c.apply("disposition"));
            pe.put("dkim", c.apply("dkim"));
            pe.put("spf", c.apply("spf"));
            var reasons = pe.putArray("reason");
            String[] types = split(c.apply("reason_type"));
            String[] comments = split(c.apply("reason_comment"));
            for (int i = 0; i < types.length; i++) {
                reasons.addObject().put("type", types[i]).put("comment", i < comments.length ? comments[i] : "");
            }
            var ids = rec.putObject("identifiers");
            ids.put("envelope_to", c.apply("envelope_to"));
            ids.put("envelope_from", c.apply("envelope_from"));
            ids.put("header_from", c.apply("header_from"));
            var auth = rec.putObject("auth_results");
            var dkim = auth.putArray("dkim");
            String[] dd = split(c.apply("dkim_domain"));
            String[] ds = split(c.apply("dkim_selector"));
            String[] dr = split(c.apply("dkim_result"));
            for (int i = 0; i < dd.length; i++) {
                dkim.addObject().put("domain", dd[i]).put("selector", i < ds.length ? ds[i] : "")
                        .put("result", i < dr.length ? dr[i] : "");
            }
            var spf = auth.putArray("spf");
            String[] sd = split(c.apply("spf_domain"));
            String[] ss = split(c.apply("spf_scope"));
            String[] sr = split(c.apply("spf_result"));
            for (int i = 0; i < sd.length; i++) {
                spf.addObject().put("domain", sd[i]).put("scope", i < ss.length ? ss[i] : "")
                        .put("result", i < sr.length ? sr[i] : "");
            }
        }
        List<AggregateReport> out = new ArrayList<>();
        int i = 0;
        for (var o : reports.values()) {
            out.add(report(name + ", report " + (++i), o));
        }
        if (out.isEmpty()) {
            throw new BadInput(name + ": no records in the CSV");
        }
        return out;
    }

    private static String[] split(String s) {
        return s.isEmpty() ? new String[0] : s.split(";", -1);
    }

    /** RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(ch);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
