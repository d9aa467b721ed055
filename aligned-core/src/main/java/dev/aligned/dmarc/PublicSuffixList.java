package dev.aligned.dmarc;

import dev.aligned.dns.DomainName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org), used by the RFC 7489 discovery mode to find
 * organizational domains (RFC 7489 section 3.2). The list shipped with Aligned is loaded by
 * {@link #bundled()}; a newer copy of {@code public_suffix_list.dat} can be loaded with {@link #load(Path)}.
 *
 * <pre>{@code
 * PublicSuffixList psl = PublicSuffixList.bundled();
 * psl.publicSuffix(DomainName.of("mail.example.co.uk"));        // co.uk
 * psl.registrableDomain(DomainName.of("mail.example.co.uk"));   // Optional[example.co.uk]
 * psl.registrableDomain(DomainName.of("co.uk"));                // Optional.empty()
 * }</pre>
 *
 * <p>Rules follow the list's own algorithm: exception rules ({@code !}) win, then the longest matching rule
 * (wildcards {@code *} match one label), and the implicit rule {@code *} when nothing matches. Both the ICANN
 * and the private sections are used.
 */
public final class PublicSuffixList {
    private static final String RESOURCE = "public_suffix_list.dat";
    private static volatile PublicSuffixList bundled;

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;
    private final int ruleCount;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = Set.copyOf(rules);
        this.wildcards = Set.copyOf(wildcards);
        this.exceptions = Set.copyOf(exceptions);
        this.ruleCount = rules.size() + wildcards.size() + exceptions.size();
    }

    /** The list shipped in this jar (see the README next to it for its date and commit). */
    public static PublicSuffixList bundled() {
        PublicSuffixList b = bundled;
        if (b == null) {
            synchronized (PublicSuffixList.class) {
                b = bundled;
                if (b == null) {
                    try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("resource " + RESOURCE + " missing from the jar");
                        }
                        b = parse(new InputStreamReader(in, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read bundled " + RESOURCE, e);
                    }
                    bundled = b;
                }
            }
        }
        return b;
    }

    /** Loads a list in the {@code public_suffix_list.dat} format from {@code file}. */
    public static PublicSuffixList load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            PublicSuffixList psl = parse(r);
            if (psl.ruleCount == 0) {
                throw new IOException(file + " holds no public suffix rules; is it public_suffix_list.dat?");
            }
            return psl;
        }
    }

    /** Parses the list format: one rule per line, {@code //} comments, first whitespace ends a rule. */
    public static PublicSuffixList parse(Reader reader) throws IOException {
        Set<String> rules = new HashSet<>();
        Set<String> wild = new HashSet<>();
        Set<String> exc = new HashSet<>();
        BufferedReader br = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        String line;
        while ((line = br.readLine()) != null) {
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("//")) {
                continue;
            }
            int ws = indexOfWhitespace(s);
            if (ws >= 0) {
                s = s.substring(0, ws);
            }
            if (s.startsWith("!")) {
                ascii(s.substring(1)).ifPresent(exc::add);
            } else if (s.startsWith("*.")) {
                ascii(s.substring(2)).ifPresent(wild::add);
            } else {
                ascii(s).ifPresent(rules::add);
            }
        }
        return new PublicSuffixList(rules, wild, exc);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Optional<String> ascii(String rule) {
        try {
            return DomainName.parse(IDN.toASCII(rule, IDN.ALLOW_UNASSIGNED)).map(DomainName::name);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The number of rules loaded. */
    public int size() {
        return ruleCount;
    }

    /** The public suffix of {@code name} (at least its last label; the root for the root). */
    public DomainName publicSuffix(DomainName name) {
        Objects.requireNonNull(name, "name");
        List<String> labels = name.labels();
        int n = labels.size();
        for (int i = 0; i < n; i++) {
            String suffix = join(labels, i);
            if (exceptions.contains(suffix)) {
                return name.suffix(n - i - 1);
            }
            if (rules.contains(suffix) || (i + 1 < n && wildcards.contains(join(labels, i + 1)))) {
                return name.suffix(n - i);
            }
        }
        return name.suffix(1);
    }

    /**
     * The registrable domain of {@code name}: its public suffix plus one label (RFC 7489's organizational
     * domain). Empty when {@code name} is itself a public suffix.
     */
    public Optional<DomainName> registrableDomain(DomainName name) {
        DomainName ps = publicSuffix(name);
        if (ps.labelCount() >= name.labelCount()) {
            return Optional.empty();
        }
        return Optional.of(name.suffix(ps.labelCount() + 1));
    }

    private static String join(List<String> labels, int from) {
        return String.join(".", labels.subList(from, labels.size()));
    }
}
