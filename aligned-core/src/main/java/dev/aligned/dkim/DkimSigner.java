package dev.aligned.dkim;

import dev.aligned.mail.HeaderField;
import dev.aligned.mail.HeaderSection;
import dev.aligned.mail.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs messages with rsa-sha256 or ed25519-sha256 (relaxed/relaxed by default), signing a sensible default
 * list of header fields and over-signing From, Subject, To and Date so that none can be added later. Several
 * signers may sign one message (RFC 8463 suggests Ed25519 and RSA side by side); each adds its own field.
 *
 * <pre>{@code
 * DkimSigner signer = DkimSigner.builder("example.com", "sel1", DkimKeys.readPrivateKey(pem)).build();
 * switch (signer.sign(RawMessage.parse(bytes))) {
 *     case DkimSigner.Signed s -> out.write(s.prependTo(bytes));
 *     case DkimSigner.Refused r -> System.err.println(r.reason());   // e.g. "the message has no From field"
 * }
 * }</pre>
 */
public final class DkimSigner {
    /** Header fields signed when present (RFC 6376 section 5.4.1 suggestions). */
    public static final List<String> DEFAULT_HEADERS = List.of("from", "reply-to", "subject", "date", "to", "cc",
            "resent-date", "resent-from", "resent-to", "resent-cc", "in-reply-to", "references", "list-id",
            "list-help", "list-unsubscribe", "list-unsubscribe-post", "list-subscribe", "list-post", "list-owner",
            "list-archive", "message-id", "mime-version", "content-type", "content-transfer-encoding",
            "content-id", "content-description");
    /** Header fields signed once more than they occur, so that another one cannot be added. */
    public static final List<String> DEFAULT_OVERSIGNED = List.of("from", "subject", "to", "date");

    private static final int LINE = 76;

    private final String domain;
    private final String selector;
    private final PrivateKey key;
    private final DkimAlgorithm algorithm;
    private final Canonicalization headerCanon;
    private final Canonicalization bodyCanon;
    private final List<String> headers;
    private final List<String> oversigned;
    private final Clock clock;
    private final boolean timestamp;
    private final Duration expiry;
    private final String identity;

    private DkimSigner(Builder b) {
        this.domain = b.domain;
        this.selector = b.selector;
        this.key = b.key;
        this.algorithm = b.algorithm;
        this.headerCanon = b.headerCanon;
        this.bodyCanon = b.bodyCanon;
        this.headers = List.copyOf(b.headers);
        this.oversigned = List.copyOf(b.oversigned);
        this.clock = b.clock;
        this.timestamp = b.timestamp;
        this.expiry = b.expiry;
        this.identity = b.identity;
    }

    /**
     * A builder for signing as {@code domain} with {@code selector}; the algorithm follows from the key
     * (RSA: rsa-sha256, Ed25519: ed25519-sha256).
     *
     * @throws IllegalArgumentException when the domain or selector is not a valid name, or the key is neither
     *         RSA nor Ed25519
     */
    public static Builder builder(String domain, String selector, PrivateKey key) {
        return new Builder(domain, selector, key);
    }

    /** The outcome of signing. */
    public sealed interface Outcome permits Signed, Refused {
    }

    /**
     * The DKIM-Signature field, folded with the message's own line break, without a final line break.
     */
    public record Signed(String field, String lineBreak) implements Outcome {
        public Signed {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(lineBreak, "lineBreak");
        }

        /** The original message bytes with this field put on top (after an mbox {@code From } line, if any). */
        public byte[] prependTo(byte[] message) {
            byte[] f = (field + lineBreak).getBytes(StandardCharsets.ISO_8859_1);
            int at = 0;
            if (message.length >= 5 && message[0] == 'F' && message[1] == 'r' && message[2] == 'o'
                    && message[3] == 'm' && message[4] == ' ') {
                while (at < message.length && message[at] != '\n') {
                    at++;
                }
                at = Math.min(at + 1, message.length);
            }
            byte[] out = new byte[message.length + f.length];
            System.arraycopy(message, 0, out, 0, at);
            System.arraycopy(f, 0, out, at, f.length);
            System.arraycopy(message, at, out, at + f.length, message.length - at);
            return out;
        }
    }

