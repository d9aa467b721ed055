package dev.aligned.report;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streaming StAX reader of one aggregate report document. Lenient: what it repairs goes to the warnings; what it
 * cannot read (not well-formed XML, a DTD, a limit) ends the parse with a {@link ReportResult.Failed}.
 * Records are handed to a sink one by one, so memory does not grow with the report.
 */
final class AggregateXmlParser {
    static final String NS_2_0 = "urn:ietf:params:xml:ns:dmarc-2.0";
    private static final Set<String> KNOWN_NS = Set.of("", NS_2_0, "http://dmarc.org/dmarc-xml/0.1",
            "http://dmarc.org/dmarc-xml/0.2");
    private static final XMLInputFactory FACTORY = newFactory();

    private final String source;
    private final ReportLimits limits;
    private final Warnings warnings;
    private XMLStreamReader r;
    private XmlDecodingReader decoding;
    private int depth;
    private boolean ns20;

    private AggregateXmlParser(String source, ReportLimits limits, Warnings warnings) {
        this.source = source;
        this.limits = limits;
        this.warnings = warnings;
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXMLResolver((publicId, systemId, baseUri, ns) -> {
            throw new XMLStreamException("external entity refused: " + systemId);
        });
        return f;
    }

    /**
     * Parses one XML document. With a {@code sink}, records go to it and the returned report has none; without,
     * they are collected (at most {@link ReportLimits#maxRecords()}).
     */
    static ReportResult parse(String source, InputStream in, ReportLimits limits, Consumer<ReportRecord> sink,
            Warnings warnings) {
        return new AggregateXmlParser(source, limits, warnings).run(in, sink);
    }

