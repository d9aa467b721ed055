package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Every file of the report corpora, with its documented outcome. */
class CorpusTest {
    static final Path ROOT = Path.of("src/test/resources/corpora/reports");
    private final ReportReader reader = ReportReader.create();

    /** Expected outcome per corpus file: "aggregate:N" (records), "failure:arf|plain_text", or "error:substring". */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("ietf-aggregate-draft-examples/dmarc-xml-0.2.xml", "aggregate:1");
        EXPECTED.put("ietf-aggregate-draft-examples/dmarc-xmlalt-0.2.xml", "aggregate:1");
        EXPECTED.put("mail-dmarc/test_dmarc.xml", "aggregate:1");
        EXPECTED.put("mail-dmarc/test_dmarc.xml.gz", "aggregate:1");
        EXPECTED.put("mail-dmarc/test_dmarc.xml.zip", "aggregate:1");
        EXPECTED.put("opendmarc/163.com!example.com!1337270400!1337356799.20120518163.xml", "aggregate:50");
        EXPECTED.put("opendmarc/bad.com!example.com!1337140800!1337227200.xml",
                "error:line 6:181: not well-formed XML");
        EXPECTED.put("opendmarc/good.com!example.com!1337270400!1337356799.xml", "aggregate:754");
        EXPECTED.put("opendmarc/yeah.net!example.com!1337270400!1337356799.20120518.xml", "aggregate:254");
        EXPECTED.put("parsedmarc/aggregate/!example.com!1538204542!1538463818.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/!large-example.com!1711897200!1711983600.xml", "aggregate:2286");
        EXPECTED.put("parsedmarc/aggregate/Report domain- borschow.com Submitter- google.com Report-ID- "
                + "949348866075514174.eml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/addisonfoods.com!example.com!1536105600!1536191999.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/empty_reason.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940"
                + ".xml.zip", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/example.net!example.com!1529366400!1529452799.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz",
                "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/invalid_utf_8.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/invalid_xml.xml", "error:line 5:18: not well-formed XML");
        EXPECTED.put("parsedmarc/aggregate/mimecast-weird-gzip.eml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/old_draft_from_wiki.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/protection.outlook.com!example.com!1711756800!1711843200.xml",
                "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml", "aggregate:2");
        EXPECTED.put("parsedmarc/aggregate/rfc9990-sample.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/twilight.eml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate/usssa.com!example.com!1538784000!1538870399.xml", "aggregate:2");
        EXPECTED.put("parsedmarc/aggregate/veeam.com!example.com!1530133200!1530219600.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/aggregate_invalid/report_with_upper_cased_pass.xml", "aggregate:1");
        EXPECTED.put("parsedmarc/empty.xml", "error:empty input (0 bytes)");
        EXPECTED.put("parsedmarc/extract_report/changed-input.xml", "aggregate:20");
        EXPECTED.put("parsedmarc/extract_report/nice-input.xml", "aggregate:20");
        EXPECTED.put("parsedmarc/extract_report/nice-input.xml.gz", "aggregate:20");
        EXPECTED.put("parsedmarc/extract_report/nice-input.xml.zip", "aggregate:20");
        EXPECTED.put("parsedmarc/failure/DMARC Failure Report for domain.de (mail-from=sharepoint@domain.de, "
                + "ip=10.10.10.10).eml", "failure:arf");
        EXPECTED.put("parsedmarc/failure/[Netease DMARC Failure Report] Rent Reminder.eml", "failure:arf");
        EXPECTED.put("parsedmarc/failure/dmarc_ruf_report_linkedin.crlf.eml", "failure:arf");
        EXPECTED.put("parsedmarc/failure/dmarc_ruf_report_linkedin.eml", "failure:arf");
        EXPECTED.put("parsedmarc/failure/exim_plain_text_only_no_arf_part.eml", "failure:plain_text");
    }

    static List<Path> corpusFiles() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("LICENSE"))
                    .filter(p -> !p.getFileName().toString().equals("README.md"))
                    .sorted().toList();
        }
    }

    static ReportResult.Parsed parsedOne(List<ReportResult> results) {
        assertEquals(1, results.size(), () -> "results: " + results);
        return assertInstanceOf(ReportResult.Parsed.class, results.get(0), () -> results.get(0).toString());
    }

    static AggregateReport aggregate(Path file) {
        return (AggregateReport) parsedOne(ReportReader.create().read(file)).report();
    }

    @Test
    void everyCorpusFileGivesItsDocumentedOutcome() throws IOException {
        List<Path> files = corpusFiles();
        assertEquals(EXPECTED.size(), files.size(), "corpus files without an expectation: update EXPECTED");
        int checked = 0;
        for (Path file : files) {
            String rel = ROOT.relativize(file).toString().replace('\\', '/');
            String expected = EXPECTED.get(rel);
            if (expected == null) {
                fail("no expected outcome for corpus file " + rel);
            }
            List<ReportResult> results = reader.read(file);
            assertEquals(1, results.size(), rel + ": " + results);
            ReportResult r = results.get(0);
            String[] e = expected.split(":", 2);
            switch (e[0]) {
                case "aggregate" -> {
                    ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r, rel + ": " + r);
                    AggregateReport a = assertInstanceOf(AggregateReport.class, p.report(), rel);
                    assertEquals(Integer.parseInt(e[1]), a.records().size(), rel);
                    assertTrue(a.messageCount() > 0, rel);
                }
                case "failure" -> {
                    ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r, rel + ": " + r);
                    FailureReport f = assertInstanceOf(FailureReport.class, p.report(), rel);
                    assertEquals(e[1], f.format() == FailureReport.Format.ARF ? "arf" : "plain_text", rel);
                    assertEquals("auth-failure", f.feedbackType(), rel);
                }
                case "error" -> {
                    ReportResult.Failed f = assertInstanceOf(ReportResult.Failed.class, r, rel + ": " + r);
                    assertTrue(f.error().startsWith(file.toString()), f.error());
                    assertTrue(f.error().contains(e[1]), rel + ": " + f.error());
                }
                default -> fail(expected);
            }
            checked++;
        }
        assertEquals(39, checked);
    }

    @Test
    void rfc9990SampleParsesFieldByField() {
        ReportResult.Parsed p = parsedOne(reader.read(ROOT.resolve("parsedmarc/aggregate/rfc9990-sample.xml")));
        assertEquals(List.of(), p.warnings());
        AggregateReport a = (AggregateReport) p.report();
        assertEquals(Optional.of("1.0"), a.version());
        ReportMetadata m = a.metadata();
        assertEquals("Sample Reporter", m.orgName());
        assertEquals("report_sender@example-reporter.com", m.email());
        assertEquals(Optional.of("..."), m.extraContactInfo());
        assertEquals("3v98abbp8ya9n3va8yr8oa3ya", m.reportId());
        assertEquals(Optional.of(DateRange.ofEpochSeconds(302832000, 302918399)), m.dateRange());
        assertEquals(Optional.of("Example DMARC Aggregate Reporter v1.2"), m.generator());
        assertEquals(List.of(), m.errors());
        PolicyPublished pol = a.policy();
        assertEquals("example.com", pol.domain());
        assertEquals(Optional.of(Disposition.QUARANTINE), pol.p());
        assertEquals(Optional.of(Disposition.NONE), pol.sp());
        assertEquals(Optional.of(Disposition.NONE), pol.np());
        assertEquals(Optional.of(Testing.N), pol.testing());
        assertEquals(Optional.of(DiscoveryMethod.TREEWALK), pol.discoveryMethod());
        assertEquals(Optional.empty(), pol.adkim());
        assertEquals(OptionalInt.empty(), pol.pct());
        assertEquals(1, a.records().size());
        ReportRecord r = a.records().get(0);
        assertEquals("192.0.2.123", r.row().sourceIp());
        assertEquals(123, r.row().count());
        assertEquals(Optional.of(ActionDisposition.PASS), r.row().policyEvaluated().disposition());
        assertEquals(Optional.of(DmarcResult.PASS), r.row().policyEvaluated().dkim());
        assertEquals(Optional.of(DmarcResult.FAIL), r.row().policyEvaluated().spf());
        assertEquals(new Identifiers(Optional.empty(), Optional.of("example.com"), "example.com"), r.identifiers());
        assertEquals(List.of(new DkimAuthResult("example.com", Optional.of("abc123"), Optional.of(DkimResult.PASS),
                Optional.empty())), r.dkim());
        assertEquals(List.of(new SpfAuthResult("example.com", Optional.empty(), Optional.of(SpfResult.FAIL),
                Optional.empty())), r.spf());
    }

    @Test
    void sameReportAsXmlGzipZipAndMailGivesEqualModels() throws IOException {
        Path dir = ROOT.resolve("parsedmarc/extract_report");
        AggregateReport xml = aggregate(dir.resolve("nice-input.xml"));
        assertEquals(xml, aggregate(dir.resolve("nice-input.xml.gz")));
        assertEquals(xml, aggregate(dir.resolve("nice-input.xml.zip")));
        byte[] raw = Files.readAllBytes(dir.resolve("nice-input.xml"));
        for (String type : List.of("application/gzip", "application/octet-stream")) {
            byte[] eml = Mails.withAttachment(type, "google.com!example.com!1.xml.gz", gzip(raw));
            assertEquals(xml, parsedOne(reader.read("m.eml", new ByteArrayInputStream(eml))).report(), type);
        }
        byte[] top = Mails.topLevel("application/gzip", gzip(raw));
        assertEquals(xml, parsedOne(reader.read("top.eml", new ByteArrayInputStream(top))).report());
        byte[] zipInMail = Mails.withAttachment("application/zip", "r.zip",
                Files.readAllBytes(dir.resolve("nice-input.xml.zip")));
        assertEquals(xml, parsedOne(reader.read("z.eml", new ByteArrayInputStream(zipInMail))).report());

        Path md = ROOT.resolve("mail-dmarc");
        AggregateReport m = aggregate(md.resolve("test_dmarc.xml"));
        assertEquals(m, aggregate(md.resolve("test_dmarc.xml.gz")));
        assertEquals(m, aggregate(md.resolve("test_dmarc.xml.zip")));
    }

    @Test
    void mboxWithManyMessagesGivesOneResultPerMessage() throws IOException {
        byte[] raw = Files.readAllBytes(ROOT.resolve("parsedmarc/extract_report/nice-input.xml"));
        ByteArrayOutputStream mbox = new ByteArrayOutputStream();
        for (int i = 0; i < 25; i++) {
            mbox.write(("From reports@google.com Mon Jan  1 00:00:00 2024\n").getBytes(StandardCharsets.US_ASCII));
            mbox.write(Mails.withAttachment("application/gzip", "r" + i + ".xml.gz", gzip(raw)));
            mbox.write('\n');
        }
        List<ReportResult> results = reader.read("box.mbox", new ByteArrayInputStream(mbox.toByteArray()));
        assertEquals(25, results.size());
        assertEquals("box.mbox#7!r6.xml.gz", results.get(6).source());
        AggregateReport first = (AggregateReport) ((ReportResult.Parsed) results.get(0)).report();
        for (ReportResult r : results) {
            assertEquals(first, assertInstanceOf(ReportResult.Parsed.class, r).report());
        }
    }

    @Test
    void sloppyReportsAreRecoveredWithWarnings() {
        ReportResult.Parsed utf = parsedOne(reader.read(ROOT.resolve("parsedmarc/aggregate/invalid_utf_8.xml")));
        assertTrue(utf.warnings().contains("byte offset 706: byte 0x91 is not valid UTF-8; read as '\u2018'"),
                utf.warnings().toString());
        String headerFrom = ((AggregateReport) utf.report()).records().get(0).identifiers().headerFrom();
        assertTrue(headerFrom.endsWith("\u2018"), headerFrom);

        ReportResult.Parsed ikea = parsedOne(reader.read(ROOT.resolve(
                "parsedmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml")));
        assertEquals(List.of("line 1:127: root element is <xs:schema>, not <feedback>; looking for <feedback> "
                + "inside it"), ikea.warnings());
        assertEquals("ikea.com", ((AggregateReport) ikea.report()).metadata().orgName());

        ReportResult.Parsed upper = parsedOne(reader.read(ROOT.resolve(
                "parsedmarc/aggregate_invalid/report_with_upper_cased_pass.xml")));
        assertTrue(upper.warnings().contains("line 25:11: upper-case value 'Pass' for dkim read as 'pass'"),
                upper.warnings().toString());
        ReportRecord ur = ((AggregateReport) upper.report()).records().get(0);
        assertEquals(Optional.of(DmarcResult.PASS), ur.row().policyEvaluated().dkim());
        assertEquals(Optional.of(ActionDisposition.NONE), ur.row().policyEvaluated().disposition());

        ReportResult.Parsed decimal = parsedOne(reader.read(ROOT.resolve(
                "opendmarc/163.com!example.com!1337270400!1337356799.20120518163.xml")));
        assertEquals(Optional.of(DateRange.ofEpochSeconds(1337270400L, 1337356799L)),
                ((AggregateReport) decimal.report()).metadata().dateRange());
        assertTrue(decimal.warnings().get(0).contains("decimal timestamp '1337270400.0' in <begin> read as "
                + "1337270400"), decimal.warnings().toString());

        ReportResult.Parsed order = parsedOne(reader.read(ROOT.resolve("parsedmarc/aggregate/estadocuenta1."
                + "infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip")));
        assertEquals(List.of("line 5:13: <org_name> after <report_id> in <report_metadata>: elements out of schema "
                + "order (accepted)"), order.warnings());
        assertEquals("XYZ Corporation", ((AggregateReport) order.report()).metadata().orgName());
        assertEquals("2940", ((AggregateReport) order.report()).metadata().reportId());

        ReportResult.Parsed draft = parsedOne(reader.read(ROOT.resolve("ietf-aggregate-draft-examples/"
                + "dmarc-xmlalt-0.2.xml")));
        AggregateReport d = (AggregateReport) draft.report();
        assertEquals(List.of(new Extension("http://dmarc.org/dmarc-xml/0.2", "whatever",
                "<whatever xmlns=\"http://dmarc.org/dmarc-xml/0.2\">Hello World!</whatever>")), d.extensions());
        assertEquals("added", d.records().get(0).extensions().get(0).name());
    }

    @Test
    void notWellFormedXmlNamesFileLineColumnAndQuotesTheSpot() {
        Path file = ROOT.resolve("parsedmarc/aggregate/invalid_xml.xml");
        ReportResult.Failed f = assertInstanceOf(ReportResult.Failed.class, reader.read(file).get(0));
        assertEquals(file + ", line 5:18: not well-formed XML: Element type \"bad-xml\" must be followed by either "
                + "attribute specifications, \">\" or \"/>\". near \"m</org_name>\u23ce  <email><bad-xml@bad-xml.net>"
                + "</email>\u23ce  <repor\" (the reporter sent a broken file; ask them to fix it or repair it by hand)",
                f.error());
    }

    @Test
    void arfFailureReportFieldsAndOriginalHeaders() {
        ReportResult.Parsed p = parsedOne(reader.read(ROOT.resolve("parsedmarc/failure/dmarc_ruf_report_linkedin"
                + ".eml")));
        FailureReport f = (FailureReport) p.report();
        assertEquals(List.of(), p.warnings());
        assertEquals(Optional.of("Lua/1.0"), f.userAgent());
        assertEquals(Optional.of("1.0"), f.version());
        assertEquals(Optional.empty(), f.originalMailFrom());
        assertEquals(List.of("recipient@linkedin.com"), f.originalRcptTo());
        assertEquals(Optional.of("Tue, 30 Apr 2019 02:09:00 +0000"), f.arrivalDate());
        assertEquals(Optional.of("10.10.10.10"), f.sourceIp());
        assertEquals(List.of("example.com"), f.reportedDomain());
        assertEquals(List.of("dmarc=fail (p=none; dis=none) header.from=example.com"), f.authenticationResults());
        assertEquals(List.of("dmarc"), f.authFailure());
        assertEquals(Optional.of("delivered"), f.deliveryResult());
        assertEquals(List.of(new FailureReport.Field("Message-ID",
                "<01010101010101010101010101010101@ABAB01MS0016.someserver.loc>")), f.otherFields());
        String headers = f.originalHeaders().orElseThrow();
        assertTrue(headers.startsWith("Return-Path: <>\n"), headers);
        assertTrue(headers.contains("\nSubject: Subject line, could be UTF8 encoded\n"), headers);
        assertTrue(headers.endsWith("X-Linkedin-fe: false\n"), headers);

        FailureReport crlf = (FailureReport) parsedOne(reader.read(ROOT.resolve(
                "parsedmarc/failure/dmarc_ruf_report_linkedin.crlf.eml"))).report();
        assertEquals(f, crlf);

        FailureReport netease = (FailureReport) parsedOne(reader.read(ROOT.resolve(
                "parsedmarc/failure/[Netease DMARC Failure Report] Rent Reminder.eml"))).report();
        assertEquals(FailureReport.Format.ARF, netease.format());
        assertTrue(netease.originalHeaders().isPresent());
    }

    @Test
    void plainTextFailureReportIsReadBestEffortAndFlagged() {
        ReportResult.Parsed p = parsedOne(reader.read(ROOT.resolve("parsedmarc/failure/"
                + "exim_plain_text_only_no_arf_part.eml")));
        FailureReport f = (FailureReport) p.report();
        assertEquals(FailureReport.Format.PLAIN_TEXT, f.format());
        assertEquals(List.of("not an ARF report (no message/feedback-report part): fields read from the plain-text "
                + "body, best effort"), p.warnings());
        assertEquals(List.of("example.com"), f.reportedDomain());
        assertEquals(Optional.of("203.0.113.68"), f.sourceIp());
        assertEquals(Optional.of("Mon, 07 Apr 2025 23:16:09 +0200"), f.arrivalDate());
        assertTrue(f.originalHeaders().orElseThrow().startsWith("Received: from [203.0.113.68]"));
        assertTrue(f.originalHeaders().orElseThrow().contains("Subject: Payment from your account.\n"));
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    /** Builds small MIME messages for tests. */
    static final class Mails {
        static byte[] withAttachment(String type, String fileName, byte[] body) {
            String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(body);
            String msg = "From: noreply-dmarc-support@google.com\r\n"
                    + "To: dmarc@example.com\r\n"
                    + "Subject: Report domain: example.com Submitter: google.com Report-ID: 1\r\n"
                    + "Date: " + Instant.EPOCH + "\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"=_b1\"\r\n\r\n"
                    + "--=_b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n"
                    + "--=_b1\r\nContent-Type: " + type + "; name=\"" + fileName + "\"\r\n"
                    + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--=_b1--\r\n";
            return msg.getBytes(StandardCharsets.US_ASCII);
        }

        static byte[] topLevel(String type, byte[] body) {
            String b64 = Base64.getMimeEncoder().encodeToString(body);
            String msg = "From: a@b.example\r\nSubject: report\r\nMIME-Version: 1.0\r\nContent-Type: " + type
                    + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n";
            return msg.getBytes(StandardCharsets.US_ASCII);
        }
    }
}
