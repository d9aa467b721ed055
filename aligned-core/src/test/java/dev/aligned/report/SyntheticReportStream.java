package dev.aligned.report;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An aggregate report of any size generated on the fly (never held in memory): a fixed header, then records
 * with varying IPv4/IPv6 sources, counts and results, then the footer. Used by the hostile-input and memory
 * tests.
 */
public final class SyntheticReportStream extends InputStream {
    private static final byte[] HEAD = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback xmlns=\""
            + "urn:ietf:params:xml:ns:dmarc-2.0\">\n  <version>1.0</version>\n  <report_metadata>\n"
            + "    <org_name>synthetic.example</org_name>\n    <email>dmarc@synthetic.example</email>\n"
            + "    <report_id>synthetic-1</report_id>\n    <date_range><begin>1700000000</begin>"
            + "<end>1700086399</end></date_range>\n  </report_metadata>\n  <policy_published>\n"
            + "    <domain>example.com</domain>\n    <p>reject</p>\n  </policy_published>\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "</feedback>\n".getBytes(StandardCharsets.US_ASCII);

    private final long records;
    private long produced;
    private byte[] buf = HEAD;
    private int pos;
    private boolean tailDone;

    /** A report with {@code records} records (about 700 bytes each). */
    public SyntheticReportStream(long records) {
        this.records = records;
    }

    /** A report of roughly {@code bytes} bytes. */
    public static SyntheticReportStream ofSize(long bytes) {
        return new SyntheticReportStream(Math.max(1, bytes / 700));
    }

    static String record(long i) {
        String ip = i % 5 == 0
                ? IpAddresses.canonical("2001:db8:" + Long.toHexString((i >> 16) & 0xffff) + "::"
                        + Long.toHexString(i & 0xffff)).orElseThrow()
                : "198." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
        boolean pass = i % 3 != 0;
        return "  <record>\n    <row>\n      <source_ip>" + ip + "</source_ip>\n      <count>" + (1 + i % 97)
                + "</count>\n      <policy_evaluated>\n        <disposition>" + (pass ? "none" : "reject")
                + "</disposition>\n        <dkim>" + (pass ? "pass" : "fail") + "</dkim>\n        <spf>"
                + (i % 2 == 0 ? "pass" : "fail") + "</spf>\n      </policy_evaluated>\n    </row>\n"
                + "    <identifiers>\n      <envelope_from>bounce" + (i % 13) + ".example.com</envelope_from>\n"
                + "      <header_from>example.com</header_from>\n    </identifiers>\n    <auth_results>\n"
                + "      <dkim>\n        <domain>example.com</domain>\n        <selector>s" + (i % 4)
                + "</selector>\n        <result>" + (pass ? "pass" : "fail") + "</result>\n      </dkim>\n"
                + "      <spf>\n        <domain>bounce" + (i % 13) + ".example.com</domain>\n"
                + "        <scope>mfrom</scope>\n        <result>" + (i % 2 == 0 ? "pass" : "softfail")
                + "</result>\n      </spf>\n    </auth_results>\n  </record>\n";
    }

    private boolean refill() {
        if (produced < records) {
            StringBuilder sb = new StringBuilder(64 * 720);
            for (int k = 0; k < 64 && produced < records; k++) {
                sb.append(record(produced++));
            }
            buf = sb.toString().getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            return true;
        }
        if (!tailDone) {
            tailDone = true;
            buf = TAIL;
            pos = 0;
            return true;
        }
        return false;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (pos >= buf.length) {
            if (!refill()) {
                return -1;
            }
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }
}