    private ReportResult run(InputStream in, Consumer<ReportRecord> sink) {
        try {
            XmlPrelude prelude = XmlPrelude.read(in, warnings);
            if (prelude.empty) {
                return new ReportResult.Failed(source, source + ": empty input (0 bytes): no report in it");
            }
            decoding = new XmlDecodingReader(prelude.in, prelude.charset, warnings);
            r = FACTORY.createXMLStreamReader(decoding);
            List<ReportRecord> collected = new ArrayList<>();
            Consumer<ReportRecord> target = sink != null ? sink : collected::add;
            AggregateReport report = document(target);
            if (report == null) {
                return new ReportResult.Failed(source, source + ": no <feedback> element: "
                        + "this is XML but not a DMARC aggregate report");
            }
            if (sink == null) {
                report = report.withRecords(collected);
            }
            return new ReportResult.Parsed(source, report, warnings.toList());
        } catch (XMLStreamException e) {
            return new ReportResult.Failed(source, describe(e));
        } catch (LimitExceededException e) {
            return new ReportResult.Failed(source, source + ": " + e.getMessage());
        } catch (IOException e) {
            return new ReportResult.Failed(source, source + ": read error: " + e.getMessage());
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing left to release
                }
            }
        }
    }

    private String describe(XMLStreamException e) {
        for (Throwable t = e; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof XMLStreamException x ? x.getNestedException() : null) {
            if (t instanceof LimitExceededException || (t instanceof IOException && t != e)) {
                String m = t.getMessage() == null ? t.toString() : t.getMessage();
                return m.startsWith(source) ? m : source + ": " + m;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        Location loc = e.getLocation();
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        int i = msg.indexOf("Message: ");
        if (i >= 0) {
            msg = msg.substring(i + "Message: ".length());
        }
        if (e.getNestedException() != null && e.getNestedException().getMessage() != null) {
            msg = e.getNestedException().getMessage();
        }
        msg = msg.strip();
        if (loc == null && r != null) {
            try {
                loc = r.getLocation();
            } catch (RuntimeException ignored) {
                loc = null;
            }
        }
        if (loc == null || loc.getLineNumber() < 0) {
            return source + ": not well-formed XML: " + msg;
        }
        String excerpt = decoding == null ? "" : decoding.excerpt(loc.getLineNumber(), loc.getColumnNumber(), 30);
        return source + ", line " + loc.getLineNumber() + ":" + loc.getColumnNumber() + ": not well-formed XML: "
                + msg + (excerpt.isBlank() ? "" : " near \"" + excerpt.strip() + "\"")
                + " (the reporter sent a broken file; ask them to fix it or repair it by hand)";
    }

    // ---- event helpers ------------------------------------------------------------------------------------

    private int next() throws XMLStreamException, LimitExceededException {
        int ev = r.next();
        switch (ev) {
            case XMLStreamConstants.START_ELEMENT -> {
                if (++depth > limits.maxDepth()) {
                    throw new LimitExceededException("line " + pos() + ": elements nested deeper than "
                            + limits.maxDepth() + " levels (ReportLimits.maxDepth)");
                }
            }
            case XMLStreamConstants.END_ELEMENT -> depth--;
            case XMLStreamConstants.DTD -> throw new LimitExceededException("line " + pos()
                    + ": DOCTYPE declarations are refused (they enable entity expansion and external entity "
                    + "attacks); DMARC reports never need one");
            case XMLStreamConstants.ENTITY_REFERENCE -> throw new LimitExceededException("line " + pos()
                    + ": entity reference &" + r.getLocalName() + "; refused (no DTD entities are allowed)");
            default -> {
            }
        }
        return ev;
    }

    private static String lc(Location l) {
        return l.getLineNumber() + ":" + l.getColumnNumber();
    }

    private String pos() {
        Location l = r.getLocation();
        return l.getLineNumber() + ":" + l.getColumnNumber();
    }

    /** Moves to the next child element of the current element; false at the current element's end tag. */
    private boolean nextChild() throws XMLStreamException, LimitExceededException {
        while (true) {
            int ev = next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (ev == XMLStreamConstants.END_ELEMENT || ev == XMLStreamConstants.END_DOCUMENT) {
                return false;
            }
        }
    }

    /** The text of the current element (stripped), skipping child elements with a warning; bounded. */
    private String text() throws XMLStreamException, LimitExceededException {
        String name = r.getLocalName();
        String single = null;
        StringBuilder sb = null;
        while (true) {
            int ev = next();
            switch (ev) {
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    int len = r.getTextLength();
                    if (single == null && sb == null) {
                        if (len > limits.maxTextChars()) {
                            throw tooLong(name);
                        }
                        single = r.getText();
                    } else {
                        if (sb == null) {
                            sb = textBuffer;
                            sb.setLength(0);
                            sb.append(single);
                        }
                        if (sb.length() + len > limits.maxTextChars()) {
                            throw tooLong(name);
                        }
                        sb.append(r.getTextCharacters(), r.getTextStart(), len);
                    }
                }
                case XMLStreamConstants.START_ELEMENT -> {
                    warnings.add("line " + pos() + ": unexpected element <" + r.getLocalName() + "> inside <"
                            + name + "> ignored");
                    skip();
                }
                case XMLStreamConstants.END_ELEMENT, XMLStreamConstants.END_DOCUMENT -> {
                    String t = sb != null ? sb.toString() : single == null ? "" : single;
                    return t.strip();
                }
                default -> {
                }
            }
        }
    }

    private LimitExceededException tooLong(String name) {
        return new LimitExceededException("line " + pos() + ": text of <" + name + "> longer than "
                + limits.maxTextChars() + " characters (ReportLimits.maxTextChars)");
    }

    private final StringBuilder textBuffer = new StringBuilder();

    /** Skips the current element and its content. */
    private void skip() throws XMLStreamException, LimitExceededException {
        int target = depth - 1;
        while (depth > target) {
            if (next() == XMLStreamConstants.END_DOCUMENT) {
                return;
            }
        }
    }

    /** Re-serialises the current element as a fragment, bounded by maxTextChars. */
    private Extension capture() throws XMLStreamException, LimitExceededException {
        String ns = nz(r.getNamespaceURI());
        String name = r.getLocalName();
        Location at = r.getLocation();
        StringBuilder sb = new StringBuilder();
        List<String> nsStack = new ArrayList<>();
        int start = depth;
        writeStart(sb, "\u0000", nsStack);
        while (depth >= start) {
            int ev = next();
            switch (ev) {
                case XMLStreamConstants.START_ELEMENT -> writeStart(sb, nsStack.get(nsStack.size() - 1), nsStack);
                case XMLStreamConstants.END_ELEMENT -> {
                    sb.append("</").append(r.getLocalName()).append('>');
                    nsStack.remove(nsStack.size() - 1);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        escape(sb, r.getText(), false);
                case XMLStreamConstants.END_DOCUMENT -> {
                    return new Extension(ns, name, sb.toString());
                }
                default -> {
                }
            }
            if (sb.length() > limits.maxTextChars()) {
                throw new LimitExceededException("line " + lc(at) + ": extension element <" + name + "> longer than "
                        + limits.maxTextChars() + " characters (ReportLimits.maxTextChars)");
            }
        }
        return new Extension(ns, name, sb.toString());
    }

    private void writeStart(StringBuilder sb, String parentNs, List<String> nsStack) {
        String ns = nz(r.getNamespaceURI());
        sb.append('<').append(r.getLocalName());
        if (!ns.equals(parentNs)) {
            sb.append(" xmlns=\"");
            escape(sb, ns, true);
            sb.append('"');
        }
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String ans = nz(r.getAttributeNamespace(i));
            String prefix = nz(r.getAttributePrefix(i));
            sb.append(' ');
            if (!ans.isEmpty()) {
                String pfx = prefix.isEmpty() ? "a" + i : prefix;
                sb.append("xmlns:").append(pfx).append("=\"");
                escape(sb, ans, true);
                sb.append("\" ").append(pfx).append(':');
            }
            sb.append(r.getAttributeLocalName(i)).append("=\"");
            escape(sb, r.getAttributeValue(i), true);
            sb.append('"');
        }
        sb.append('>');
        nsStack.add(ns);
    }

    static void escape(StringBuilder sb, String s, boolean attr) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append(attr ? "&quot;" : "\"");
                case '\r' -> sb.append("&#13;");
                case '\n' -> sb.append(attr ? "&#10;" : "\n");
                case '\t' -> sb.append(attr ? "&#9;" : "\t");
                default -> sb.append(c);
            }
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    // ---- document structure ---------------------------------------------------------------------------------

    private AggregateReport document(Consumer<ReportRecord> sink) throws XMLStreamException, IOException {
        while (true) {
            int ev = next();
            if (ev == XMLStreamConstants.END_DOCUMENT) {
                return null;
            }
            if (ev == XMLStreamConstants.START_ELEMENT) {
                break;
            }
        }
        if (!r.getLocalName().equals("feedback")) {
            warnings.add("line " + pos() + ": root element is <" + (r.getPrefix() == null || r.getPrefix().isEmpty() ? "" : r.getPrefix() + ":") + r.getLocalName()
                    + ">, not <feedback>; looking for <feedback> inside it");
            while (true) {
                int ev = next();
                if (ev == XMLStreamConstants.END_DOCUMENT) {
                    return null;
                }
                if (ev == XMLStreamConstants.START_ELEMENT && r.getLocalName().equals("feedback")) {
                    break;
                }
            }
        }
        String ns = nz(r.getNamespaceURI());
        ns20 = ns.equals(NS_2_0);
        if (!KNOWN_NS.contains(ns)) {
            warnings.add("line " + pos() + ": unknown namespace '" + ns + "' on <feedback>; read as a DMARC report");
        }
        return feedback(sink);
    }

    private AggregateReport feedback(Consumer<ReportRecord> sink) throws XMLStreamException, IOException {
        Order order = new Order("feedback", true, "version", "report_metadata", "policy_published", "extension",
                "record");
        Optional<String> version = Optional.empty();
        ReportMetadata metadata = null;
        PolicyPublished policy = null;
        List<Extension> extensions = new ArrayList<>();
        long records = 0;
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "version" -> version = firstText(version, name);
                case "report_metadata" -> {
                    if (metadata != null) {
                        warnings.add("line " + pos() + ": repeated <report_metadata> ignored");
                        skip();
                    } else {
                        metadata = metadata();
                    }
                }
                case "policy_published" -> {
                    if (policy != null) {
                        warnings.add("line " + pos() + ": repeated <policy_published> ignored");
                        skip();
                    } else {
                        policy = policy();
                    }
                }
                case "record" -> {
                    if (++records > limits.maxRecords()) {
                        throw new LimitExceededException("line " + pos() + ": more than " + limits.maxRecords()
                                + " records (ReportLimits.maxRecords); stream the report or raise the limit");
                    }
                    sink.accept(record());
                }
                case "extension" -> {
                    while (nextChild()) {
                        extensions.add(capture());
                    }
                }
                default -> {
                    warnings.add("line " + pos() + ": unknown element <" + name + "> in <feedback> kept as an "
                            + "extension");
                    extensions.add(capture());
                }
            }
        }
        if (metadata == null) {
            warnings.add("missing <report_metadata>");
            metadata = new ReportMetadata("", "", Optional.empty(), "", Optional.empty(), List.of(),
                    Optional.empty());
        }
        if (policy == null) {
            warnings.add("missing <policy_published>");
            policy = new PolicyPublished("", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        if (records == 0) {
            warnings.add("no <record> elements: the report lists no messages");
        }
        return new AggregateReport(version, metadata, policy, List.of(), extensions);
    }

    private ReportMetadata metadata() throws XMLStreamException, IOException {
        Order order = new Order("report_metadata", !ns20, "org_name", "email", "extra_contact_info", "report_id",
                "date_range", "error", "generator");
        Optional<String> org = Optional.empty();
        Optional<String> email = Optional.empty();
        Optional<String> extra = Optional.empty();
        Optional<String> id = Optional.empty();
        Optional<DateRange> range = Optional.empty();
        boolean rangeSeen = false;
        List<String> errors = new ArrayList<>();
        Optional<String> generator = Optional.empty();
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "org_name" -> org = firstText(org, name);
                case "email" -> email = firstText(email, name);
                case "extra_contact_info" -> extra = firstText(extra, name);
                case "report_id" -> id = firstText(id, name);
                case "generator" -> generator = firstText(generator, name);
                case "error" -> {
                    Location at = r.getLocation();
                    String t = text();
                    if (t.isEmpty()) {
                        warnings.add("line " + lc(at) + ": empty <error> ignored");
                    } else {
                        errors.add(t);
                    }
                }
                case "date_range" -> {
                    if (rangeSeen) {
                        warnings.add("line " + pos() + ": repeated <date_range> ignored");
                        skip();
                    } else {
                        rangeSeen = true;
                        range = dateRange();
                    }
                }
                default -> unknown(name, "report_metadata");
            }
        }
        return new ReportMetadata(required(org, "org_name"), required(email, "email"), extra,
                required(id, "report_id"), range, errors, generator);
    }

    private String required(Optional<String> v, String name) {
        if (v.isEmpty()) {
            warnings.add("missing <" + name + ">");
        }
        return v.orElse("");
    }

    private Optional<DateRange> dateRange() throws XMLStreamException, IOException {
        Long begin = null;
        Long end = null;
        while (nextChild()) {
            String name = r.getLocalName();
            switch (name) {
                case "begin" -> begin = timestamp(name);
                case "end" -> end = timestamp(name);
                default -> unknown(name, "date_range");
            }
        }
        if (begin == null || end == null) {
            warnings.add("incomplete <date_range>: the reporting period is unknown");
            return Optional.empty();
        }
        if (end < begin) {
            warnings.add("<date_range> ends (" + end + ") before it begins (" + begin + ")");
        }
        return Optional.of(DateRange.ofEpochSeconds(begin, end));
    }

    private Long timestamp(String name) throws XMLStreamException, LimitExceededException {
        Location at = r.getLocation();
        String t = text();
        if (t.isEmpty()) {
            warnings.add("line " + lc(at) + ": empty <" + name + ">");
            return null;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            try {
                BigDecimal d = new BigDecimal(t);
                long v = d.longValue();
                warnings.add("line " + lc(at) + ": decimal timestamp '" + t + "' in <" + name + "> read as " + v);
                return v;
            } catch (NumberFormatException | ArithmeticException e2) {
                warnings.add("line " + lc(at) + ": <" + name + "> '" + t + "' is not a timestamp (epoch seconds)");
                return null;
            }
        }
    }

    private PolicyPublished policy() throws XMLStreamException, IOException {
        // only the RFC 7489 elements have an order (np, testing and discovery_method come from RFC 9990's xs:all)
        Order order = new Order("policy_published", !ns20, "domain", "adkim", "aspf", "p", "sp", "pct", "fo");
        Optional<String> domain = Optional.empty();
        Optional<Alignment> adkim = Optional.empty();
        Optional<Alignment> aspf = Optional.empty();
        Optional<Disposition> p = Optional.empty();
        Optional<Disposition> sp = Optional.empty();
        Optional<Disposition> np = Optional.empty();
        OptionalInt pct = OptionalInt.empty();
        Optional<String> fo = Optional.empty();
        Optional<Testing> testing = Optional.empty();
        Optional<DiscoveryMethod> discovery = Optional.empty();
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "domain" -> domain = firstText(domain, name);
                case "adkim" -> adkim = enumOnce(adkim, name, Alignment::ofToken, Map.of("relaxed", "r", "strict", "s"));
                case "aspf" -> aspf = enumOnce(aspf, name, Alignment::ofToken, Map.of("relaxed", "r", "strict", "s"));
                case "p" -> p = enumOnce(p, name, Disposition::ofToken, Map.of());
                case "sp" -> sp = enumOnce(sp, name, Disposition::ofToken, Map.of());
                case "np" -> np = enumOnce(np, name, Disposition::ofToken, Map.of());
                case "fo" -> fo = firstText(fo, name);
                case "testing" -> testing = enumOnce(testing, name, Testing::ofToken, Map.of());
                case "discovery_method" -> discovery = enumOnce(discovery, name, DiscoveryMethod::ofToken, Map.of());
                case "pct" -> {
                    Location at = r.getLocation();
                    String t = text();
                    if (t.isEmpty()) {
                        warnings.add("line " + lc(at) + ": empty <pct>");
                    } else {
                        try {
                            int v = new BigDecimal(t).intValueExact();
                            if (v < 0 || v > 100) {
                                warnings.add("line " + lc(at) + ": <pct> " + v + " outside 0-100 ignored");
                            } else {
                                pct = OptionalInt.of(v);
                            }
                        } catch (NumberFormatException | ArithmeticException e) {
                            warnings.add("line " + lc(at) + ": <pct> '" + t + "' is not a number; ignored");
                        }
                    }
                }
                default -> unknown(name, "policy_published");
            }
        }
        if (p.isEmpty()) {
            warnings.add("<policy_published> has no readable <p>");
        }
        return new PolicyPublished(required(domain, "domain"), adkim, aspf, p, sp, np, pct, fo, testing, discovery);
    }

    private ReportRecord record() throws XMLStreamException, IOException {
        Order order = new Order("record", true, "row", "identifiers", "auth_results");
        Row row = null;
        Identifiers ids = null;
        List<DkimAuthResult> dkim = new ArrayList<>();
        List<SpfAuthResult> spf = new ArrayList<>();
        List<Extension> extensions = new ArrayList<>();
        Location at = r.getLocation();
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "row" -> row = row();
                case "identifiers" -> ids = identifiers();
                case "auth_results" -> authResults(dkim, spf);
                default -> {
                    if (!ns20 || nz(r.getNamespaceURI()).equals(NS_2_0)) {
                        warnings.add("line " + pos() + ": unknown element <" + name + "> in <record> kept as an "
                                + "extension");
                    }
                    extensions.add(capture());
                }
            }
        }
        if (row == null) {
            warnings.add("line " + lc(at) + ": <record> without <row>");
            row = new Row("", 0, new PolicyEvaluated(Optional.empty(), Optional.empty(), Optional.empty(),
                    List.of()));
        }
        if (ids == null) {
            warnings.add("line " + lc(at) + ": <record> without <identifiers>");
            ids = new Identifiers(Optional.empty(), Optional.empty(), "");
        }
        return new ReportRecord(row, ids, dkim, spf, extensions);
    }

    private Row row() throws XMLStreamException, IOException {
        Order order = new Order("row", !ns20, "source_ip", "count", "policy_evaluated");
        String ip = null;
        long count = -1;
        PolicyEvaluated pe = null;
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "source_ip" -> {
                    Location at = r.getLocation();
                    String t = text();
                    Optional<String> canon = IpAddresses.canonical(t);
                    if (canon.isPresent()) {
                        ip = canon.get();
                        if (!ip.equals(t) && t.indexOf(':') >= 0) {
                            warnings.add("line " + lc(at) + ": IPv6 address '" + t + "' normalised to " + ip);
                        }
                    } else {
                        ip = t;
                        warnings.add("line " + lc(at) + ": <source_ip> '" + t + "' is not an IP address; kept as text");
                    }
                }
                case "count" -> {
                    Location at = r.getLocation();
                    String t = text();
                    try {
                        count = Long.parseLong(t);
                    } catch (NumberFormatException e) {
                        try {
                            count = new BigDecimal(t).longValueExact();
                            warnings.add("line " + lc(at) + ": decimal <count> '" + t + "' read as " + count);
                        } catch (NumberFormatException | ArithmeticException e2) {
                            warnings.add("line " + lc(at) + ": <count> '" + t + "' is not a number; read as 0");
                            count = 0;
                        }
                    }
                    if (count < 0) {
                        warnings.add("line " + lc(at) + ": negative <count> " + count + " read as 0");
                        count = 0;
                    }
                }
                case "policy_evaluated" -> pe = policyEvaluated();
                default -> unknown(name, "row");
            }
        }
        if (ip == null) {
            warnings.add("line " + pos() + ": <row> without <source_ip>");
            ip = "";
        }
        if (count < 0) {
            warnings.add("line " + pos() + ": <row> without <count>; read as 0");
            count = 0;
        }
        if (pe == null) {
            warnings.add("line " + pos() + ": <row> without <policy_evaluated>");
            pe = new PolicyEvaluated(Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        }
        return new Row(ip, count, pe);
    }

    private PolicyEvaluated policyEvaluated() throws XMLStreamException, IOException {
        Order order = new Order("policy_evaluated", true, "disposition", "dkim", "spf", "reason");
        Optional<ActionDisposition> disposition = Optional.empty();
        Optional<DmarcResult> dkim = Optional.empty();
        Optional<DmarcResult> spf = Optional.empty();
        List<OverrideReason> reasons = new ArrayList<>();
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "disposition" -> disposition = enumOnce(disposition, name, ActionDisposition::ofToken, Map.of());
                case "dkim" -> dkim = enumOnce(dkim, name, DmarcResult::ofToken, Map.of());
                case "spf" -> spf = enumOnce(spf, name, DmarcResult::ofToken, Map.of());
                case "reason" -> {
                    Optional<PolicyOverride> type = Optional.empty();
                    Optional<String> comment = Optional.empty();
                    while (nextChild()) {
                        String n = r.getLocalName();
                        switch (n) {
                            case "type" -> type = enumValue(n, PolicyOverride::ofToken, Map.of());
                            case "comment" -> comment = firstText(comment, n);
                            default -> unknown(n, "reason");
                        }
                    }
                    if (type.isPresent() || comment.isPresent()) {
                        reasons.add(new OverrideReason(type, comment));
                    }
                }
                default -> unknown(name, "policy_evaluated");
            }
        }
        return new PolicyEvaluated(disposition, dkim, spf, reasons);
    }

    private Identifiers identifiers() throws XMLStreamException, IOException {
        Optional<String> to = Optional.empty();
        Optional<String> from = Optional.empty();
        Optional<String> header = Optional.empty();
        while (nextChild()) {
            String name = r.getLocalName();
            switch (name) {
                case "envelope_to" -> to = firstText(to, name);
                case "envelope_from" -> from = firstText(from, name);
                case "header_from" -> header = firstText(header, name);
                default -> unknown(name, "identifiers");
            }
        }
        if (header.isEmpty()) {
            warnings.add("line " + pos() + ": <identifiers> without <header_from>");
        }
        return new Identifiers(to, from, header.orElse(""));
    }

    private void authResults(List<DkimAuthResult> dkim, List<SpfAuthResult> spf)
            throws XMLStreamException, IOException {
        Order order = new Order("auth_results", true, "dkim", "spf");
        while (nextChild()) {
            String name = r.getLocalName();
            order.see(name);
            switch (name) {
                case "dkim" -> {
                    Optional<String> domain = Optional.empty();
                    Optional<String> selector = Optional.empty();
                    Optional<DkimResult> result = Optional.empty();
                    Optional<String> human = Optional.empty();
                    while (nextChild()) {
                        String n = r.getLocalName();
                        switch (n) {
                            case "domain" -> domain = firstText(domain, n);
                            case "selector" -> selector = firstText(selector, n);
                            case "result" -> result = enumValue("dkim result", DkimResult::ofToken,
                                    Map.of("hardfail", "fail"));
                            case "human_result" -> human = firstText(human, n);
                            default -> unknown(n, "dkim");
                        }
                    }
                    dkim.add(new DkimAuthResult(domain.orElse(""), selector, result, human));
                }
                case "spf" -> {
                    Optional<String> domain = Optional.empty();
                    Optional<SpfScope> scope = Optional.empty();
                    Optional<SpfResult> result = Optional.empty();
                    Optional<String> human = Optional.empty();
                    while (nextChild()) {
                        String n = r.getLocalName();
                        switch (n) {
                            case "domain" -> domain = firstText(domain, n);
                            case "scope" -> scope = enumValue("spf scope", SpfScope::ofToken, Map.of());
                            case "result" -> result = enumValue("spf result", SpfResult::ofToken,
                                    Map.of("hardfail", "fail"));
                            case "human_result" -> human = firstText(human, n);
                            default -> unknown(n, "spf");
                        }
                    }
                    spf.add(new SpfAuthResult(domain.orElse(""), scope, result, human));
                }
                default -> unknown(name, "auth_results");
            }
        }
    }

    private void unknown(String name, String parent) throws XMLStreamException, LimitExceededException {
        warnings.add("line " + pos() + ": unknown element <" + name + "> in <" + parent + "> ignored");
        skip();
    }

    private Optional<String> firstText(Optional<String> current, String name)
            throws XMLStreamException, LimitExceededException {
        Location at = r.getLocation();
        String t = text();
        if (current.isPresent()) {
            warnings.add("line " + lc(at) + ": repeated <" + name + "> ignored (the first is kept)");
            return current;
        }
        if (t.isEmpty()) {
            warnings.add("line " + lc(at) + ": empty <" + name + ">");
            return Optional.empty();
        }
        return Optional.of(t);
    }

    private <E> Optional<E> enumOnce(Optional<E> current, String what, Function<String, Optional<E>> of,
            Map<String, String> aliases) throws XMLStreamException, LimitExceededException {
        if (current.isPresent()) {
            warnings.add("line " + pos() + ": repeated <" + r.getLocalName() + "> ignored (the first is kept)");
            skip();
            return current;
        }
        return enumValue(what, of, aliases);
    }

    private <E> Optional<E> enumValue(String what, Function<String, Optional<E>> of, Map<String, String> aliases)
            throws XMLStreamException, LimitExceededException {
        Location at = r.getLocation();
        String t = text();
        if (t.isEmpty()) {
            warnings.add("line " + lc(at) + ": empty <" + r.getLocalName() + "> (" + what + ")");
            return Optional.empty();
        }
        String lower = t.toLowerCase(Locale.ROOT);
        Optional<E> v = of.apply(lower);
        if (v.isEmpty() && aliases.containsKey(lower)) {
            String alias = aliases.get(lower);
            warnings.add("line " + lc(at) + ": value '" + t + "' for " + what + " read as '" + alias + "'");
            return of.apply(alias);
        }
        if (v.isEmpty()) {
            warnings.add("line " + lc(at) + ": unknown value '" + t + "' for " + what + " ignored");
            return v;
        }
        if (!lower.equals(t)) {
            warnings.add("line " + lc(at) + ": upper-case value '" + t + "' for " + what + " read as '" + lower + "'");
        }
        return v;
    }

    /** Checks that children come in schema order, warning once per element when they do not. */
    private final class Order {
        private final String parent;
        private final boolean check;
        private final List<String> names;
        private int last = -1;
        private boolean warned;

        Order(String parent, boolean check, String... names) {
            this.parent = parent;
            this.check = check;
            this.names = List.of(names);
        }

        void see(String name) {
            int i = names.indexOf(name);
            if (i < 0) {
                return;
            }
            if (check && i < last && !warned && !(i == last)) {
                warned = true;
                warnings.add("line " + pos() + ": <" + name + "> after <" + names.get(last) + "> in <" + parent
                        + ">: elements out of schema order (accepted)");
            }
            last = Math.max(last, i);
        }
    }
}
