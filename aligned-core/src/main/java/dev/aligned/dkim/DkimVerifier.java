package dev.aligned.dkim;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.mail.HeaderField;
import dev.aligned.mail.HeaderSection;
import dev.aligned.mail.MessageLimits;
import dev.aligned.mail.RawMessage;
import dev.aligned.mail.StreamedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies every DKIM signature of a message (RFC 6376 section 6, RFC 8301, RFC 8463), one {@link DkimResult}
 * per DKIM-Signature field, top first. The body is read once, as a stream, whatever the number of signatures.
 * Never throws for malformed messages, signatures or key records; only I/O errors of the caller's stream
 * propagate.
 *
 * <pre>{@code
 * DkimVerifier verifier = DkimVerifier.builder(dns).clock(Clock.systemUTC()).build();
 * for (DkimResult r : verifier.verify(RawMessage.parse(bytes))) {
 *     System.out.println(r.signature().domain() + " " + r.keyword() + " (" + r.reason() + ")");
 * }
 * }</pre>
 */
public final class DkimVerifier {
    private static final int BUFFER = 16 * 1024;
    private static final int KEY_CACHE_SIZE = 256;

    private final DnsResolver dns;
    private final Clock clock;
    private final DkimPolicy policy;
    private final MessageLimits limits;
    /** Key records by their TXT text: parsed and decoded once (DNS still answers, with its own TTLs). */
    private final java.util.concurrent.ConcurrentHashMap<String, KeyEntry> keyCache =
            new java.util.concurrent.ConcurrentHashMap<>();

    private DkimVerifier(Builder b) {
        this.dns = b.dns;
        this.clock = b.clock;
        this.policy = b.policy;
        this.limits = b.limits;
    }

    /** A builder with the given resolver, the system UTC clock and {@link DkimPolicy#DEFAULT}. */
    public static Builder builder(DnsResolver dns) {
        return new Builder(dns);
    }

    /** Verifies a message held in memory. */
    public List<DkimResult> verify(RawMessage message) {
        Objects.requireNonNull(message, "message");
        try {
            return verify(message.header(), message::writeBodyTo); // the body is hashed where it lies
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /** Reads a whole message from {@code in} (header kept within the limits, body streamed) and verifies it. */
    public List<DkimResult> verify(InputStream in) throws IOException {
        StreamedMessage m = HeaderSection.read(in, limits);
        return verify(m.header(), m.body());
    }

    /** Verifies a message whose header section is read and whose body is still to be streamed. */
    public List<DkimResult> verify(HeaderSection header, InputStream body) throws IOException {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        return verify(header, sink -> {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = body.read(buf)) > 0) {
                sink.write(buf, 0, n);
            }
        });
    }

    /** Where the body comes from: something that writes it, in pieces, to the hashers' sink. */
    private interface BodySource {
        void writeTo(OutputStream sink) throws IOException;
    }

    /** Passes each piece of the body to every hasher. */
    private static final class HasherSink extends OutputStream {
        private final BodyHasher[] hashers;

        HasherSink(java.util.Collection<BodyHasher> hashers) {
            this.hashers = hashers.toArray(new BodyHasher[0]);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            for (BodyHasher h : hashers) {
                h.update(b, off, len);
            }
        }
    }

