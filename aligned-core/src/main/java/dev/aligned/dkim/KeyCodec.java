package dev.aligned.dkim;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/** Encodes and decodes DKIM keys: p= data, PEM private keys (PKCS#1, PKCS#8, raw Ed25519 seed). */
final class KeyCodec {
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] RSA_ALGORITHM_ID = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private KeyCodec() {
    }

    /** An RSA public key from p= data: SubjectPublicKeyInfo, or a bare PKCS#1 RSAPublicKey as some publish. */
    static PublicKey rsaPublicKey(byte[] p) throws GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("RSA");
        try {
            return kf.generatePublic(new X509EncodedKeySpec(p));
        } catch (GeneralSecurityException | RuntimeException e) {
            try {
                Der d = new Der(p);
                d.enter(0x30);
                BigInteger n = d.integer();
                BigInteger exp = d.integer();
                if (d.remaining() != 0) {
                    throw new GeneralSecurityException("trailing bytes after the RSA public key");
                }
                return kf.generatePublic(new RSAPublicKeySpec(n, exp));
            } catch (RuntimeException e2) {
                throw new GeneralSecurityException("neither SubjectPublicKeyInfo nor PKCS#1: " + e.getMessage(), e);
            }
        }
    }

    /** An Ed25519 public key from the 32 raw octets of p=. */
    static PublicKey ed25519PublicKey(byte[] p) throws GeneralSecurityException {
        if (p.length != 32) {
            throw new GeneralSecurityException("an Ed25519 key is 32 octets, this one " + p.length);
        }
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, p)));
    }

    /** The size of an RSA key in bits. */
    static int bits(PublicKey key) {
        return key instanceof RSAKey r ? r.getModulus().bitLength() : 256;
    }

    /** The p= octets for a public key: SubjectPublicKeyInfo for RSA, the 32 raw octets for Ed25519. */
    static byte[] publicKeyData(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (key.getAlgorithm().equals("RSA")) {
            return spki;
        }
        byte[] raw = new byte[32];
        System.arraycopy(spki, spki.length - 32, raw, 0, 32);
        return raw;
    }

    /**
     * Reads a private key: PEM "RSA PRIVATE KEY" (PKCS#1), "PRIVATE KEY" (PKCS#8, RSA or Ed25519), or the
     * base64 of a 32-octet Ed25519 seed without markers.
     */
    static PrivateKey readPrivateKey(String text) throws GeneralSecurityException {
        String t = text.strip();
        String kind = null;
        if (t.startsWith("-----BEGIN ")) {
            int endOfLine = t.indexOf("-----", 11);
            if (endOfLine < 0) {
                throw new GeneralSecurityException("PEM header line is not closed with -----");
            }
            kind = t.substring(11, endOfLine);
            int bodyStart = endOfLine + 5;
            int end = t.indexOf("-----END ", bodyStart);
            if (end < 0) {
                throw new GeneralSecurityException("no -----END " + kind + "----- line");
            }
            t = t.substring(bodyStart, end);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(t.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("key is not valid base64: " + e.getMessage());
        }
        if (kind == null && der.length == 32) {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(concat(ED25519_PKCS8_PREFIX, der)));
        }
        if ("RSA PRIVATE KEY".equals(kind)) {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
        }
        if (kind != null && !kind.equals("PRIVATE KEY")) {
            throw new GeneralSecurityException("unsupported PEM type '" + kind
                    + "' (expected PRIVATE KEY or RSA PRIVATE KEY; encrypted keys must be decrypted first)");
        }
        for (String alg : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        if (kind == null) {
            try {
                return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
            } catch (GeneralSecurityException | RuntimeException e) {
                // fall through
            }
        }
        throw new GeneralSecurityException("not an RSA or Ed25519 private key");
    }

    /** PEM text of a PKCS#8 private key. */
    static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(RSA_ALGORITHM_ID);
        inner.write(0x04);
        writeLength(inner, pkcs1.length);
        inner.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, inner.size());
        out.writeBytes(inner.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int len) {
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write((len >> 8) & 0xff);
            out.write(len & 0xff);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A minimal DER reader for the two structures above. Throws IllegalArgumentException on bad input. */
    private static final class Der {
        private final byte[] b;
        private int pos;
        private int end;

        Der(byte[] b) {
            this.b = b;
            this.end = b.length;
        }

        int remaining() {
            return end - pos;
        }

        private int length() {
            int first = next();
            if (first < 0x80) {
                return first;
            }
            int n = first & 0x7f;
            if (n == 0 || n > 3) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            int len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | next();
            }
            if (len > end - pos) {
                throw new IllegalArgumentException("DER length beyond the data");
            }
            return len;
        }

        private int next() {
            if (pos >= end) {
                throw new IllegalArgumentException("DER data ends early");
            }
            return b[pos++] & 0xff;
        }

        void enter(int tag) {
            if (next() != tag) {
                throw new IllegalArgumentException("unexpected DER tag");
            }
            int len = length();
            end = pos + len;
        }

        BigInteger integer() {
            if (next() != 0x02) {
                throw new IllegalArgumentException("expected a DER INTEGER");
            }
            int len = length();
            byte[] v = new byte[len];
            System.arraycopy(b, pos, v, 0, len);
            pos += len;
            return new BigInteger(v);
        }
    }
}
