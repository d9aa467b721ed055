package dev.aligned.bench.dkim;

import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dkim.DkimVerifier;
import dev.aligned.mail.RawMessage;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DKIM verifications per second of a whole message (parse, DNS from a fixture, canonicalise, hash, verify),
 * next to the physical limit measured in the same run: SHA-256 of the same message bytes plus one raw JCA
 * signature verification.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar DkimVerifyBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DkimVerifyBenchmark {
    @Param({"4096", "102400"})
    int size;

    @Param({"rsa-sha256", "ed25519-sha256"})
    String algorithm;

    private byte[] signed;
    private DkimVerifier verifier;
    private byte[] headerData;
    private byte[] rawSignature;
    private java.security.PublicKey publicKey;
    private String jca;

    @Setup
    public void setup() throws Exception {
        boolean rsa = algorithm.startsWith("rsa");
        DkimKeys keys = DkimKeys.generate(rsa ? DkimKeys.Type.RSA : DkimKeys.Type.ED25519, 2048);
        signed = BenchMessages.sign(BenchMessages.message(size), keys, "bench");
        verifier = DkimVerifier.builder(BenchMessages.dns("bench", keys)).build();
        List<DkimResult> check = verifier.verify(RawMessage.parse(signed));
        if (!(check.get(0) instanceof DkimResult.Pass)) {
            throw new IllegalStateException("benchmark message does not verify: " + check);
        }
        // the raw primitive: a header-sized input signed with the same key
        headerData = new byte[400];
        new java.util.Random(1).nextBytes(headerData);
        jca = rsa ? "SHA256withRSA" : "Ed25519";
        Signature s = Signature.getInstance(jca);
        s.initSign(keys.privateKey());
        s.update(rsa ? headerData : MessageDigest.getInstance("SHA-256").digest(headerData));
        rawSignature = s.sign();
        publicKey = keys.publicKey();
    }

    /** Aligned: the whole DKIM verification of the message. */
    @Benchmark
    public List<DkimResult> aligned() {
        return verifier.verify(RawMessage.parse(signed));
    }

    /** The limit: SHA-256 of all the message's bytes plus one signature verification (JCA). */
    @Benchmark
    public boolean rawJcaSha256PlusVerify() throws Exception {
        byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(signed);
        Signature s = Signature.getInstance(jca);
        s.initVerify(publicKey);
        s.update(jca.equals("Ed25519") ? MessageDigest.getInstance("SHA-256").digest(headerData) : headerData);
        return s.verify(rawSignature) && bodyHash.length == 32;
    }
}
