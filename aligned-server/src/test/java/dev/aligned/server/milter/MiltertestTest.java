package dev.aligned.server.milter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.ZoneData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The milter driven by Debian's {@code miltertest} (libmilter's client, Lua script in test resources). */
class MiltertestTest {
    private static final Path MILTERTEST = Path.of("/usr/bin/miltertest");

    @TempDir
    Path tmp;

    private static String resource(String name) throws Exception {
        try (InputStream in = MiltertestTest.class.getResourceAsStream("/milter/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void miltertestScriptSeesResultsRejectionAndAbort() throws Exception {
        boolean present = Files.isExecutable(MILTERTEST);
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError("miltertest is not installed: apt-get install miltertest (CI is set)");
        }
        Assumptions.assumeTrue(present, "miltertest is not installed: apt-get install miltertest");
        MilterConfig cfg = MilterConfig.defaults().withListen("inet:127.0.0.1:0").withAuthservId("mx.test")
                .withMode(MilterConfig.Mode.REJECT).withTrustedNetworks(List.of());
        try (MilterServer milter = MilterServer.builder(ZoneData.parse(resource("example.com.yml"), "fixture"), cfg)
                .build().start()) {
            Path script = tmp.resolve("test.lua");
            Files.writeString(script, resource("miltertest.lua").replace("PORT", String.valueOf(milter.port())));
            Process p = new ProcessBuilder(MILTERTEST.toString(), "-s", script.toString()).redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("pass:  mx.test;\n\tspf=pass (192.0.2.25 is authorised by example.com)"), out);
            assertTrue(out.contains("spoof: rejected with 550 5.7.1"), out);
        }
    }
}
