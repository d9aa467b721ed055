package dev.aligned.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The signature primitives, in one place so the implementation behind them can change: RSA through JCA;
 * Ed25519 verification through BouncyCastle when it is on the class path (much faster), else the JDK.
 */
final class DkimCrypto {
    /** True when BouncyCastle's Ed25519 is available. */
    static final boolean FAST_ED25519 = fastEd25519Available();

    private DkimCrypto() {
    }

    private static boolean fastEd25519Available() {
        if (Boolean.getBoolean("aligned.dkim.jdkEd25519")) {
            return false;
        }
        try {
            Class.forName("org.bouncycastle.math.ec.rfc8032.Ed25519", false, DkimCrypto.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A public key decoded once for verification. */
    record VerifyKey(String type, PublicKey jdk, Object fast, int bits) {
    }

    /**
     * Decodes the p= octets of a key record of type {@code rsa} or {@code ed25519}.
     *
     * @throws GeneralSecurityException when the octets are not a valid key of that type
     */
    static VerifyKey decode(String keyType, byte[] p) throws GeneralSecurityException {
        return decode(keyType, p, FAST_ED25519);
    }

    /** Like {@link #decode(String, byte[])}, choosing the Ed25519 implementation ({@code fast}: BouncyCastle). */
    static VerifyKey decode(String keyType, byte[] p, boolean fast) throws GeneralSecurityException {
        if (keyType.equals("rsa")) {
            PublicKey k = KeyCodec.rsaPublicKey(p);
            return new VerifyKey(keyType, k, null, KeyCodec.bits(k));
        }
        if (p.length != 32) {
            throw new GeneralSecurityException("an Ed25519 key is 32 octets, this one " + p.length);
        }
        if (fast) {
            Object point = Ed25519Fast.decode(p);
            if (point == null) {
                throw new GeneralSecurityException("not a valid Ed25519 point");
            }
            return new VerifyKey(keyType, null, point, 256);
        }
        return new VerifyKey(keyType, KeyCodec.ed25519PublicKey(p), null, 256);
    }

    /** Verifies {@code sig} over the canonical header data; false for a wrong or malformed signature. */
    static boolean verify(DkimAlgorithm alg, VerifyKey key, byte[] data, byte[] sig) {
        return verify(alg, key, data, data.length, sig);
    }

    /** Like {@link #verify(DkimAlgorithm, VerifyKey, byte[], byte[])} over the first {@code len} octets. */
    static boolean verify(DkimAlgorithm alg, VerifyKey key, byte[] data, int len, byte[] sig) {
        try {
            if (alg == DkimAlgorithm.ED25519_SHA256) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(data, 0, len);
                byte[] digest = sha.digest();
                if (key.fast() != null) {
                    return Ed25519Fast.verify(key.fast(), digest, sig);
                }
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key.jdk());
                s.update(digest);
                return s.verify(sig);
            }
            Signature s = Signature.getInstance(alg.jcaSignature());
            s.initVerify(key.jdk());
            s.update(data, 0, len);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Signs the canonical header data. */
    static byte[] sign(DkimAlgorithm alg, PrivateKey key, byte[] data) throws GeneralSecurityException {
        if (alg == DkimAlgorithm.ED25519_SHA256) {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(MessageDigest.getInstance("SHA-256").digest(data));
            return s.sign();
        }
        Signature s = Signature.getInstance(alg.jcaSignature());
        s.initSign(key);
        s.update(data);
        return s.sign();
    }
}
