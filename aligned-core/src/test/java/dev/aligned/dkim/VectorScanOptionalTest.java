package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The incubator module is optional: a JVM started without {@code --add-modules jdk.incubator.vector} uses the
 * SWAR scan, never loads {@link VectorBodyScan} (so no {@code NoClassDefFoundError} can come out of it) and
 * hashes bodies as the test JVM (which has the module) does with either scan.
 */
class VectorScanOptionalTest {
    /** What the child JVM runs: prints whether the vector scan is on and the relaxed and simple body hashes. */
    public static void main(String[] args) {
        System.out.println("vector=" + BodyHasher.VECTOR_SCAN);
        for (Canonicalization c : Canonicalization.values()) {
            System.out.println(c + "=" + hash(c, BodyHasher.VECTOR_SCAN));
        }
    }

    static final byte[] BODY = ("Dear team,\r\n\r\nthe  quarterly\treport is attached.   \r\n" + "x".repeat(200)
            + "\n\r\n \r\nend\r\n\r\n").repeat(5).getBytes(StandardCharsets.ISO_8859_1);

    static String hash(Canonicalization c, boolean vector) {
        BodyHasher h = new BodyHasher(c, BodyHasher.newDigest("SHA-256"), Long.MAX_VALUE, vector);
        h.update(BODY, 0, BODY.length);
        return Base64.getEncoder().encodeToString(h.finish());
    }

    @Test
    void withoutTheModuleTheSwarScanIsUsedAndTheVectorClassIsNeverLoaded() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "-cp", System.getProperty("java.class.path"),
                VectorScanOptionalTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.startsWith("[")).toList();
        assertEquals(List.of("vector=false", "SIMPLE=" + hash(Canonicalization.SIMPLE, false),
                "RELAXED=" + hash(Canonicalization.RELAXED, false)), lines);
        assertFalse(out.contains("VectorBodyScan"), "VectorBodyScan was loaded:\n" + out);
        assertFalse(out.contains("jdk.incubator.vector"), "the incubator module was used:\n" + out);
    }

    @Test
    void bothScansGiveTheSameHashes() {
        for (Canonicalization c : Canonicalization.values()) {
            assertEquals(hash(c, false), hash(c, true), c.toString());
        }
    }
}
