package dev.aligned.bench.dkim;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Decodes a workload key record's {@code p=} into a JCA public key, for the raw-verification baseline. */
final class Keys {
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
        0x21, 0x00};

    private Keys() {
    }

    static PublicKey publicKeyOf(DnsAnswer.Records answer, boolean rsa) throws GeneralSecurityException {
        String text = answer.of(DnsRecord.Txt.class).get(0).text();
        String p = text.substring(text.indexOf("p=") + 2).trim();
        byte[] raw = Base64.getDecoder().decode(p);
        if (rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
