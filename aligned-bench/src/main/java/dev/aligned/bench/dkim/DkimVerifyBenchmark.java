package dev.aligned.bench.dkim;

import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.dkim.DkimVerifier;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import dev.aligned.mail.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
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
 * DKIM on the messages the peers verify ({@code peers/run-dkim-peers.sh}): {@code workloads/dkim/msg-SIZE-ALG.eml},
 * signed by dkimpy. {@code verify} is Aligned's whole verification (parse, key from an in-memory DNS,
 * canonicalise, hash, verify); {@code rawJcaSha256PlusVerify} is the physical limit measured in the same run:
 * SHA-256 of all the message's bytes plus one signature verification of header-sized data with the JCA (the
 * JDK's own providers); {@code sign} signs the same message (its DKIM-Signature removed) with the same key.
 *
 * <pre>
 * java -jar aligned-bench/target/benchmarks.jar DkimVerifyBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector") // the Vector API body scan
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class DkimVerifyBenchmark {
    @Param({"4k", "100k"})
    String size;

    @Param({"rsa", "ed25519"})
    String algorithm;

    private byte[] signed;
    private byte[] unsigned;
    private DkimVerifier verifier;
    private DkimSigner signer;
    private byte[] headerData;
    private byte[] rawSignature;
    private PublicKey publicKey;
    private String jca;

    static byte[] resource(String name) {
        try (InputStream in = DkimVerifyBenchmark.class.getResourceAsStream("/workloads/dkim/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no workload file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workload's key records, answered from memory without recording queries. */
    static DnsResolver dns() {
        FixtureResolver zone = FixtureResolver.builder().recording(false).addAll(ZoneData.parse(
                new String(resource("dkim-dns.json"), StandardCharsets.UTF_8), "dkim-dns.json")).build();
        return zone;
    }

    @Setup
    public void setup() throws Exception {
        boolean rsa = algorithm.equals("rsa");
        signed = resource("msg-" + size + "-" + algorithm + ".eml");
        int firstFieldEnd = indexOf(signed, "\r\nReceived:".getBytes(StandardCharsets.US_ASCII));
        unsigned = Arrays.copyOfRange(signed, firstFieldEnd + 2, signed.length);
        verifier = DkimVerifier.builder(dns()).build();
        List<DkimResult> check = verifier.verify(RawMessage.parse(signed));
        if (check.size() != 1 || !(check.get(0) instanceof DkimResult.Pass)) {
            throw new IllegalStateException("workload message does not verify: " + check);
        }
        PrivateKey key = DkimKeys.readPrivateKeyOrProblem(new String(
                resource(rsa ? "rsa2048.key.pem" : "ed25519.seed.b64"), StandardCharsets.US_ASCII));
        signer = DkimSigner.builder("example.com", rsa ? "rsa" : "ed", key).build();
        if (!(signer.sign(RawMessage.parse(unsigned)) instanceof DkimSigner.Signed)) {
            throw new IllegalStateException("workload message cannot be signed");
        }
        DomainName keyName = DomainName.of((rsa ? "rsa" : "ed") + "._domainkey.example.com");
        publicKey = Keys.publicKeyOf(
                (DnsAnswer.Records) dns().lookup(keyName, DnsType.TXT), rsa);
        headerData = new byte[400];
        new java.util.Random(1).nextBytes(headerData);
        jca = rsa ? "SHA256withRSA" : "Ed25519";
        Signature s = Signature.getInstance(jca);
        s.initSign(key);
        s.update(rsa ? headerData : MessageDigest.getInstance("SHA-256").digest(headerData));
        rawSignature = s.sign();
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("workload message has no Received field after its signature");
    }

    /** Aligned: the whole DKIM verification of the message. */
    @Benchmark
    public List<DkimResult> verify() {
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

    /** Aligned signing the same message with the same key. */
    @Benchmark
    public DkimSigner.Outcome sign() {
        return signer.sign(RawMessage.parse(unsigned));
    }

}
