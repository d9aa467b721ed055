package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import org.xml.sax.SAXException;

/** parse(write(x)) == x for generated model values; what the writer produces is valid RFC 9990 XML. */
class ReportRoundTripPropertyTest {
    static final Schema RFC9990 = schema();

    static Schema schema() {
        try {
            SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            return f.newSchema(Path.of("src/test/resources/corpora/xsd/rfc9990-appendix-a.dmarc-2.0.xsd").toFile());
        } catch (SAXException e) {
            throw new AssertionError(e);
        }
    }

    static void validate(String xml) throws IOException, SAXException {
        RFC9990.newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    @Provide
    Arbitrary<AggregateReport> aggregates() {
        return ReportGenerators.aggregate();
    }

    @Provide
    Arbitrary<FailureReport> failures() {
        return ReportGenerators.failure();
    }

    @Property(tries = 150)
    void aggregateXmlRoundTripsAndValidates(@ForAll("aggregates") AggregateReport report) throws Exception {
        String xml = AggregateReportWriter.toXml(report);
        validate(xml);
        List<ReportResult> r = ReportReader.create().read("gen.xml",
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r.get(0), () -> r + "\n" + xml);
        assertEquals(List.of(), p.warnings(), xml);
        assertEquals(report, p.report(), xml);
    }

    @Property(tries = 50)
    void gzipRoundTrips(@ForAll("aggregates") AggregateReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AggregateReportWriter.writeGzip(report, out);
        List<ReportResult> r = ReportReader.create().read(AggregateReportWriter.fileName(report, true),
                new ByteArrayInputStream(out.toByteArray()));
        assertEquals(report, assertInstanceOf(ReportResult.Parsed.class, r.get(0), r::toString).report());
    }

    @Property(tries = 200)
    void arfFailureReportRoundTrips(@ForAll("failures") FailureReport report) {
        byte[] eml = FailureReportWriter.toMessage(report, "reports@receiver.example", "ruf@example.com",
                Instant.ofEpochSecond(1700000000), "b0undary");
        List<ReportResult> r = ReportReader.create().read("gen.eml", new ByteArrayInputStream(eml));
        ReportResult.Parsed p = assertInstanceOf(ReportResult.Parsed.class, r.get(0), () -> r + "\n"
                + new String(eml, StandardCharsets.UTF_8));
        assertEquals(List.of(), p.warnings());
        assertEquals(report, p.report(), () -> new String(eml, StandardCharsets.UTF_8));
    }
}
