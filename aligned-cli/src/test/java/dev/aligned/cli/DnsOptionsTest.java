package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DnsOptionsTest {

    /** A command that looks up the TXT records of its argument, as DNS-reading commands do. */
    @Command(name = "txt", mixinStandardHelpOptions = true)
    static final class TxtCommand implements Callable<Integer> {
        @Mixin
        DnsOptions dns;

        @CommandLine.Parameters
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        DnsResolver used;

        @Override
        public Integer call() {
            used = dns.resolver();
            DnsAnswer a = used.lookup(DomainName.of(name), DnsType.TXT);
            String out = switch (a) {
                case DnsAnswer.Records r -> r.of(DnsRecord.Txt.class).get(0).text();
                case DnsAnswer.NxDomain n -> "NXDOMAIN";
                case DnsAnswer.NoData n -> "NODATA";
                case DnsAnswer.TempFailure f -> "TEMPFAIL " + f.reason();
            };
            spec.commandLine().getOut().println(out);
            return 0;
        }
    }

    record Run(int exit, String out, String err, TxtCommand command) {
    }

    static Run run(String... args) {
        TxtCommand cmd = new TxtCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("aligned: " + ex.getMessage());
            return 1;
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString(), cmd);
    }

    @Test
    void severalZoneFilesAreMerged(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("example.com.zone"), "@ 300 IN TXT \"from a\"\n");
        Path b = Files.writeString(dir.resolve("example.org.zone"), "@ 300 IN TXT \"from b\"\n");
        Run r = run("--dns", a.toString(), "--dns", b.toString(), "example.org");
        assertEquals(0, r.exit(), r.err());
        assertEquals("from b", r.out().strip());
        assertEquals("NXDOMAIN", run("--dns", a.toString(), "--dns", b.toString(), "example.net").out().strip());
    }

    @Test
    void zonedataAndMasterFilesMixByExtension(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("example.com.zone"), "@ 300 IN TXT \"from zone\"\n");
        Path y = Files.writeString(dir.resolve("more.yml"), "example.org:\n  - TXT: from yaml\nslow.example.org:\n  - TIMEOUT\n");
        assertEquals("from yaml", run("--dns", a.toString(), "--dns", y.toString(), "example.org").out().strip());
        assertEquals("from zone", run("--dns", a.toString(), "--dns", y.toString(), "example.com").out().strip());
        assertTrue(run("--dns", y.toString(), "slow.example.org").out().startsWith("TEMPFAIL "));
    }

    @Test
    void badZoneFileIsARuntimeFailureNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("example.com.zone"), "@ 300 IN TXT \"ok\"\nwww 300 IN BOGUS x\n");
        Run r = run("--dns", a.toString(), "example.com");
        assertEquals(1, r.exit());
        assertEquals("aligned: " + a + ", line 2: Invalid type 'BOGUS'", r.err().strip());
    }

    @Test
    void missingZoneFileIsNamed(@TempDir Path dir) {
        Path a = dir.resolve("none.zone");
        Run r = run("--dns", a.toString(), "example.com");
        assertEquals(1, r.exit());
        assertEquals("aligned: " + a + ": no such file", r.err().strip());
    }

    @Test
    void fixturesAndServerTogetherAreAUsageError(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("example.com.zone"), "@ 300 IN TXT \"ok\"\n");
        Run r = run("--dns", a.toString(), "--dns-server", "127.0.0.1", "example.com");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--dns (fixture files) and --dns-server cannot be combined"), r.err());
    }

    @Test
    void badServerIsAUsageError() {
        Run r = run("--dns-server", "127.0.0.1:0", "example.com");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--dns-server: server '127.0.0.1:0': port '0' is not 1..65535"), r.err());
    }

    @Test
    void silentServerGivesTempFailureAfterTheTimeout() throws IOException {
        try (var silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Run r = run("--dns-server", "127.0.0.1:" + silent.getLocalPort(), "--dns-timeout", "0.2", "example.com");
            assertEquals(0, r.exit(), r.err());
            assertInstanceOf(dev.aligned.dns.CachingResolver.class, r.command().used);
            assertTrue(r.out().startsWith("TEMPFAIL no answer for TXT example.com: 127.0.0.1:" + silent.getLocalPort()
                    + " timed out after 200 ms"), r.out());
        }
    }
}
