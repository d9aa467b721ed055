package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The JDK and BouncyCastle Ed25519 paths agree. */
class DkimCryptoTest {
    static final DkimKeys ED = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
    static final byte[] RAW = Base64.getDecoder().decode(ED.keyRecord().substring(ED.keyRecord().indexOf("p=") + 2));

    @Test
    void bouncyCastleIsUsedWhenOnTheClassPath() {
        assertTrue(DkimCrypto.FAST_ED25519, "aligned-core's tests run with the optional BouncyCastle dependency");
    }

    @Property(tries = 100)
    void jdkAndBouncyCastleAgreeOnGoodAndDamagedSignatures(@ForAll byte[] data, @ForAll byte flip) throws Exception {
        byte[] sig = DkimCrypto.sign(DkimAlgorithm.ED25519_SHA256, ED.privateKey(), data);
        DkimCrypto.VerifyKey jdk = DkimCrypto.decode("ed25519", RAW, false);
        DkimCrypto.VerifyKey bc = DkimCrypto.decode("ed25519", RAW, true);
        assertTrue(DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, jdk, data, sig));
        assertTrue(DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, bc, data, sig));
        byte[] bad = sig.clone();
        bad[Math.floorMod(flip, bad.length)] ^= (byte) (flip == 0 ? 1 : flip);
        assertEquals(DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, jdk, data, bad),
                DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, bc, data, bad));
        assertFalse(DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, bc, data, bad));
    }

    @Test
    void truncatedSignatureIsFalseNotAnException() throws Exception {
        byte[] data = "x".getBytes(StandardCharsets.US_ASCII);
        for (boolean fast : new boolean[] {true, false}) {
            DkimCrypto.VerifyKey k = DkimCrypto.decode("ed25519", RAW, fast);
            assertFalse(DkimCrypto.verify(DkimAlgorithm.ED25519_SHA256, k, data, new byte[10]));
        }
    }
}
