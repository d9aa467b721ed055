package dev.aligned.store.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds aggregate report XML and the containers reporters send it in (gzip, zip, e-mail), for tests. */
public final class TestReports {
    private TestReports() {
    }

    /** One {@code <record>}: source IP, message count, disposition, aligned DKIM and SPF results. */
    public record Rec(String ip, long count, String disposition, String dkim, String spf) {
    }

    /** An RFC 7489-style aggregate report. */
    public static String xml(String org, String reportId, String domain, long begin, long end, List<Rec> records) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n"
                + "  <report_metadata>\n    <org_name>" + esc(org) + "</org_name>\n"
                + "    <email>dmarc@" + esc(org) + "</email>\n    <report_id>" + esc(reportId) + "</report_id>\n"
                + "    <date_range><begin>" + begin + "</begin><end>" + end + "</end></date_range>\n"
                + "  </report_metadata>\n  <policy_published>\n    <domain>" + esc(domain) + "</domain>\n"
                + "    <adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>\n  </policy_published>\n");
        for (Rec r : records) {
            b.append("  <record>\n    <row><source_ip>").append(r.ip()).append("</source_ip><count>").append(r.count())
                    .append("</count><policy_evaluated><disposition>").append(r.disposition())
                    .append("</disposition><dkim>").append(r.dkim()).append("</dkim><spf>").append(r.spf())
                    .append("</spf></policy_evaluated></row>\n    <identifiers><header_from>").append(esc(domain))
                    .append("</header_from></identifiers>\n    <auth_results><dkim><domain>").append(esc(domain))
                    .append("</domain><selector>s1</selector><result>").append(r.dkim())
                    .append("</result></dkim><spf><domain>").append(esc(domain)).append("</domain><result>")
                    .append(r.spf()).append("</result></spf></auth_results>\n  </record>\n");
        }
        return b.append("</feedback>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] zip(String entryName, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(entryName));
            z.write(bytes);
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A report e-mail as reporters send it: multipart/mixed with the report as a base64 attachment. */
    public static byte[] email(String fileName, String contentType, byte[] attachment) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
        String msg = "From: dmarc-noreply@reporter.example\r\nTo: rua@example.com\r\n"
                + "Subject: Report Domain: example.com Submitter: reporter.example\r\n"
                + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n"
                + "--b1\r\nContent-Type: " + contentType + "; name=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"" + fileName
                + "\"\r\n\r\n" + b64 + "\r\n--b1--\r\n";
        return msg.getBytes(StandardCharsets.US_ASCII);
    }
}