    private List<DkimResult> verify(HeaderSection header, BodySource body) throws IOException {
        List<HeaderField> sigFields = header.all("DKIM-Signature");
        List<Check> checks = new ArrayList<>();
        Map<DomainName, DnsAnswer> answers = new HashMap<>();
        Instant now = clock.instant();
        for (int i = 0; i < sigFields.size(); i++) {
            HeaderField f = sigFields.get(i);
            Check c = new Check(f);
            checks.add(c);
            if (i >= policy.maxSignatures()) {
                DkimSignature.Parse p = DkimSignature.parse(f.value(), i);
                c.result = new DkimResult.Policy(p.id(), "not checked: more than " + policy.maxSignatures()
                        + " signatures on one message");
                continue;
            }
            prepare(c, i, header, now, answers);
        }
        Map<BodyKey, BodyHasher> hashers = new LinkedHashMap<>();
        for (Check c : checks) {
            if (c.result == null) {
                DkimSignature s = c.sig;
                BodyKey k = new BodyKey(s.bodyCanonicalization(), s.algorithm().digest(),
                        s.length().orElse(Long.MAX_VALUE));
                c.bodyKey = k;
                hashers.computeIfAbsent(k, key -> new BodyHasher(key.canon(), key.digest(), key.limit()));
            }
        }
        Map<BodyKey, byte[]> bodyHashes = new HashMap<>();
        if (!hashers.isEmpty()) {
            body.writeTo(new HasherSink(hashers.values()));
            hashers.forEach((k, h) -> bodyHashes.put(k, h.finish()));
        }
        List<DkimResult> results = new ArrayList<>(checks.size());
        for (Check c : checks) {
            if (c.result == null) {
                c.result = finish(c, header, bodyHashes.get(c.bodyKey), hashers.get(c.bodyKey).canonicalLength());
            }
            results.add(c.result);
        }
        return List.copyOf(results);
    }

    private void prepare(Check c, int index, HeaderSection header, Instant now, Map<DomainName, DnsAnswer> answers) {
        DkimSignature.Parse parsed = DkimSignature.parse(c.field.value(), index);
        c.id = parsed.id();
        DkimSignature sig;
        switch (parsed) {
            case DkimSignature.Invalid inv -> {
                c.result = new DkimResult.PermError(inv.id(), inv.reason());
                return;
            }
            case DkimSignature.Valid v -> sig = v.signature();
        }
        c.sig = sig;
        SignatureId id = parsed.id();
        if (header.limitExceeded()) {
            c.result = new DkimResult.PermError(id, "the header section exceeds the reader's limit, so signed"
                    + " fields may be missing; raise MessageLimits to check this message");
            return;
        }
        if (sig.algorithm() == DkimAlgorithm.RSA_SHA1 && !policy.acceptRsaSha1()) {
            c.result = new DkimResult.Policy(id, "rsa-sha1 is not accepted (RFC 8301); the signer should use"
                    + " rsa-sha256");
            return;
        }
        if (sig.expiration().isPresent() && now.isAfter(sig.expiration().get().plus(policy.clockSkew()))) {
            c.result = new DkimResult.Fail(id, "signature expired (x=" + sig.expiration().get() + ")");
            return;
        }
        if (sig.timestamp().isPresent() && sig.timestamp().get().isAfter(now.plus(policy.clockSkew()))) {
            c.result = new DkimResult.Fail(id, "signature timestamp t=" + sig.timestamp().get()
                    + " is in the future");
            return;
        }
        Optional<DomainName> name = DomainName.parse(sig.selector() + "._domainkey." + sig.domain());
        if (name.isEmpty()) {
            c.result = new DkimResult.PermError(id, "cannot form the key name from s=" + sig.selector()
                    + " and d=" + sig.domain());
            return;
        }
        DomainName keyName = name.get();
        DnsAnswer answer = answers.computeIfAbsent(keyName, n -> dns.lookup(n, DnsType.TXT));
        DkimKeyRecord key;
        KeyEntry entry;
        switch (answer) {
            case DnsAnswer.NxDomain nx -> {
                c.result = new DkimResult.PermError(id, "no key record: " + keyName + " does not exist (NXDOMAIN)");
                return;
            }
            case DnsAnswer.NoData nd -> {
                c.result = new DkimResult.PermError(id, "no key record: no TXT record at " + keyName);
                return;
            }
            case DnsAnswer.TempFailure tf -> {
                c.result = new DkimResult.TempError(id, "key lookup of " + keyName + " failed: " + tf.reason());
                return;
            }
            case DnsAnswer.Records r -> {
                List<DnsRecord.Txt> txts = r.of(DnsRecord.Txt.class);
                KeyEntry found = null;
                String firstProblem = null;
                for (DnsRecord.Txt t : txts) {
                    KeyEntry e = keyEntry(t.text());
                    switch (e.parse()) {
                        case DkimKeyRecord.Valid v -> {
                            if (found == null) {
                                found = e;
                            }
                        }
                        case DkimKeyRecord.Invalid inv -> {
                            if (firstProblem == null) {
                                firstProblem = inv.reason();
                            }
                        }
                    }
                }
                if (found == null) {
                    c.result = new DkimResult.PermError(id, firstProblem == null
                            ? "no key record: no TXT record at " + keyName
                            : firstProblem + " (at " + keyName + ")");
                    return;
                }
                entry = found;
                key = ((DkimKeyRecord.Valid) found.parse()).record();
            }
        }
        c.testing = key.testing();
        if (key.revoked()) {
            c.result = new DkimResult.PermError(id, "key revoked (empty p= at " + keyName + ")");
            return;
        }
        if (!key.forEmail()) {
            c.result = new DkimResult.PermError(id, "key at " + keyName + " is not for e-mail (s="
                    + String.join(":", key.serviceTypes()) + ")");
            return;
        }
        if (!key.keyType().equals("rsa") && !key.keyType().equals("ed25519")) {
            c.result = new DkimResult.PermError(id, "unknown key type k=" + key.keyType() + " at " + keyName);
            return;
        }
        if (!key.keyType().equals(sig.algorithm().keyType())) {
            c.result = new DkimResult.PermError(id, "key type k=" + key.keyType() + " at " + keyName
                    + " does not match a=" + sig.algorithm().tag());
            return;
        }
        if (!key.hashAlgorithms().isEmpty() && !key.hashAlgorithms().contains(sig.algorithm().hashTag())) {
            c.result = new DkimResult.PermError(id, "key record h=" + String.join(":", key.hashAlgorithms())
                    + " does not allow " + sig.algorithm().hashTag());
            return;
        }
        if (key.strict() && sig.identity().isPresent()) {
            String iDomain = sig.identity().get().substring(sig.identity().get().lastIndexOf('@') + 1);
            if (!iDomain.equalsIgnoreCase(sig.domain())) {
                c.result = new DkimResult.PermError(id, "key has t=s, so i= domain " + iDomain
                        + " must equal d=" + sig.domain());
                return;
            }
        }
        c.key = entry.key();
        if (c.key == null) {
            c.result = new DkimResult.PermError(id, "key record at " + keyName + ": p= is not a valid "
                    + key.keyType() + " public key");
            return;
        }
        c.bits = c.key.bits();
        if (key.keyType().equals("rsa") && c.bits < policy.minRsaBits()) {
            c.result = new DkimResult.Policy(id, "key too short (" + c.bits + " bits; at least "
                    + policy.minRsaBits() + " required, RFC 8301)");
        }
    }

