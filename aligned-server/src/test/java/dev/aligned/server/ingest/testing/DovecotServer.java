package dev.aligned.server.ingest.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Dovecot IMAP server for tests (Debian package {@code dovecot-imapd}; {@code openssl} makes its
 * self-signed certificate): its own configuration in a temporary directory, IMAP with STARTTLS on 127.0.0.1 at a
 * free port, one user from a password file, Maildir storage owned by {@code nobody}. Needs root (Dovecot switches
 * to the mail user); {@link #available()} says why not when it cannot run.
 *
 * <pre>{@code
 * try (DovecotServer d = DovecotServer.start("dmarc@example.com", "pw")) {
 *     int port = d.port();   // STARTTLS, self-signed certificate for localhost and 127.0.0.1
 * }
 * }</pre>
 */
public final class DovecotServer implements AutoCloseable {
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

    private final Path dir;
    private final int port;
    private final Process process;

    private DovecotServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Empty when Dovecot can run here; otherwise why not (what to install). */
    public static java.util.Optional<String> available() {
        if (!Files.isExecutable(DOVECOT) || !Files.isExecutable(Path.of("/usr/lib/dovecot/imap"))) {
            return java.util.Optional.of("Dovecot is not installed: apt-get install dovecot-imapd openssl");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("the Dovecot tests run as root (Dovecot switches to the mail user nobody)");
        }
        return java.util.Optional.empty();
    }

    /** Starts Dovecot with one user; waits (at most 30 s) until it greets. */
    public static DovecotServer start(String user, String password) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("aligned-dovecot-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("run", "state", "home")) {
            Files.createDirectories(dir.resolve(d));
        }
        Process ssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2", "-keyout", dir.resolve("key.pem").toString(), "-out",
                dir.resolve("cert.pem").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!ssl.waitFor(60, TimeUnit.SECONDS) || ssl.exitValue() != 0) {
            throw new IOException("openssl could not make a certificate: " + Files.readString(dir.resolve("openssl.log")));
        }
        Files.writeString(dir.resolve("passwd"), user + ":{PLAIN}" + password + "\n");
        new ProcessBuilder("chown", "-R", "nobody:nogroup", dir.resolve("home").toString()).start().waitFor();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String d = dir.toString();
        Files.writeString(dir.resolve("dovecot.conf"), String.join("\n",
                "base_dir = " + d + "/run",
                "state_dir = " + d + "/state",
                "log_path = " + d + "/dovecot.log",
                "protocols = imap",
                "listen = 127.0.0.1",
                "ssl = yes",
                "ssl_cert = <" + d + "/cert.pem",
                "ssl_key = <" + d + "/key.pem",
                "auth_mechanisms = plain login",
                "passdb {", "  driver = passwd-file", "  args = scheme=PLAIN username_format=%u " + d + "/passwd", "}",
                "userdb {", "  driver = static", "  args = uid=65534 gid=65534 home=" + d + "/home/%u", "}",
                "mail_location = maildir:~/Maildir",
                "service imap-login {",
                "  inet_listener imap {", "    port = " + port, "  }",
                "  inet_listener imaps {", "    port = 0", "  }",
                "}",
                "service stats {",
                "  unix_listener stats-reader {", "    mode = 0666", "  }",
                "  unix_listener stats-writer {", "    mode = 0666", "  }",
                "}", ""));
        Process p = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", d + "/dovecot.conf").redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
        DovecotServer server = new DovecotServer(dir, port, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                byte[] greet = new byte[5];
                if (s.getInputStream().readNBytes(greet, 0, 4) == 4 && new String(greet, 0, 4).equals("* OK")) {
                    return server;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = server.log();
                server.close();
                throw new IOException("Dovecot did not start on port " + port + ":\n" + log);
            }
            Thread.sleep(100);
        }
    }

    /** The IMAP port (STARTTLS). */
    public int port() {
        return port;
    }

    /** Dovecot's log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("out.log")) + Files.readString(dir.resolve("dovecot.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
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
}
