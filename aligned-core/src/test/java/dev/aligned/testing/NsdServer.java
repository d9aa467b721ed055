package dev.aligned.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative name server (NLnet Labs' nsd) on loopback, for integration tests: writes the given zones
 * and a generated {@code nsd.conf} into a temporary directory, starts {@code nsd -d} on a free high port (UDP
 * and TCP on 127.0.0.1), waits until it answers, and stops it on {@link #close()}. Failure messages include
 * nsd's output.
 *
 * <p>When nsd is not installed the test is skipped (JUnit assumption), unless the environment variable
 * {@code CI} is set, in which case it fails: CI must install the Debian package {@code nsd}. The binary is
 * {@code /usr/sbin/nsd}, or the one named by the environment variable {@code ALIGNED_NSD}.
 *
 * <pre>{@code
 * try (NsdServer nsd = NsdServer.start(Map.of("example.com", NsdServer.zone("example.com", "@ TXT \"hi\"")))) {
 *     DnsResolver dns = DnsjavaResolver.builder().server(nsd.address()).build();
 *     ...
 * }
 * }</pre>
 */
public final class NsdServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(15);

    private final Path dir;
    private final Process process;
    private final int port;
    private final Path output;

    private NsdServer(Path dir, Process process, int port, Path output) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /**
     * A zone text for {@code origin} with {@code $ORIGIN}, {@code $TTL 300}, an SOA (negative TTL 60 s) and an NS
     * record at the apex, followed by {@code records} (one master-file line each, relative to the origin).
     */
    public static String zone(String origin, String... records) {
        StringBuilder sb = new StringBuilder();
        sb.append("$ORIGIN ").append(origin).append(".\n");
        sb.append("$TTL 300\n");
        sb.append("@ IN SOA ns1 hostmaster 2024010101 3600 600 86400 60\n");
        sb.append("@ IN NS ns1\n");
        sb.append("ns1 IN A 127.0.0.1\n");
        for (String r : records) {
            sb.append(r).append('\n');
        }
        return sb.toString();
    }

    /** The nsd binary, or null when there is none. */
    static Path binary() {
        String env = System.getenv("ALIGNED_NSD");
        Path p = Path.of(env != null && !env.isBlank() ? env : "/usr/sbin/nsd");
        return Files.isExecutable(p) ? p : null;
    }

    /**
     * Starts nsd serving {@code zones} (origin -> master-file text). Skips the calling test when nsd is not
     * installed and {@code CI} is not set.
     */
    public static NsdServer start(Map<String, String> zones) {
        Path nsd = binary();
        if (nsd == null) {
            String why = "nsd is not installed (Debian: apt-get install nsd), so the integration test cannot run";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + "; CI is set, so this is a failure, not a skip");
            }
            Assumptions.assumeTrue(false, why);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return tryStart(nsd, new LinkedHashMap<>(zones));
            } catch (PortTakenException e) {
                last = e; // someone took the port between our probe and nsd's bind: try another
            }
        }
        throw last;
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private static NsdServer tryStart(Path nsd, Map<String, String> zones) {
        Path dir;
        try {
            dir = Files.createTempDirectory("aligned-nsd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        Path output = dir.resolve("nsd.out");
        Process p;
        try {
            StringBuilder conf = new StringBuilder();
            conf.append("server:\n")
                    .append("  ip-address: 127.0.0.1\n")
                    .append("  port: ").append(port).append('\n')
                    .append("  do-ip4: yes\n")
                    .append("  do-ip6: no\n")
                    .append("  username: \"\"\n")
                    .append("  chroot: \"\"\n")
                    .append("  zonesdir: \"").append(dir).append("\"\n")
                    .append("  zonelistfile: \"").append(dir.resolve("zone.list")).append("\"\n")
                    .append("  database: \"\"\n")
                    .append("  pidfile: \"").append(dir.resolve("nsd.pid")).append("\"\n")
                    .append("  xfrdfile: \"").append(dir.resolve("xfrd.state")).append("\"\n")
                    .append("  xfrdir: \"").append(dir).append("\"\n")
                    .append("  server-count: 1\n")
                    .append("  reuseport: no\n")
                    .append("  verbosity: 1\n")
                    // Debian's nsd limits answers per source to 200/s (response rate limiting): tests and the
                    // bulk-check benchmark ask much faster from one address, so the limit is off here.
                    .append("  rrl-ratelimit: 0\n")
                    .append("  rrl-whitelist-ratelimit: 0\n")
                    .append("remote-control:\n")
                    .append("  control-enable: no\n");
            int i = 0;
            for (Map.Entry<String, String> z : zones.entrySet()) {
                String file = "zone" + (i++) + ".zone";
                Files.writeString(dir.resolve(file), z.getValue(), StandardCharsets.UTF_8);
                conf.append("zone:\n")
                        .append("  name: \"").append(z.getKey()).append("\"\n")
                        .append("  zonefile: \"").append(file).append("\"\n");
            }
            Path confFile = dir.resolve("nsd.conf");
            Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
            p = new ProcessBuilder(nsd.toString(), "-d", "-c", confFile.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
        } catch (IOException e) {
            deleteTree(dir);
            throw new IllegalStateException("cannot start nsd: " + e.getMessage(), e);
        }
        NsdServer server = new NsdServer(dir, p, port, output);
        String probeZone = zones.isEmpty() ? "." : zones.keySet().iterator().next();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            if (!p.isAlive()) {
                String log = server.log();
                server.close();
                if (log.contains("Address already in use") || log.contains("can't bind")) {
                    throw new PortTakenException("nsd could not bind port " + port + ":\n" + log);
                }
                throw new IllegalStateException("nsd exited with " + p.exitValue() + " before answering; its output:\n"
                        + log);
            }
            String soFar = server.log();
            if (soFar.contains("error: zone ") && soFar.contains(" read with ")) {
                server.close();
                throw new IllegalStateException("nsd could not load a zone; its output:\n" + soFar);
            }
            if (server.answers(probeZone, !zones.isEmpty())) {
                return server;
            }
            if (System.nanoTime() > deadline) {
                String log = server.log();
                server.close();
                throw new IllegalStateException("nsd did not answer on 127.0.0.1:" + port + " within "
                        + STARTUP.toSeconds() + " s; its output:\n" + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IllegalStateException("interrupted while waiting for nsd", e);
            }
        }
    }

    private boolean answers(String zone, boolean authoritative) {
        try {
            SimpleResolver r = new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            r.setTimeout(Duration.ofMillis(200));
            Name n = zone.equals(".") ? Name.root : Name.fromString(zone.endsWith(".") ? zone : zone + ".");
            Message m = r.send(Message.newQuery(Record.newRecord(n, Type.SOA, DClass.IN)));
            return m.getRcode() == Rcode.NOERROR || (!authoritative && m.getRcode() == Rcode.REFUSED);
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free for both UDP and TCP on loopback right now. */
    private static int freePort() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(lo, port))) {
                    return port;
                } catch (IOException e) {
                    // UDP port taken: try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no loopback port free for both UDP and TCP");
    }

    /** {@code 127.0.0.1:PORT}, for {@code DnsjavaResolver.Builder.server}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The port nsd listens on (UDP and TCP). */
    public int port() {
        return port;
    }

    /** The directory holding the configuration and zone files. */
    public Path directory() {
        return dir;
    }

    /** nsd's main process and its children, as running now. */
    public ProcessHandle[] processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        all.addAll(process.descendants().toList());
        return all.toArray(ProcessHandle[]::new);
    }

    /**
     * True while {@code p} is running: alive and, where {@code /proc} tells, not a zombie waiting to be reaped
     * (children of a stopped nsd are reparented to init, which may reap them a little later).
     */
    public static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return p.isAlive();
        }
    }

    /** What nsd has written to its standard output and error so far. */
    public String log() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(cannot read nsd output: " + e + ")";
        }
    }

    /** Stops nsd (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
    @Override
    public void close() {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        // nsd's server and xfrd children stop when the main process does; wait for them, then insist
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (children.stream().anyMatch(NsdServer::running) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessHandle c : children) {
            if (running(c)) {
                c.destroyForcibly();
            }
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
