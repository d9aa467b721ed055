package dev.aligned.cli;

import dev.aligned.dns.CachingResolver;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import dev.aligned.dns.dnsjava.DnsjavaResolver;
import dev.aligned.dns.dnsjava.MasterFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The DNS options every DNS-reading command shares, as a picocli mixin: {@code --dns FILE} (repeatable) answers
 * from fixture files instead of the network; {@code --dns-server HOST[:PORT]} and {@code --dns-timeout SECONDS}
 * configure the real resolver.
 *
 * <pre>{@code
 * @Command(name = "check", mixinStandardHelpOptions = true)
 * final class CheckCommand implements Callable<Integer> {
 *     @Mixin DnsOptions dns;
 *     public Integer call() {
 *         DnsResolver resolver = dns.resolver();
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class DnsOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--dns", paramLabel = "FILE",
            description = "Answer DNS queries from this fixture instead of the network: an RFC 1035 master "
                    + "file (.zone) or OpenSPF zonedata (.yml, .yaml, .json). Repeatable; files are merged.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
            description = "Ask this recursive resolver (repeatable; default: the system's resolvers).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--dns-timeout", paramLabel = "SECONDS",
            description = "Seconds to wait for one answer from one server (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    double timeoutSeconds = 5;

    private DnsResolver resolver;

    /** The fixture files given with {@code --dns}, in order. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** True when {@code --dns} was given, so answers come from fixtures, not the network. */
    public boolean usesFixtures() {
        return !files.isEmpty();
    }

    /**
     * The resolver the options describe: the fixture files merged into one {@link FixtureResolver}, or a
     * {@link DnsjavaResolver} on the given servers behind a {@link CachingResolver}. The same instance is returned
     * on every call.
     *
     * @throws ParameterException for contradictory or malformed options (exit code 2)
     * @throws FixtureException when a fixture file cannot be read or parsed; the message names the file and
     *         line (exit code 1)
     */
    public synchronized DnsResolver resolver() {
        if (resolver == null) {
            resolver = create();
        }
        return resolver;
    }

    private DnsResolver create() {
        if (!files.isEmpty()) {
            if (!servers.isEmpty()) {
                throw usage("--dns (fixture files) and --dns-server cannot be combined; choose one");
            }
            return fixture();
        }
        if (!(timeoutSeconds > 0) || timeoutSeconds > 300) {
            throw usage("--dns-timeout must be more than 0 and at most 300 seconds, not " + timeoutSeconds);
        }
        DnsjavaResolver.Builder b = DnsjavaResolver.builder()
                .timeout(Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000))));
        for (String s : servers) {
            try {
                b.server(s);
            } catch (IllegalArgumentException e) {
                throw usage("--dns-server: " + e.getMessage());
            }
        }
        return CachingResolver.builder(b.build()).build();
    }

    private FixtureResolver fixture() {
        FixtureResolver.Builder merged = FixtureResolver.builder().recording(false);
        for (Path f : files) {
            merged.addAll(load(f));
        }
        return merged.build();
    }

    /** Loads one fixture file by its extension. */
    static FixtureResolver load(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yml") || name.endsWith(".yaml") || name.endsWith(".json")) {
                return ZoneData.load(file);
            }
            return MasterFile.load(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FixtureException(file + ": no such file", e);
        } catch (IOException | IllegalArgumentException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new FixtureException(msg.contains(file.toString()) ? msg : file + ": " + msg, e);
        }
    }

    private ParameterException usage(String message) {
        CommandLine cl = mixee == null ? null : mixee.commandLine();
        return new ParameterException(cl, message);
    }

    /** A fixture file that cannot be read or parsed; the message names the file and, when known, the line. */
    public static final class FixtureException extends RuntimeException {
        FixtureException(String message) {
            super(message);
        }

        FixtureException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