    /** The message cannot be signed, and why. */
    public record Refused(String reason) implements Outcome {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Signs a message held in memory. */
    public Outcome sign(RawMessage message) {
        try {
            return sign(message.header(), message.bodyStream());
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /** Signs a message whose body is streamed. */
    public Outcome sign(HeaderSection header, InputStream body) throws IOException {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        if (header.all("From").isEmpty()) {
            return new Refused("the message has no From field; DKIM signatures must cover From (RFC 6376 section 5.4)");
        }
        if (header.limitExceeded()) {
            return new Refused("the header section exceeds the reader's limit; raise MessageLimits to sign it");
        }
        BodyHasher hasher = new BodyHasher(bodyCanon, algorithm.digest(), Long.MAX_VALUE);
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = body.read(buf)) > 0) {
            hasher.update(buf, 0, n);
        }
        byte[] bh = hasher.finish();

        List<String> h = new ArrayList<>();
        for (String name : headers) {
            long count = header.fields().stream().filter(f -> f.is(name)).count();
            long times = count + (oversigned.contains(name) ? 1 : 0);
            for (long i = 0; i < times; i++) {
                h.add(name);
            }
        }
        for (String name : oversigned) {
            if (!headers.contains(name)) {
                long count = header.fields().stream().filter(f -> f.is(name)).count();
                for (long i = 0; i <= count; i++) {
                    h.add(name);
                }
            }
        }

        List<String> atoms = new ArrayList<>();
        atoms.add("v=1;");
        atoms.add("a=" + algorithm.tag() + ";");
        atoms.add("c=" + headerCanon.tag() + "/" + bodyCanon.tag() + ";");
        atoms.add("d=" + domain + ";");
        atoms.add("s=" + selector + ";");
        if (identity != null) {
            atoms.add("i=" + identity + ";");
        }
        long now = clock.instant().getEpochSecond();
        if (timestamp) {
            atoms.add("t=" + now + ";");
        }
        if (expiry != null) {
            atoms.add("x=" + (now + Math.max(1, expiry.toSeconds())) + ";");
        }
        for (int i = 0; i < h.size(); i++) {
            atoms.add((i == 0 ? "h=" : "") + h.get(i) + (i == h.size() - 1 ? ";" : ":"));
        }
        atoms.add("bh=" + Base64.getEncoder().encodeToString(bh) + ";");
        atoms.add("b=");
        String lb = header.lineBreak();
        Folder folder = new Folder(lb, "DKIM-Signature:");
        for (String a : atoms) {
            folder.add(a, true);
        }
        String unsigned = folder.text();

        ByteSink data = new ByteSink(1024);
        List<HeaderField> fields = header.fields();
        boolean[] used = new boolean[fields.size()];
        for (String name : h) {
            for (int j = fields.size() - 1; j >= 0; j--) {
                if (!used[j] && fields.get(j).is(name)) {
                    used[j] = true;
                    HeaderCanonicalizer.write(data, headerCanon, fields.get(j));
                    break;
                }
            }
        }
        HeaderCanonicalizer.write(data, headerCanon,
                HeaderField.crlf(unsigned.getBytes(StandardCharsets.ISO_8859_1)), false);
        byte[] sig;
        try {
            sig = DkimCrypto.sign(algorithm, key, data.toByteArray());
        } catch (GeneralSecurityException e) {
            return new Refused("signing failed: " + e.getMessage());
        }
        String b64 = Base64.getEncoder().encodeToString(sig);
        boolean first = true;
        for (int i = 0; i < b64.length(); ) {
            int room = Math.max(8, LINE - folder.column() - (first ? 0 : 1));
            int end = Math.min(b64.length(), i + room);
            folder.add(b64.substring(i, end), !first);
            first = false;
            i = end;
        }
        return new Signed(folder.text(), lb);
    }

    /** Lays out atoms on lines of at most {@value #LINE} characters, folding with line break + space. */
    private static final class Folder {
        private final String lineBreak;
        private final StringBuilder sb = new StringBuilder();
        private int column;

        Folder(String lineBreak, String start) {
            this.lineBreak = lineBreak;
            sb.append(start);
            column = start.length();
        }

        void add(String atom, boolean space) {
            int need = atom.length() + (space ? 1 : 0);
            if (column + need > LINE && column > 1) {
                sb.append(lineBreak).append(' ');
                column = 1;
            } else if (space) {
                sb.append(' ');
                column++;
            }
            sb.append(atom);
            column += atom.length();
        }

