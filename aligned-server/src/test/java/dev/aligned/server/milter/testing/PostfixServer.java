package dev.aligned.server.milter.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private Postfix instance for tests (Debian package {@code postfix}): its own configuration, queue and data
 * directories in a temporary directory, smtpd on 127.0.0.1 at a free port, optional {@code smtpd_milters}, and
 * every message for {@code example.net} delivered by the {@code virtual} agent into one Maildir the test reads.
 * Never touches the system instance. Needs root (Postfix's master runs as root and its daemons as
 * {@code postfix}); {@link #available()} says why not when it cannot run. {@link #close()} stops it and waits
 * until its master process is gone.
 *
 * <pre>{@code
 * try (PostfixServer pf = PostfixServer.start(Optional.of("inet:127.0.0.1:" + milter.port()), List.of())) {
 *     pf.swaks("--from", "a@example.com", "--to", "bob@example.net");
 *     List<Path> mail = pf.awaitDelivered(1, Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class PostfixServer implements AutoCloseable {
    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");

    private final Path dir;
    private final int port;

    private PostfixServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Empty when Postfix and swaks can run here; otherwise why not (what to install). */
    public static Optional<String> available() {
        if (!Files.isExecutable(POSTFIX) || !Files.isDirectory(Path.of("/usr/lib/postfix/sbin"))) {
            return Optional.of("Postfix is not installed: apt-get install postfix swaks");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/swaks"))) {
            return Optional.of("swaks is not installed: apt-get install swaks");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("the Postfix tests run as root (Postfix's master starts as root)");
        }
        return Optional.empty();
    }

    /**
     * Starts a private Postfix; waits (at most 30 s) until smtpd greets.
     *
     * @param milter    the {@code smtpd_milters} value, or empty for none
     * @param extraMain extra {@code main.cf} lines (they override the defaults written before them)
     */
    public static PostfixServer start(Optional<String> milter, List<String> extraMain)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("aligned-postfix-");
        for (String d : List.of("etc", "queue", "data", "mail")) {
            Files.createDirectories(dir.resolve(d));
        }
        run("chown", "postfix", dir.resolve("data").toString(), dir.resolve("mail").toString());
        run("chmod", "755", dir.toString());
        String uid = run("id", "-u", "postfix").strip();
        String gid = run("id", "-g", "postfix").strip();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String d = dir.toString();
        List<String> main = new ArrayList<>(List.of(
                "compatibility_level = 3.6",
                "queue_directory = " + d + "/queue",
                "data_directory = " + d + "/data",
                "daemon_directory = /usr/lib/postfix/sbin",
                "meta_directory = /etc/postfix",
                "shlib_directory = /usr/lib/postfix",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "syslog_name = aligned-test-postfix",
                "maillog_file = " + d + "/maillog",
                "maillog_file_prefixes = " + d,
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = mx.test",
                "mydomain = test",
                "myorigin = mx.test",
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "smtpd_client_restrictions =",
                "smtpd_delay_reject = yes",
                "smtpd_tls_security_level = none",
                "smtp_tls_security_level = none",
                "alias_maps =",
                "alias_database =",
                "biff = no",
                "milter_protocol = 6",
                "milter_default_action = tempfail",
                "virtual_mailbox_domains = example.net",
                "virtual_mailbox_base = " + d + "/mail",
                "virtual_mailbox_maps = static:inbox/",
                "virtual_uid_maps = static:" + uid,
                "virtual_gid_maps = static:" + gid));
        milter.ifPresent(m -> main.add("smtpd_milters = " + m));
        main.addAll(extraMain);
        Files.writeString(dir.resolve("etc/main.cf"), String.join("\n", main) + "\n");
        Files.writeString(dir.resolve("etc/master.cf"), String.join("\n",
                "127.0.0.1:" + port + " inet n - n - - smtpd",
                "cleanup unix n - n - 0 cleanup",
                "qmgr unix n - n 300 1 qmgr",
                "rewrite unix - - n - - trivial-rewrite",
                "bounce unix - - n - 0 bounce",
                "defer unix - - n - 0 bounce",
                "trace unix - - n - 0 bounce",
                "verify unix - - n - 1 verify",
                "flush unix n - n 1000? 0 flush",
                "proxymap unix - - n - - proxymap",
                "error unix - - n - - error",
                "retry unix - - n - - error",
                "discard unix - - n - - discard",
                "virtual unix - n n - - virtual",
                "anvil unix - - n - 1 anvil",
                "scache unix - - n - 1 scache",
                "postlog unix-dgram n - n - 1 postlogd",
                "showq unix n - n - - showq", ""));
        PostfixServer server = new PostfixServer(dir, port);
        String out = run(POSTFIX.toString(), "-c", d + "/etc", "start");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                byte[] greet = s.getInputStream().readNBytes(3);
                if (new String(greet, StandardCharsets.US_ASCII).equals("220")) {
                    return server;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                String log = out + server.log();
                server.close();
                throw new IOException("Postfix did not start on port " + port + ":\n" + log);
            }
            Thread.sleep(100);
        }
    }

    /** The smtpd port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The configuration directory (for {@code postfix -c}). */
    public Path configDirectory() {
        return dir.resolve("etc");
    }

    /**
     * Runs swaks against this instance ({@code --server} is added); returns its exit code and output.
     *
     * @param args swaks arguments, e.g. {@code --from a@example.com --to bob@example.net --data FILE}
     */
    public Swaks swaks(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port, "--timeout", "60"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("swaks did not finish: " + out);
        }
        return new Swaks(p.exitValue(), out);
    }

    /** What swaks printed, and its exit code (0: accepted; 23: refused after DATA; 24: refused at the end). */
    public record Swaks(int exit, String output) {
        /** The server's reply lines to the final dot ({@code <-  250 ...} or {@code <** 550 ...}). */
        public String finalReply() {
            String last = "";
            boolean afterDot = false;
            for (String line : output.split("\n")) {
                if (line.startsWith(" -> .")) {
                    afterDot = true;
                } else if (afterDot && (line.startsWith("<-") || line.startsWith("<**"))) {
                    return line.replaceFirst("^<(-|\\*\\*) +", "");
                }
                last = line;
            }
            return last;
        }
    }

    /** Messages delivered to the Maildir, oldest first. */
    public List<Path> delivered() throws IOException {
        Path n = dir.resolve("mail/inbox/new");
        if (!Files.isDirectory(n)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(n)) {
            return s.sorted().toList();
        }
    }

    /** Waits until at least {@code count} messages are delivered. */
    public List<Path> awaitDelivered(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Path> got;
        while ((got = delivered()).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IOException(got.size() + " of " + count + " messages delivered after " + timeout
                        + "; Postfix log:\n" + log());
            }
            Thread.sleep(50);
        }
        return got;
    }

    /** Queue files in the hold queue (where the milter quarantine action puts messages). */
    public List<Path> held() throws IOException {
        Path h = dir.resolve("queue/hold");
        if (!Files.isDirectory(h)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(h)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** Postfix's log. */
    public String log() {
        try {
            Path l = dir.resolve("maillog");
            return Files.exists(l) ? Files.readString(l, StandardCharsets.ISO_8859_1) : "(no log yet)";
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private Optional<Long> masterPid() {
        try {
            Path pid = dir.resolve("queue/pid/master.pid");
            return Files.exists(pid) ? Optional.of(Long.parseLong(Files.readString(pid).strip())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Stops Postfix ({@code postfix -c DIR stop}, then a kill if its master lingers) and deletes the directory. */
    @Override
    public void close() {
        Optional<Long> pid = masterPid();
        try {
            run(POSTFIX.toString(), "-c", dir.resolve("etc").toString(), "stop");
        } catch (IOException e) {
            // killed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pid.flatMap(ProcessHandle::of).ifPresent(h -> {
            try {
                h.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            }
        });
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