    /**
     * The key record of this TXT text, parsed and (for an rsa or ed25519 key) decoded, remembered for the
     * last {@value #KEY_CACHE_SIZE} texts. Only the decoding is cached: the text still comes from DNS on every
     * verification, so a changed or removed record takes effect as soon as the resolver says so.
     */
    private KeyEntry keyEntry(String text) {
        KeyEntry e = keyCache.get(text);
        if (e == null) {
            DkimKeyRecord.Parse parse = DkimKeyRecord.parse(text);
            DkimCrypto.VerifyKey decoded = null;
            if (parse instanceof DkimKeyRecord.Valid v && !v.record().revoked()
                    && (v.record().keyType().equals("rsa") || v.record().keyType().equals("ed25519"))) {
                try {
                    decoded = DkimCrypto.decode(v.record().keyType(), v.record().publicKey());
                } catch (GeneralSecurityException | RuntimeException ex) {
                    decoded = null; // reported as "not a valid public key" where the key is needed
                }
            }
            e = new KeyEntry(parse, decoded);
            if (keyCache.size() >= KEY_CACHE_SIZE) {
                keyCache.clear();
            }
            keyCache.put(text, e);
        }
        return e;
    }

    /** A key record text's parse and, when it holds a usable key, that key decoded (else null). */
    private record KeyEntry(DkimKeyRecord.Parse parse, DkimCrypto.VerifyKey key) {
    }

