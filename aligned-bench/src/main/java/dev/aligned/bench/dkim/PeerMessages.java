package dev.aligned.bench.dkim;

import dev.aligned.dkim.DkimKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the benchmark's signed messages (4 KB and 100 KB; RSA-2048 and Ed25519) and their key records to a
 * directory, for peers such as dkimpy to verify in their own processes ({@code peers/dkimpy_verify.py}).
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.dkim.PeerMessages /tmp/peer
 * </pre>
 */
public final class PeerMessages {
    private PeerMessages() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "peer-messages"));
        DkimKeys rsa = DkimKeys.generate(DkimKeys.Type.RSA, 2048);
        DkimKeys ed = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
        for (int size : new int[] {4096, 102400}) {
            byte[] m = BenchMessages.message(size);
            Files.write(dir.resolve("rsa-" + size + ".eml"), BenchMessages.sign(m, rsa, "rsa"));
            Files.write(dir.resolve("ed25519-" + size + ".eml"), BenchMessages.sign(m, ed, "ed"));
        }
        Files.writeString(dir.resolve("keys.tsv"), "rsa._domainkey.example.com\t" + rsa.keyRecord() + "\n"
                + "ed._domainkey.example.com\t" + ed.keyRecord() + "\n");
        System.out.println("wrote " + dir);
    }
}
