package dev.aligned.dkim;

import dev.aligned.mail.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
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
 * Where the time of a DKIM verification goes, part by part, on the RSA workload messages of
 * {@code DkimVerifyBenchmark}: relaxed body canonicalisation plus SHA-256 ({@link BodyHasher}, package-private,
 * hence this benchmark's package) next to plain SHA-256 of the same body, message parsing and signature
 * parsing. Average time per operation. The forked JVM has the incubator module {@code jdk.incubator.vector}, so
 * {@code relaxedBodyHash} uses the Vector API scan; {@code relaxedBodyHashSwar} forces the SWAR scan.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar DkimPartsBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DkimPartsBenchmark {
    @Param({"4k", "100k"})
    String size;

    private byte[] signed;
    private byte[] body;
    private String signatureValue;

    @Setup
    public void setup() {
        try (InputStream in = DkimPartsBenchmark.class.getResourceAsStream("/workloads/dkim/msg-" + size
                + "-rsa.eml")) {
            signed = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RawMessage m = RawMessage.parse(signed);
        body = m.body();
        signatureValue = m.header().all("DKIM-Signature").get(0).value();
    }

    /** Relaxed body canonicalisation and SHA-256, as the verifier does it. */
    @Benchmark
    public byte[] relaxedBodyHash() {
        BodyHasher h = new BodyHasher(Canonicalization.RELAXED, "SHA-256", Long.MAX_VALUE);
        h.update(body, 0, body.length);
        return h.finish();
    }

    /** The same with the SWAR scan (what runs when the JVM lacks the incubator module). */
    @Benchmark
    public byte[] relaxedBodyHashSwar() {
        BodyHasher h = new BodyHasher(Canonicalization.RELAXED, BodyHasher.newDigest("SHA-256"), Long.MAX_VALUE,
                false);
        h.update(body, 0, body.length);
        return h.finish();
    }

    /** SHA-256 of the same body octets, nothing else: what relaxedBodyHash adds to is this. */
    @Benchmark
    public byte[] sha256Body() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(body);
    }

    /** Splitting the message into header fields and body. */
    @Benchmark
    public RawMessage parseMessage() {
        return RawMessage.parse(signed);
    }

    /** Parsing the DKIM-Signature field's value. */
    @Benchmark
    public DkimSignature.Parse parseSignature() {
        return DkimSignature.parse(signatureValue, 0);
    }
}
