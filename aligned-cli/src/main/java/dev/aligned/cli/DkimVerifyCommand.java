package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dkim.DkimPolicy;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dkim.DkimVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aligned dkim verify FILE...}: checks every DKIM signature of each message. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify the DKIM signatures of messages (files, '-' for standard input, or Maildir directories).")
final class DkimVerifyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Message files, '-' for standard input, or a Maildir.")
    List<String> files;

    @Option(names = "--at", paramLabel = "EPOCH_SECONDS",
            description = "Check t= and x= as if it were this time (seconds since 1970, UTC).")
    Long at;

    @Option(names = "--accept-rsa-sha1", description = "Accept rsa-sha1 signatures (RFC 8301 forbids; for old mail).")
    boolean acceptSha1;

    @Option(names = "--json", description = "Print JSON: {\"signatures\":[{\"d\",\"s\",\"a\",\"result\",\"reason\"}]};"
            + " one line per message with \"source\" when several are given.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> sources = new ArrayList<>();
        boolean several = files.size() > 1;
        for (String f : files) {
            if (f.equals("-")) {
                sources.add(null);
                continue;
            }
            Path p = Path.of(f);
            if (Files.isDirectory(p)) {
                several = true;
                try {
                    sources.addAll(maildir(p));
                } catch (IOException e) {
                    err.println("aligned: cannot list " + p + ": " + e.getMessage());
                    return 1;
                }
            } else if (!Files.isRegularFile(p)) {
                err.println("aligned: " + f + ": no such file");
                return 1;
            } else {
                sources.add(p);
            }
        }
        Clock clock = at == null ? Clock.systemUTC() : Clock.fixed(Instant.ofEpochSecond(at), ZoneOffset.UTC);
        DkimVerifier verifier = DkimVerifier.builder(dns.resolver()).clock(clock)
                .policy(DkimPolicy.DEFAULT.withAcceptRsaSha1(acceptSha1)).build();
        int exit = 0;
        for (Path p : sources) {
            String name = p == null ? "-" : p.toString();
            List<DkimResult> results;
            try (InputStream in = p == null ? System.in : Files.newInputStream(p)) {
                results = verifier.verify(in);
            } catch (IOException e) {
                exit = 1;
                if (json) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("source", name);
                    o.put("error", "cannot read: " + e.getMessage());
                    out.println(o);
                } else {
                    err.println("aligned: cannot read " + name + ": " + e.getMessage());
                }
                continue;
            }
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                if (several) {
                    o.put("source", name);
                }
                ArrayNode a = o.putArray("signatures");
                for (DkimResult r : results) {
                    ObjectNode s = a.addObject();
                    s.put("d", r.signature().domain());
                    s.put("s", r.signature().selector());
                    s.put("a", r.signature().algorithm());
                    s.put("result", r.keyword());
                    s.put("reason", r.reason());
                }
                out.println(o);
            } else {
                human(out, name, several, results);
            }
        }
        out.flush();
        return exit;
    }

    private static List<Path> maildir(Path dir) throws IOException {
        List<Path> roots = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            if (Files.isDirectory(dir.resolve(sub))) {
                roots.add(dir.resolve(sub));
            }
        }
        if (roots.isEmpty()) {
            roots.add(dir);
        }
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            try (Stream<Path> s = Files.list(r)) {
                s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                        .sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static void human(PrintWriter out, String name, boolean several, List<DkimResult> results) {
        if (several) {
            out.println(name);
        }
        String indent = several ? "  " : "";
        if (results.isEmpty()) {
            out.println(indent + "no DKIM signatures: the message is unsigned");
            return;
        }
        int width = 0;
        for (DkimResult r : results) {
            width = Math.max(width, label(r).length());
        }
        String hint = null;
        for (DkimResult r : results) {
            out.printf("%s%-9s  %-" + width + "s  %s%n", indent, r.keyword(), label(r), r.reason());
            if (hint == null) {
                hint = hint(r);
            }
        }
        if (hint != null) {
            out.println(indent + "next: " + hint);
        }
    }

    private static String label(DkimResult r) {
        return "d=" + r.signature().domain() + " s=" + r.signature().selector() + " a=" + r.signature().algorithm();
    }

    private static String hint(DkimResult r) {
        return switch (r) {
            case DkimResult.Pass p -> null;
            case DkimResult.Fail f -> f.reason().startsWith("body hash")
                    ? "the body changed in transit (a list footer or a rewriting gateway?); check with the sender"
                    : "the message or its headers changed after signing, or the published key is not the signing key";
            case DkimResult.Neutral n -> "the domain's key is in testing mode (t=y); results are advisory";
            case DkimResult.TempError t -> "retry later, or point --dns-server at a working resolver";
            case DkimResult.PermError e -> e.reason().startsWith("no key record")
                    ? "publish the key record (aligned dkim keygen prints it), or test it first with --dns FILE"
                    : "fix the signature or key record named above";
            case DkimResult.Policy p -> "re-sign with rsa-sha256 and a key of at least 1024 bits (2048 recommended),"
                    + " or ed25519-sha256";
        };
    }
}
