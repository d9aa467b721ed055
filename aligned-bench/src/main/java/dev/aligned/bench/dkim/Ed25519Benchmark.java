package dev.aligned.bench.dkim;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 verification of a DKIM-sized input (the 32-octet SHA-256 of the header data, RFC 8463): the JDK's
 * EdDSA against BouncyCastle's RFC 8032 code, with and without a pre-decoded public point.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar Ed25519Benchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class Ed25519Benchmark {
    private byte[] message;
    private byte[] signature;
    private PublicKey jdkKey;
    private byte[] rawKey;
    private Ed25519.PublicPoint point;
    private Signature jdk;

    @Setup
    public void setup() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        message = MessageDigest.getInstance("SHA-256").digest("header data".getBytes());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(message);
        signature = s.sign();
        jdkKey = kp.getPublic();
        byte[] spki = jdkKey.getEncoded();
        rawKey = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        point = Ed25519.validatePublicKeyPartialExport(rawKey, 0);
        jdk = Signature.getInstance("Ed25519");
        if (!jdk() || !bouncyCastle() || !bouncyCastlePrecomputedPoint()) {
            throw new IllegalStateException("a verifier rejects a valid signature");
        }
    }

    /** The JDK's SunEC EdDSA. */
    @Benchmark
    public boolean jdk() throws Exception {
        jdk.initVerify(jdkKey);
        jdk.update(message);
        return jdk.verify(signature);
    }

    /** BouncyCastle's low-level RFC 8032 verification from the 32 raw key octets. */
    @Benchmark
    public boolean bouncyCastle() {
        return Ed25519.verify(signature, 0, rawKey, 0, message, 0, message.length);
    }

    /** BouncyCastle with the public point decoded once (as a key cache would hold it). */
    @Benchmark
    public boolean bouncyCastlePrecomputedPoint() {
        return Ed25519.verify(signature, 0, point, message, 0, message.length);
    }
}
