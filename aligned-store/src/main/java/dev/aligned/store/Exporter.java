package dev.aligned.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Writes stored records as JSON or CSV, streaming (constant memory). CSV cells that a spreadsheet would run as a
 * formula (starting with {@code = + - @}, tab or CR) are prefixed with {@code '}: report fields are written by
 * strangers.
 *
 * <pre>{@code
 * long rows = Exporter.write(store, ExportQuery.domain("example.com"), ExportFormat.CSV, writer);
 * }</pre>
 */
public final class Exporter {
    /** The CSV header, and the JSON member names, in order. */
    public static final List<String> COLUMNS = List.of("domain", "org_name", "report_id", "begin", "end",
            "source_ip", "messages", "disposition", "dkim", "spf", "header_from", "envelope_from", "envelope_to",
            "dkim_results", "spf_results", "flagged");

    private Exporter() {
    }

    /** Writes the records {@code query} selects to {@code out} and returns how many. */
    public static long write(ReportStore store, ExportQuery query, ExportFormat format, Writer out) {
        long[] n = new long[1];
        try {
            if (format == ExportFormat.CSV) {
                out.write(String.join(",", COLUMNS));
                out.write("\r\n");
            } else {
                out.write("[");
            }
            store.export(query, row -> {
                try {
                    if (format == ExportFormat.CSV) {
                        csv(row, out);
                    } else {
                        out.write(n[0] == 0 ? "\n" : ",\n");
                        json(row, out);
                    }
                    n[0]++;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (format == ExportFormat.JSON) {
                out.write(n[0] == 0 ? "]\n" : "\n]\n");
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n[0];
    }

    private static List<Object> values(ExportRow r) {
        return List.of(r.domain(), r.orgName(), r.reportId(), time(r.begin()), time(r.end()), r.sourceIp(),
                r.messages(), r.disposition(), r.dkim(), r.spf(), r.headerFrom(), r.envelopeFrom(), r.envelopeTo(),
                r.dkimResults(), r.spfResults(), r.flagged());
    }

    private static String time(Optional<Instant> t) {
        return t.map(Instant::toString).orElse("");
    }

    private static void csv(ExportRow r, Writer out) throws IOException {
        List<Object> v = values(r);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(csvCell(String.valueOf(v.get(i)), v.get(i) instanceof String));
        }
        line.append("\r\n");
        out.write(line.toString());
    }

    static String csvCell(String s, boolean text) {
        String v = s;
        if (text && !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private static void json(ExportRow r, Writer out) throws IOException {
        List<Object> v = values(r);
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            jsonString(COLUMNS.get(i), b);
            b.append(':');
            Object x = v.get(i);
            if (x instanceof String s) {
                jsonString(s, b);
            } else {
                b.append(x);
            }
        }
        b.append('}');
        out.write(b.toString());
    }

    static void jsonString(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<' || c == '>' || c == '&') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
