package dev.aligned.dkim;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 verification with BouncyCastle's RFC 8032 code, used when BouncyCastle is on the class path: it
 * verifies several times faster than the JDK's EdDSA (see aligned-bench's Ed25519Benchmark). Only loaded
 * after {@link DkimCrypto} has checked that the class exists.
 */
final class Ed25519Fast {
    private Ed25519Fast() {
    }

    /** The decoded public point, or null when the 32 octets are not a valid point. */
    static Object decode(byte[] raw) {
        try {
            return Ed25519.validatePublicKeyPartialExport(raw, 0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static boolean verify(Object point, byte[] message, byte[] signature) {
        if (signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, (Ed25519.PublicPoint) point, message, 0, message.length);
    }
}