        int column() {
            return column;
        }

        String text() {
            return sb.toString();
        }
    }

    /** Builds a {@link DkimSigner}. */
    public static final class Builder {
        private final String domain;
        private final String selector;
        private final PrivateKey key;
        private DkimAlgorithm algorithm;
        private Canonicalization headerCanon = Canonicalization.RELAXED;
        private Canonicalization bodyCanon = Canonicalization.RELAXED;
        private List<String> headers = DEFAULT_HEADERS;
        private List<String> oversigned = DEFAULT_OVERSIGNED;
        private Clock clock = Clock.systemUTC();
        private boolean timestamp = true;
        private Duration expiry;
        private String identity;

        private Builder(String domain, String selector, PrivateKey key) {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            this.key = Objects.requireNonNull(key, "key");
            String dp = DkimNames.problem(domain);
            if (dp != null || !domain.contains(".")) {
                throw new IllegalArgumentException("invalid signing domain '" + domain + "': "
                        + (dp != null ? dp : "needs at least two labels"));
            }
            String sp = DkimNames.problem(selector);
            if (sp != null) {
                throw new IllegalArgumentException("invalid selector '" + selector + "': " + sp);
            }
            this.domain = domain.toLowerCase(Locale.ROOT);
            this.selector = selector;
            this.algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> DkimAlgorithm.RSA_SHA256;
                case "Ed25519", "EdDSA" -> DkimAlgorithm.ED25519_SHA256;
                default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm()
                        + " (expected RSA or Ed25519)");
            };
        }

        /** The algorithm; must suit the key. rsa-sha1 is refused (RFC 8301). */
        public Builder algorithm(DkimAlgorithm algorithm) {
            Objects.requireNonNull(algorithm, "algorithm");
            if (algorithm == DkimAlgorithm.RSA_SHA1) {
                throw new IllegalArgumentException("rsa-sha1 must not be used to sign (RFC 8301)");
            }
            boolean rsaKey = key.getAlgorithm().equals("RSA");
            if (rsaKey != algorithm.keyType().equals("rsa")) {
                throw new IllegalArgumentException("algorithm " + algorithm + " does not suit a "
                        + key.getAlgorithm() + " key");
            }
            this.algorithm = algorithm;
            return this;
        }

        /** Header and body canonicalisation (default relaxed/relaxed). */
        public Builder canonicalization(Canonicalization header, Canonicalization body) {
            this.headerCanon = Objects.requireNonNull(header, "header");
            this.bodyCanon = Objects.requireNonNull(body, "body");
            return this;
        }

        /** The header fields to sign when present (lower case is fine; {@code from} is always added). */
        public Builder headers(List<String> names) {
            List<String> l = new ArrayList<>();
            for (String n : names) {
                l.add(n.toLowerCase(Locale.ROOT));
            }
            if (!l.contains("from")) {
                l.add(0, "from");
            }
            this.headers = l;
            return this;
        }

        /** The header fields signed once more than they occur (default From, Subject, To, Date). */
        public Builder oversigned(List<String> names) {
            this.oversigned = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
            return this;
        }

        /** The clock for t= and x=. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether to write t= (default true). */
        public Builder timestamp(boolean timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        /** Writes x= this long after signing (default: no x=). */
        public Builder expiry(Duration expiry) {
            if (expiry != null && (expiry.isNegative() || expiry.isZero())) {
                throw new IllegalArgumentException("expiry must be positive, got " + expiry);
            }
            this.expiry = expiry;
            return this;
        }

        /** The agent or user identifier i= (its domain must be the signing domain or below it). */
        public Builder identity(String identity) {
            if (identity != null) {
                int at = identity.lastIndexOf('@');
                if (at < 0 || !DkimNames.isSameOrSubdomain(identity.substring(at + 1), domain)) {
                    throw new IllegalArgumentException("identity '" + identity + "' must end in @" + domain
                            + " or @ a subdomain of it");
                }
            }
            this.identity = identity;
            return this;
        }

        /** The signer. */
        public DkimSigner build() {
            return new DkimSigner(this);
        }
    }

    /** The algorithm this signer uses. */
    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The signing domain. */
    public String domain() {
        return domain;
    }

    /** The selector. */
    public String selector() {
        return selector;
    }

    Optional<Duration> expiry() {
        return Optional.ofNullable(expiry);
    }
}
