package dev.aligned.dkim;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.mail.HeaderSection;
import dev.aligned.mail.MessageLimits;
import dev.aligned.mail.StreamedMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Signs and verifies a generated message of N megabytes without ever holding it in memory; run by
 * {@link LargeMessageTest} in a JVM with a small heap. Prints the verification result keyword.
 */
public final class LargeMessageMain {
    private LargeMessageMain() {
    }

    /** A message: a few header fields, then {@code bodyBytes} of 76-octet text lines. */
    static InputStream message(long bodyBytes) {
        byte[] header = ("From: big@example.com\r\nTo: you@example.org\r\nSubject: large\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] line = ("0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ    tail  \r\n")
                .getBytes(StandardCharsets.US_ASCII);
        InputStream body = new InputStream() {
            long left = bodyBytes;
            int pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = line[pos++];
                    if (pos == line.length) {
                        pos = 0;
                    }
                }
                left -= n;
                return n;
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(header), body);
    }

    public static void main(String[] args) throws IOException {
        long size = Long.parseLong(args[0]) * 1024 * 1024;
        DkimKeys keys = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
        StreamedMessage m = HeaderSection.read(message(size), MessageLimits.DEFAULT);
        DkimSigner.Signed s = (DkimSigner.Signed) DkimSigner.builder("example.com", "big", keys.privateKey()).build()
                .sign(m.header(), m.body());
        FixtureResolver dns = FixtureResolver.builder()
                .add("big._domainkey.example.com", DnsRecord.Txt.of(keys.keyRecord())).build();
        InputStream signed = new SequenceInputStream(
                new ByteArrayInputStream((s.field() + "\r\n").getBytes(StandardCharsets.US_ASCII)), message(size));
        List<DkimResult> r = DkimVerifier.builder(dns).build().verify(signed);
        Runtime rt = Runtime.getRuntime();
        System.out.println(r.get(0).keyword() + " " + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + "MB used");
    }
}