    private DkimResult finish(Check c, HeaderSection header, byte[] bodyHash, long canonicalLength) {
        DkimSignature sig = c.sig;
        if (sig.length().isPresent() && sig.length().getAsLong() > canonicalLength) {
            return failed(c, "l=" + sig.length().getAsLong() + " is larger than the body (" + canonicalLength
                    + " canonical octets); the body was truncated");
        }
        if (!MessageDigest.isEqual(bodyHash, sig.bodyHash())) {
            return failed(c, "body hash mismatch (the body was changed after signing)");
        }
        ByteSink data = headerData(header, c.field, sig);
        if (!DkimCrypto.verify(sig.algorithm(), c.key, data.array(), data.size(), sig.signature())) {
            return failed(c, "signature did not verify (a signed header field was changed, or the key is not"
                    + " the one that signed)");
        }
        String reason = "signature verified";
        if (sig.length().isPresent() && sig.length().getAsLong() < canonicalLength) {
            reason += " (l= covers only " + sig.length().getAsLong() + " of " + canonicalLength + " body octets)";
        }
        return new DkimResult.Pass(c.id, reason, c.bits, c.testing);
    }

    private DkimResult failed(Check c, String reason) {
        return c.testing ? new DkimResult.Neutral(c.id, reason + "; key is in testing mode (t=y)")
                : new DkimResult.Fail(c.id, reason);
    }

    /** The canonical header data signed: the h= fields, then this signature with b= emptied, no final CRLF. */
    static ByteSink headerData(HeaderSection header, HeaderField sigField, DkimSignature sig) {
        ByteSink out = new ByteSink(1024);
        List<HeaderField> fields = header.fields();
        boolean[] used = new boolean[fields.size()];
        Canonicalization hc = sig.headerCanonicalization();
        for (String name : sig.signedHeaders()) {
            for (int j = fields.size() - 1; j >= 0; j--) {
                if (!used[j] && fields.get(j).is(name)) {
                    used[j] = true;
                    HeaderCanonicalizer.write(out, hc, fields.get(j));
                    break;
                }
            }
        }
        HeaderCanonicalizer.write(out, hc, withoutSignature(sigField, sig), false);
        return out;
    }

    /** The signature field's CRLF bytes with the b= value (and the whitespace before it) removed. */
    static byte[] withoutSignature(HeaderField field, DkimSignature sig) {
        byte[] raw = field.raw();
        var b = sig.tags().tag("b").orElseThrow();
        int base = field.colonOffset() + 1;
        String value = sig.tags().text();
        int s = b.valueStart();
        while (s > 0 && " \t\r\n".indexOf(value.charAt(s - 1)) >= 0) {
            s--; // the folding whitespace between "b=" and the value goes too
        }
        int start = base + s;
        int end = base + b.valueEnd();
        byte[] cut = new byte[raw.length - (end - start)];
        System.arraycopy(raw, 0, cut, 0, start);
        System.arraycopy(raw, end, cut, start, raw.length - end);
        return HeaderField.crlf(cut);
    }

    private record BodyKey(Canonicalization canon, String digest, long limit) {
    }

    private static final class Check {
        final HeaderField field;
        SignatureId id;
        DkimSignature sig;
        DkimCrypto.VerifyKey key;
        int bits;
        boolean testing;
        BodyKey bodyKey;
        DkimResult result;

        Check(HeaderField field) {
            this.field = field;
        }
    }

    /** Builds a {@link DkimVerifier}. */
    public static final class Builder {
        private final DnsResolver dns;
        private Clock clock = Clock.systemUTC();
        private DkimPolicy policy = DkimPolicy.DEFAULT;
        private MessageLimits limits = MessageLimits.DEFAULT;

        private Builder(DnsResolver dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        /** The clock that t= and x= are checked against. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** What is accepted (default {@link DkimPolicy#DEFAULT}). */
        public Builder policy(DkimPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Limits on reading a message's header from a stream (default {@link MessageLimits#DEFAULT}). */
        public Builder limits(MessageLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The verifier. */
        public DkimVerifier build() {
            return new DkimVerifier(this);
        }
    }
}
