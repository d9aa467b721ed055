package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lenient parser on small synthetic documents: what it repairs and how it says so. */
class LenientParserTest {
    private final ReportReader reader = ReportReader.create();

    static String report(String ns, String policyExtra, String recordBody) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback" + (ns.isEmpty() ? "" : " xmlns=\"" + ns + "\"")
                + ">\n<report_metadata><org_name>r.example</org_name><email>a@r.example</email>"
                + "<report_id>42</report_id><date_range><begin>1700000000</begin><end>1700086399</end></date_range>"
                + "</report_metadata>\n<policy_published><domain>example.com</domain><p>reject</p>" + policyExtra
                + "</policy_published>\n<record>" + recordBody + "</record>\n</feedback>\n";
    }

    static final String ROW = "<row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated>"
            + "<disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>"
            + "<identifiers><header_from>example.com</header_from></identifiers>"
            + "<auth_results><dkim><domain>example.com</domain><selector>s1</selector><result>pass</result></dkim>"
            + "<spf><domain>example.com</domain><result>fail</result></spf></auth_results>";

    ReportResult.Parsed parse(String xml) {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    ReportResult.Parsed parse(byte[] xml) {
        List<ReportResult> r = reader.read("t.xml", new ByteArrayInputStream(xml));
        assertEquals(1, r.size(), r::toString);
        return assertInstanceOf(ReportResult.Parsed.class, r.get(0), () -> r.get(0).toString());
    }

    ReportResult.Failed fail(String xml) {
        List<ReportResult> r = reader.read("t.xml", new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, r.size(), r::toString);
        return assertInstanceOf(ReportResult.Failed.class, r.get(0), () -> r.get(0).toString());
    }

    static AggregateReport agg(ReportResult.Parsed p) {
        return (AggregateReport) p.report();
    }

    @Test
    void cleanReportHasNoWarnings() {
        assertEquals(List.of(), parse(report("", "", ROW)).warnings());
    }

    @Test
    void namespaceOrNoneGivesTheSameModel() {
        AggregateReport none = agg(parse(report("", "", ROW)));
        for (String ns : List.of(AggregateXmlParser.NS_2_0, "http://dmarc.org/dmarc-xml/0.1")) {
            ReportResult.Parsed p = parse(report(ns, "", ROW));
            assertEquals(List.of(), p.warnings(), ns);
            assertEquals(none, agg(p), ns);
        }
        ReportResult.Parsed odd = parse(report("urn:example:odd", "", ROW));
        assertEquals(none, agg(odd));
        assertEquals(List.of("line 2:35: unknown namespace 'urn:example:odd' on <feedback>; read as a DMARC report"),
                odd.warnings());
    }

    @Test
    void prefixedNamespaceIsRead() {
        String xml = "<d:feedback xmlns:d=\"" + AggregateXmlParser.NS_2_0 + "\"><d:report_metadata><d:org_name>x"
                + "</d:org_name></d:report_metadata><d:record><d:row><d:source_ip>192.0.2.9</d:source_ip>"
                + "<d:count>1</d:count></d:row></d:record></d:feedback>";
        AggregateReport a = agg(parse(xml));
        assertEquals("x", a.metadata().orgName());
        assertEquals("192.0.2.9", a.records().get(0).row().sourceIp());
    }

    @Test
    void upperCaseEnumerationsAreNormalisedWithAWarning() {
        ReportResult.Parsed p = parse(report("", "<SP>x</SP><adkim>R</adkim>",
                ROW.replace("<disposition>none", "<disposition>QUARANTINE").replace("<result>fail", "<result>SoftFail")));
        AggregateReport a = agg(p);
        assertEquals(Optional.of(Alignment.R), a.policy().adkim());
        assertEquals(Optional.of(ActionDisposition.QUARANTINE), a.records().get(0).row().policyEvaluated().disposition());
        assertEquals(Optional.of(SpfResult.SOFTFAIL), a.records().get(0).spf().get(0).result());
        assertTrue(p.warnings().contains("line 4:77: upper-case value 'R' for adkim read as 'r'"), p.warnings()::toString);
        assertTrue(p.warnings().contains("line 4:64: unknown element <SP> in <policy_published> ignored"),
                p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("upper-case value 'SoftFail' for spf result read as "
                + "'softfail'")), p.warnings()::toString);
    }

    @Test
    void unknownValuesAndAliasesAreFlagged() {
        ReportResult.Parsed p = parse(report("", "<p>reject</p>",
                ROW.replace("<result>fail", "<result>hardfail").replace("<dkim>pass</dkim><spf>", "<dkim>maybe</dkim><spf>")));
        ReportRecord r = agg(p).records().get(0);
        assertEquals(Optional.of(SpfResult.FAIL), r.spf().get(0).result());
        assertEquals(Optional.empty(), r.row().policyEvaluated().dkim());
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("value 'hardfail' for spf result read as 'fail'")),
                p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("unknown value 'maybe' for dkim ignored")),
                p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("repeated <p> ignored (the first is kept)")),
                p.warnings()::toString);
    }

    @Test
    void decimalTimestampsAndCountsAreRead() {
        ReportResult.Parsed p = parse(report("", "", ROW).replace("<begin>1700000000</begin>",
                "<begin>1700000000.0</begin>").replace("<count>3</count>", "<count>3.0</count>"));
        assertEquals(1700000000L, agg(p).metadata().dateRange().orElseThrow().begin().getEpochSecond());
        assertEquals(3, agg(p).records().get(0).row().count());
        assertTrue(p.warnings().stream().anyMatch(w -> w.contains("decimal timestamp '1700000000.0' in <begin> read as "
                + "1700000000")), p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.contains("decimal <count> '3.0' read as 3")),
                p.warnings()::toString);
    }

    @Test
    void elementsOutOfOrderAreAcceptedWithAWarning() {
        String xml = "<feedback><record>" + ROW + "</record><policy_published><domain>example.com</domain>"
                + "<p>none</p></policy_published><report_metadata><report_id>1</report_id><org_name>o</org_name>"
                + "<email>e@o</email></report_metadata></feedback>";
        ReportResult.Parsed p = parse(xml);
        AggregateReport a = agg(p);
        assertEquals("o", a.metadata().orgName());
        assertEquals(Optional.of(Disposition.NONE), a.policy().p());
        assertEquals(1, a.records().size());
        assertTrue(p.warnings().stream().anyMatch(w -> w.contains("<policy_published> after <record> in <feedback>: "
                + "elements out of schema order (accepted)")), p.warnings()::toString);
    }

    @Test
    void rfc9990ElementsAreReadInAnyOrderWithoutWarnings() {
        String ns = AggregateXmlParser.NS_2_0;
        String xml = report(ns, "<discovery_method>psl</discovery_method><testing>y</testing><np>quarantine</np>"
                + "<aspf>s</aspf>", ROW.replace("<disposition>none</disposition>", "<disposition>pass</disposition>")
                .replace("<spf>fail</spf></policy_evaluated>", "<spf>fail</spf><reason><type>policy_test_mode</type>"
                        + "<comment>t=y</comment></reason></policy_evaluated>")
                .replace("<result>pass</result></dkim>", "<result>pass</result><human_result>good sig"
                        + "</human_result></dkim>"))
                .replace("<report_id>42</report_id>", "<generator>Aligned 1</generator><report_id>42</report_id>");
        ReportResult.Parsed p = parse(xml);
        assertEquals(List.of(), p.warnings());
        AggregateReport a = agg(p);
        assertEquals(Optional.of("Aligned 1"), a.metadata().generator());
        assertEquals(Optional.of(Disposition.QUARANTINE), a.policy().np());
        assertEquals(Optional.of(Testing.Y), a.policy().testing());
        assertEquals(Optional.of(DiscoveryMethod.PSL), a.policy().discoveryMethod());
        ReportRecord r = a.records().get(0);
        assertEquals(Optional.of(ActionDisposition.PASS), r.row().policyEvaluated().disposition());
        assertEquals(List.of(new OverrideReason(Optional.of(PolicyOverride.POLICY_TEST_MODE), Optional.of("t=y"))),
                r.row().policyEvaluated().reasons());
        assertEquals(Optional.of("good sig"), r.dkim().get(0).humanResult());
    }

    @Test
    void unknownElementsAreKeptAsExtensions() {
        String xml = report(AggregateXmlParser.NS_2_0, "", ROW + "<x:geo xmlns:x=\"urn:example:geo\" x:src=\"db\">"
                + "<x:cc>NL</x:cc></x:geo>").replace("</policy_published>", "</policy_published><extension>"
                + "<y:note xmlns:y=\"urn:example:y\">a &amp; b</y:note></extension>");
        ReportResult.Parsed p = parse(xml);
        assertEquals(List.of(), p.warnings());
        AggregateReport a = agg(p);
        assertEquals(List.of(new Extension("urn:example:y", "note", "<note xmlns=\"urn:example:y\">a &amp; b</note>")),
                a.extensions());
        assertEquals(List.of(new Extension("urn:example:geo", "geo", "<geo xmlns=\"urn:example:geo\" xmlns:x=\""
                + "urn:example:geo\" x:src=\"db\"><cc>NL</cc></geo>")), a.records().get(0).extensions());
    }

    @Test
    void emptyElementsAreFlaggedAndLeftAbsent() {
        ReportResult.Parsed p = parse(report("", "<sp></sp><fo/>", ROW.replace("<disposition>none</disposition>",
                "<disposition></disposition>")));
        assertEquals(Optional.empty(), agg(p).policy().sp());
        assertEquals(Optional.empty(), agg(p).policy().fo());
        assertEquals(Optional.empty(), agg(p).records().get(0).row().policyEvaluated().disposition());
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("empty <sp> (sp)")), p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("empty <fo>")), p.warnings()::toString);
        assertTrue(p.warnings().stream().anyMatch(w -> w.endsWith("empty <disposition> (disposition)")),
                p.warnings()::toString);
    }

    @Test
    void ipv6IsNormalisedAndBadIpsAreKeptAsTextAndFlagged() {
        ReportResult.Parsed v6 = parse(report("", "", ROW.replace("192.0.2.1", "2001:DB8:0:0:0:0:0:1")));
        assertEquals("2001:db8::1", agg(v6).records().get(0).row().sourceIp());
        assertTrue(v6.warnings().stream().anyMatch(w -> w.endsWith("IPv6 address '2001:DB8:0:0:0:0:0:1' normalised to "
                + "2001:db8::1")), v6.warnings()::toString);
        ReportResult.Parsed compressed = parse(report("", "", ROW.replace("192.0.2.1", "2001:db8::1")));
        assertEquals(List.of(), compressed.warnings());
        assertEquals("2001:db8::1", agg(compressed).records().get(0).row().sourceIp());

        ReportResult.Parsed bad = parse(report("", "", ROW.replace("192.0.2.1", "108r.166.27.220")));
        assertEquals("108r.166.27.220", agg(bad).records().get(0).row().sourceIp());
        assertEquals(List.of("line 5:25: <source_ip> '108r.166.27.220' is not an IP address; kept as text"),
                bad.warnings());
    }

    @Test
    void junkBeforeTheRootIsSkipped() {
        ReportResult.Parsed p = parse("\u00a0garbage>\n" + report("", "", ROW));
        assertEquals("r.example", agg(p).metadata().orgName());
        assertEquals(List.of("junk before the XML document: 11 bytes skipped before the first '<'"),
                p.warnings());
    }

    @Test
    void windows1252DeclaredEncodingIsDecoded() {
        String xml = report("", "", ROW).replace("encoding=\"UTF-8\"", "encoding=\"windows-1252\"")
                .replace("r.example</org_name>", "Soci\u00e9t\u00e9 \u2013 r</org_name>");
        ReportResult.Parsed p = parse(xml.getBytes(Charset.forName("windows-1252")));
        assertEquals("Soci\u00e9t\u00e9 \u2013 r", agg(p).metadata().orgName());
        assertEquals(List.of("declared encoding windows-1252 (not UTF-8); decoded as windows-1252"), p.warnings());
    }

    @Test
    void controlCharactersAreReplacedNotFatal() {
        ReportResult.Parsed p = parse(report("", "", ROW).replace("r.example</org_name>", "r\u0001x</org_name>"));
        assertEquals("r\uFFFDx", agg(p).metadata().orgName());
        assertEquals(List.of("line 3: control character U+0001 is not allowed in XML; replaced by U+FFFD"),
                p.warnings());
    }

    @Test
    void truncatedDocumentIsAnErrorWithPosition() {
        String xml = report("", "", ROW);
        ReportResult.Failed f = fail(xml.substring(0, xml.indexOf("<identifiers>") + 5));
        assertTrue(f.error().startsWith("t.xml, line 5:"), f.error());
        assertTrue(f.error().contains("not well-formed XML: XML document structures must start and end within the "
                + "same entity."), f.error());
    }

    @Test
    void xmlWithoutFeedbackIsNotAReport() {
        assertEquals("t.xml: no <feedback> element: this is XML but not a DMARC aggregate report",
                fail("<html><body>hi</body></html>").error());
        assertEquals("t.xml: not a DMARC report: neither XML, gzip, zip nor a mail message",
                fail("just some text").error());
    }

    @Test
    void outlookMsgFileGetsAnActionableMessage() {
        byte[] ole = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0, 0};
        List<ReportResult> r = reader.read("r.msg", new ByteArrayInputStream(ole));
        assertEquals(List.of(new ReportResult.Failed("r.msg", "r.msg: an Outlook .msg (OLE compound) file, not a MIME "
                + "message: save the message as .eml, or save the report attachment, and read that")), r);
    }

    @Test
    void manyWarningsAreCappedAndCounted() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            sb.append("<unknown").append(i).append("/>");
        }
        ReportResult.Parsed p = parse(report("", sb.toString(), ROW));
        assertEquals(101, p.warnings().size());
        assertEquals("50 more warnings not shown (ReportLimits.maxWarnings = 100)", p.warnings().get(100));
    }
}
