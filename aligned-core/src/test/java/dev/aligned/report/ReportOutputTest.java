package dev.aligned.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Normalised JSON and CSV, RFC 9990 writer output and the RFC file name. */
class ReportOutputTest {
    private static ReportResult sample() throws IOException {
        try (InputStream in = Files.newInputStream(CorpusTest.ROOT.resolve("parsedmarc/aggregate/rfc9990-sample.xml"))) {
            return ReportReader.create().read("sample.xml", in).get(0);
        }
    }

    @Test
    void jsonMirrorsTheXmlWithLowerCaseEnumerationsAndEpochSeconds() throws IOException {
        assertEquals("{\"source\":\"sample.xml\",\"kind\":\"aggregate\",\"version\":\"1.0\",\"report_metadata\":{"
                + "\"org_name\":\"Sample Reporter\",\"email\":\"report_sender@example-reporter.com\","
                + "\"extra_contact_info\":\"...\",\"report_id\":\"3v98abbp8ya9n3va8yr8oa3ya\",\"date_range\":{"
                + "\"begin\":302832000,\"end\":302918399},\"error\":[],\"generator\":\"Example DMARC Aggregate "
                + "Reporter v1.2\"},\"policy_published\":{\"domain\":\"example.com\",\"adkim\":null,\"aspf\":null,"
                + "\"p\":\"quarantine\",\"sp\":\"none\",\"np\":\"none\",\"pct\":null,\"fo\":null,\"testing\":\"n\","
                + "\"discovery_method\":\"treewalk\"},\"record\":[{\"row\":{\"source_ip\":\"192.0.2.123\",\"count\":123,"
                + "\"policy_evaluated\":{\"disposition\":\"pass\",\"dkim\":\"pass\",\"spf\":\"fail\",\"reason\":[]}},"
                + "\"identifiers\":{\"envelope_to\":null,\"envelope_from\":\"example.com\",\"header_from\":"
                + "\"example.com\"},\"auth_results\":{\"dkim\":[{\"domain\":\"example.com\",\"selector\":\"abc123\","
                + "\"result\":\"pass\",\"human_result\":null}],\"spf\":[{\"domain\":\"example.com\",\"scope\":null,"
                + "\"result\":\"fail\",\"human_result\":null}]}}],\"warnings\":[]}", ReportJson.toJson(sample()));
    }

    @Test
    void jsonOfAFailedInputHasSourceAndError() {
        assertEquals("{\"source\":\"x\\\"y.xml\",\"error\":\"bad\\nthing\"}",
                ReportJson.toJson(new ReportResult.Failed("x\"y.xml", "bad\nthing")));
    }

    @Test
    void failureReportJsonUsesArfFieldNamesInSnakeCase() {
        ReportResult r = ReportReader.create().read(CorpusTest.ROOT.resolve(
                "parsedmarc/failure/dmarc_ruf_report_linkedin.eml")).get(0);
        String json = ReportJson.toJson(r);
        for (String field : List.of("feedback_type", "user_agent", "version", "original_mail_from",
                "original_rcpt_to", "arrival_date", "source_ip", "reported_domain", "authentication_results",
                "auth_failure", "identity_alignment", "delivery_result", "dkim_domain", "dkim_identity",
                "dkim_selector", "spf_dns", "original_headers")) {
            assertTrue(json.contains("\"" + field + "\":"), field);
        }
        assertTrue(json.contains("\"kind\":\"failure\""));
        assertTrue(json.contains("\"auth_failure\":[\"dmarc\"]"), json);
    }

    @Test
    void csvHasOneLinePerRecord() throws IOException {
        assertEquals("source,org_name,email,extra_contact_info,report_id,begin,end,domain,adkim,aspf,p,sp,np,pct,fo,"
                + "testing,discovery_method,source_ip,count,disposition,dkim,spf,reason_type,reason_comment,"
                + "envelope_to,envelope_from,header_from,dkim_domain,dkim_selector,dkim_result,spf_domain,spf_scope,"
                + "spf_result", ReportCsv.HEADER);
        assertEquals(List.of("sample.xml,Sample Reporter,report_sender@example-reporter.com,...,"
                + "3v98abbp8ya9n3va8yr8oa3ya,302832000,302918399,example.com,,,quarantine,none,none,,,n,treewalk,"
                + "192.0.2.123,123,pass,pass,fail,,,,example.com,example.com,example.com,abc123,pass,example.com,,fail"),
                ReportCsv.rows(sample()));
        assertEquals("\"a,b\"", ReportCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ReportCsv.cell("say \"hi\""));
    }

    @Test
    void writerOutputOfCorpusReportsValidatesAgainstRfc9990() throws Exception {
        AggregateReport a = CorpusTest.aggregate(CorpusTest.ROOT.resolve("parsedmarc/aggregate/rfc9990-sample.xml"));
        String xml = AggregateReportWriter.toXml(a);
        ReportRoundTripPropertyTest.validate(xml);
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\"urn:ietf:params:xml:"
                + "ns:dmarc-2.0\">\n  <version>1.0</version>\n  <report_metadata>\n    <org_name>Sample Reporter"
                + "</org_name>\n"), xml);
        assertEquals(a, CorpusTest.parsedOne(ReportReader.create().read("w.xml",
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))).report());
    }

    @Test
    void fileNameFollowsTheRfcConvention() {
        AggregateReport a = CorpusTest.aggregate(CorpusTest.ROOT.resolve("parsedmarc/aggregate/rfc9990-sample.xml"));
        assertEquals("example-reporter.com!example.com!302832000!302918399!3v98abbp8ya9n3va8yr8oa3ya.xml.gz",
                AggregateReportWriter.fileName(a, true));
        assertEquals("example-reporter.com!example.com!302832000!302918399!3v98abbp8ya9n3va8yr8oa3ya.xml",
                AggregateReportWriter.fileName(a, false));
    }
}
