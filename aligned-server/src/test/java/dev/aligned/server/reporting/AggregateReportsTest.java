package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.Disposition;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.ReportReader;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.ReportResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Aggregate reports made from a replayed stream of 5,000 varied evaluations: they validate against the RFC 9990
 * schema, parse back with aligned-core's reader to the same counts, and carry what parsedmarc-style consumers read.
 */
class AggregateReportsTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);
    static final long BEGIN = DAY.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T00:10:00Z"), ZoneOffset.UTC);
    static final Schema RFC9990 = schema();
    static final Pattern SUBJECT = Pattern.compile(
            "Report Domain: (\\S+) Submitter: (\\S+) Report-ID: <([A-Za-z0-9]+)>");

    static Schema schema() {
        try {
            return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(Path.of("src/test/resources/corpora/xsd/rfc9990-appendix-a.dmarc-2.0.xsd").toFile());
        } catch (org.xml.sax.SAXException e) {
            throw new AssertionError(e);
        }
    }

    static FixtureResolver dns() {
        return FixtureResolver.builder()
                .add("example.org._report._dmarc.reports.example.net", DnsRecord.Txt.of("v=DMARC1")).build();
    }

    List<Evaluation> stream;
    InMemoryEvaluationLog log;
    InMemoryDeliveryQueue queue;
    RecordingTransport transport;
    ReportSender sender;

    @BeforeEach
    void replay() {
        stream = Evaluations.stream(42, 5000, Evaluations.START);
        log = new InMemoryEvaluationLog();
        stream.forEach(log::record);
        queue = new InMemoryDeliveryQueue();
        transport = new RecordingTransport();
        sender = ReportSender.builder(ReportingConfig.of("Receiver Example", "dmarc-reports@receiver.example"), log,
                queue, transport).dns(dns()).clock(CLOCK).build();
    }

    /** One mailed report, taken apart. */
    record Mailed(String to, String subject, String fileName, String contentType, byte[] gz, String xml,
            AggregateReport parsed) {
    }

    static Mailed open(RecordingTransport.Sent s) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(s.message()));
        Multipart mp = (Multipart) m.getContent();
        BodyPart att = null;
        for (int i = 0; i < mp.getCount(); i++) {
            if (mp.getBodyPart(i).getFileName() != null) {
                att = mp.getBodyPart(i);
            }
        }
        byte[] gz;
        try (InputStream in = att.getInputStream()) {
            gz = in.readAllBytes();
        }
        String xml;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        List<ReportResult> r = ReportReader.create().read("mail", new ByteArrayInputStream(s.message()));
        ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r.get(0), r::toString);
        assertEquals(List.of(), p.warnings());
        return new Mailed(s.to(), m.getSubject(), att.getFileName(), att.getContentType(), gz, xml,
                (AggregateReport) p.report());
    }

    @Test
    void everyPolicyDomainGetsOneReportPerRuaAddress() throws Exception {
        List<ReportOutcome> outcomes = sender.generate(DAY);
        assertEquals(List.of("example.com", "example.org", "shop.example.net"),
                outcomes.stream().map(o -> o.domain().name()).toList());
        assertTrue(outcomes.stream().allMatch(o -> o.status() == ReportOutcome.Status.GENERATED), outcomes::toString);
        List<Delivery> delivered = sender.deliverDue();
        assertEquals(4, delivered.size());
        assertTrue(delivered.stream().allMatch(d -> d.state() == Delivery.State.SENT), delivered::toString);
        assertEquals(List.of("dmarc@example.com", "agg@reports.example.net", "dmarc@example.org",
                "dmarc@shop.example.net"), transport.sent.stream().map(RecordingTransport.Sent::to).toList());
        assertTrue(transport.sent.stream().allMatch(s -> s.from().equals("dmarc-reports@receiver.example")));
    }

    @Test
    void reportsValidateAgainstTheRfc9990SchemaAndParseBackToTheSameCounts() throws Exception {
        sender.generate(DAY);
        sender.deliverDue();
        Map<String, Long> expectedPerDomain = new HashMap<>();
        Map<String, Long> expectedPerSource = new HashMap<>();
        for (Evaluation e : stream) {
            expectedPerDomain.merge(e.policyDomain().name(), 1L, Long::sum);
            expectedPerSource.merge(e.policyDomain().name() + " " + e.sourceIp() + " " + e.headerFrom().name() + " "
                    + e.dkimAligned() + " " + e.spfAligned(), 1L, Long::sum);
        }
        Map<String, Long> seenPerSource = new HashMap<>();
        for (RecordingTransport.Sent s : transport.sent) {
            Mailed m = open(s);
            RFC9990.newValidator().validate(new StreamSource(new java.io.StringReader(m.xml())));
            AggregateReport r = m.parsed();
            String domain = r.policy().domain();
            assertEquals(expectedPerDomain.get(domain), r.messageCount(), domain);
            assertTrue(r.records().size() < r.messageCount(), "identical rows collapse into counted records");
            if (s.to().equals("agg@reports.example.net")) {
                continue; // the same report as dmarc@example.org's; counted once
            }
            for (ReportRecord rec : r.records()) {
                seenPerSource.merge(domain + " " + rec.row().sourceIp() + " " + rec.identifiers().headerFrom() + " "
                        + (rec.row().policyEvaluated().dkim().get() == DmarcResult.PASS) + " "
                        + (rec.row().policyEvaluated().spf().get() == DmarcResult.PASS), rec.row().count(), Long::sum);
            }
        }
        assertEquals(expectedPerSource, seenPerSource);
    }

    @Test
    void parsedmarcStyleFieldsHold() throws Exception {
        sender.generate(DAY);
        sender.deliverDue();
        Mailed m = open(transport.sent.get(0));
        AggregateReport r = m.parsed();
        assertEquals("Receiver Example", r.metadata().orgName());
        assertEquals("dmarc-reports@receiver.example", r.metadata().email());
        String id = r.metadata().reportId();
        assertTrue(id.matches("20261120[0-9a-f]{16}"), id);
        assertEquals(BEGIN, r.metadata().dateRange().get().begin().getEpochSecond());
        assertEquals(BEGIN + 86_399, r.metadata().dateRange().get().end().getEpochSecond());
        assertEquals("example.com", r.policy().domain());
        assertEquals(Optional.of(Disposition.REJECT), r.policy().p());
        assertEquals(Optional.of(Disposition.QUARANTINE), r.policy().sp());
        assertEquals(Optional.of(Alignment.S), r.policy().adkim());
        assertEquals(Optional.of(Alignment.R), r.policy().aspf());
        assertEquals(Optional.of("1"), r.policy().fo());
        assertEquals(Optional.of(Testing.N), r.policy().testing());
        assertEquals(Optional.of(DiscoveryMethod.TREEWALK), r.policy().discoveryMethod());
        for (ReportRecord rec : r.records()) {
            assertTrue(rec.row().sourceIp().matches("192\\.0\\.2\\.\\d+|2001:db8::[0-9a-f]+"), rec.row().sourceIp());
            assertTrue(rec.row().count() > 0);
            var pe = rec.row().policyEvaluated();
            boolean passed = pe.dkim().get() == DmarcResult.PASS || pe.spf().get() == DmarcResult.PASS;
            ActionDisposition d = pe.disposition().get();
            // p=reject: a pass is "pass" (RFC 9990: no action under an enforcing policy); a failure is rejected
            // (or quarantined for sp), unless a local-policy override says why not
            if (passed) {
                assertEquals(ActionDisposition.PASS, d);
            } else if (pe.reasons().isEmpty()) {
                assertEquals(rec.identifiers().headerFrom().equals("example.com") ? ActionDisposition.REJECT
                        : ActionDisposition.QUARANTINE, d);
            } else {
                assertEquals(ActionDisposition.NONE, d);
                assertEquals("local_policy", pe.reasons().get(0).type().get().token());
            }
            assertTrue(rec.identifiers().headerFrom().endsWith("example.com"));
            for (DkimAuthResult k : rec.dkim()) {
                assertTrue(k.selector().isPresent() && k.result().isPresent(), k.toString());
            }
            rec.spf().forEach(s -> assertEquals(Optional.of(SpfScope.MFROM), s.scope()));
        }
        // file name and subject as RFC 9990 section 3.2.1 writes them, with the same unique id
        assertEquals("receiver.example!example.com!" + BEGIN + "!" + (BEGIN + 86_399) + "!" + id + ".xml.gz",
                m.fileName());
        assertTrue(m.contentType().startsWith("application/gzip"), m.contentType());
        Matcher s = SUBJECT.matcher(m.subject().replaceAll("\\s+", " "));
        assertTrue(s.matches(), m.subject());
        assertEquals(List.of("example.com", "receiver.example", id), List.of(s.group(1), s.group(2), s.group(3)));
    }

    @Test
    void testingModeAndOverridesAreReportedWithRfc9990Reasons() throws Exception {
        sender.generate(DAY);
        sender.deliverDue();
        AggregateReport shop = transport.sent.stream().map(s -> {
            try {
                return open(s).parsed();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).filter(r -> r.policy().domain().equals("shop.example.net")).findFirst().orElseThrow();
        assertEquals(Optional.of(Testing.Y), shop.policy().testing());
        assertEquals(Optional.of(Disposition.REJECT), shop.policy().np());
        assertTrue(shop.records().stream().anyMatch(r -> r.row().policyEvaluated().reasons().stream()
                .anyMatch(x -> x.type().get().token().equals("policy_test_mode"))));
    }

    @Test
    void aDaySentOnceIsNotGeneratedOrSentAgain() {
        sender.generate(DAY);
        sender.deliverDue();
        List<ReportOutcome> again = sender.generate(DAY);
        assertTrue(again.stream().allMatch(o -> o.status() == ReportOutcome.Status.ALREADY_GENERATED));
        assertEquals(List.of(), sender.deliverDue());
        assertEquals(4, transport.sent.size());
    }
}
