package dev.aligned.dkim;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** The signature primitives, in one place so the implementation behind them can change. */
final class DkimCrypto {
    private DkimCrypto() {
    }

    /** Verifies {@code sig} over the canonical header data; false for a wrong or malformed signature. */
    static boolean verify(DkimAlgorithm alg, PublicKey key, byte[] data, int len, byte[] sig) {
        try {
            if (alg == DkimAlgorithm.ED25519_SHA256) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(data, 0, len);
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(md.digest());
                return s.verify(sig);
            }
            Signature s = Signature.getInstance(alg.jcaSignature());
            s.initVerify(key);
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
