package dev.aligned.store.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code postgres} on 127.0.0.1 at
 * a free high port, trust authentication for the user {@code aligned}, no fsync (test data is disposable).
 * When the JVM runs as root the server runs as the {@code postgres} user via {@code runuser} (PostgreSQL refuses
 * to run as root). Binaries are looked up under {@code /usr/lib/postgresql/<version>/bin} (Debian's
 * {@code postgresql} package) or {@code $PG_BIN}.
 *
 * <pre>{@code
 * Optional<Path> bin = PostgresServer.findBinaries();
 * try (PostgresServer pg = PostgresServer.start(bin.orElseThrow())) {
 *     String url = pg.createDatabase();   // jdbc:postgresql://127.0.0.1:PORT/test_1?user=aligned
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;
    private final Process process;
    private final Path log;

    private PostgresServer(Path bin, Path dataDir, int port, boolean asPostgresUser, Process process, Path log) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.process = process;
        this.log = log;
    }

    /** The {@code bin} directory of the newest installed PostgreSQL, if any. */
    public static Optional<Path> findBinaries() {
        String env = System.getenv("PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
            return Optional.of(Path.of(env));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs initdb and starts the server without fsync; waits until it accepts connections (at most 60 s). */
    public static PostgresServer start(Path bin) throws IOException, InterruptedException {
        return start(bin, List.of("-F", "-c", "shared_buffers=32MB"));
    }

    /**
     * As {@link #start(Path)}, with PostgreSQL's default durability (fsync on) and {@code settings} given to
     * {@code postgres} as {@code -c NAME=VALUE} pairs: for benchmarks, where skipping fsync would flatter the
     * database.
     */
    public static PostgresServer startDurable(Path bin, List<String> settings) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (String s : settings) {
            args.add("-c");
            args.add(s);
        }
        return start(bin, args);
    }

    private static PostgresServer start(Path bin, List<String> extra) throws IOException, InterruptedException {
        boolean root = isRoot();
        Path dir = Files.createTempDirectory("aligned-pg-");
        Path data = dir.resolve("data");
        Path log = dir.resolve("postgres.log");
        if (root) {
            UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, pg);
        }
        run(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "aligned", "-A", "trust",
                "-E", "UTF8", "--no-locale", "--no-sync"), Duration.ofSeconds(120), log);
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-k", dir.toString(), "-c", "max_connections=50"));
        args.addAll(extra);
        List<String> cmd = command(root, args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PostgresServer server = new PostgresServer(bin, dir, port, root, p, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String why;
            try (Connection c = DriverManager.getConnection(server.url("postgres"))) {
                if (c.isValid(5)) {
                    return server;
                }
                why = "connection not valid";
            } catch (SQLException e) {
                why = e.getMessage();
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IOException("PostgreSQL did not start on port " + port + ": " + why + "\n" + tail(log));
            }
            Thread.sleep(100);
        }
    }

    private static List<String> command(boolean root, List<String> cmd) {
        List<String> out = new ArrayList<>();
        if (root) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(cmd);
        return out;
    }

    private static void run(boolean root, List<String> cmd, Duration timeout, Path log)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(root, cmd)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in " + timeout + "\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue() + "\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static PostgresServer shared;

    /**
     * One server for the whole test JVM, started on first use and stopped at JVM exit. When PostgreSQL is not
     * installed the calling test is skipped with a JUnit assumption naming the package to install, unless the
     * environment variable {@code CI} is set: then it fails, so CI never silently skips the PostgreSQL suite.
     */
    public static synchronized PostgresServer shared() {
        if (shared != null) {
            return shared;
        }
        Optional<Path> bin = findBinaries();
        if (bin.isEmpty()) {
            String why = "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or $PG_BIN): "
                    + "apt-get install postgresql to run the PostgreSQL store tests";
            if (System.getenv("CI") != null) {
                throw new AssertionError(why + " (CI is set, so this is a failure, not a skip)");
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(false, why);
        }
        try {
            shared = start(bin.get());
        } catch (IOException e) {
            throw new AssertionError("cannot start PostgreSQL from " + bin.get() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting PostgreSQL", e);
        }
        PostgresServer s = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "stop-test-postgres"));
        return s;
    }

    /**
     * CPU time (user + system) the server's live processes have used so far: the postmaster and every descendant
     * (backends, WAL writer, checkpointer), from {@code /proc/PID/stat}; 0 where there is no {@code /proc}. Processes
     * that exited meanwhile (a closed connection's backend, an autovacuum worker) are not counted, so a benchmark
     * reads it while its connections are open.
     */
    public long cpuNanos() {
        long ticks = 0;
        List<ProcessHandle> all = new java.util.ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
                // fields after the command (which may hold spaces) in parentheses: utime is field 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // exited between listing and reading, or no /proc: not counted
            }
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** The port the server listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** The JDBC URL of database {@code name} for the user {@code aligned}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=aligned";
    }

    /** Creates a new, empty database and returns its JDBC URL. */
    public String createDatabase() throws SQLException {
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    /** Stops the server (fast shutdown) and deletes its directory. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    run(asPostgresUser, List.of(bin.resolve("pg_ctl").toString(), "stop", "-D",
                            dataDir.resolve("data").toString(), "-m", "fast", "-w"), Duration.ofSeconds(60), log);
                } catch (IOException e) {
                    process.destroyForcibly();
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path dir) {
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
            // best effort: a leftover temp directory is harmless
        }
    }
}
