package dev.aligned.store;

import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.Disposition;
import dev.aligned.report.DkimResult;
import dev.aligned.report.DmarcResult;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.Extension;
import dev.aligned.report.FailureReport;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.OptionalInt;

/**
 * The SHA-256 of a parsed report's content in a fixed, length-prefixed encoding of every field: equal for the
 * same report whatever container carried it (xml, gzip, zip, e-mail), different when any value differs.
 * Independent of {@code toString()} so that it stays stable while the model's classes evolve; the leading
 * version tag changes if the encoding ever must.
 */
final class ContentDigest {
    private final MessageDigest md;

    private ContentDigest(String tag) {
        md = sha256();
        str(tag);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static String of(AggregateReport r) {
        return of(r, rec -> { });
    }

    /**
     * The digest of {@code r}, handing each record to {@code alsoPerRecord} right after encoding it, while its
     * objects are still in the CPU's cache (see {@link AnalysisRollups.Summer}).
     */
    static String of(AggregateReport r, Consumer<ReportRecord> alsoPerRecord) {
        ContentDigest d = new ContentDigest("aligned-aggregate-v1");
        d.opt(r.version());
        ReportMetadata m = r.metadata();
        d.str(m.orgName());
        d.str(m.email());
        d.opt(m.extraContactInfo());
        d.str(m.reportId());
        d.num(m.dateRange().isPresent() ? 1 : 0);
        m.dateRange().ifPresent(dr -> {
            d.num(dr.begin().getEpochSecond());
            d.num(dr.end().getEpochSecond());
        });
        d.strs(m.errors());
        d.opt(m.generator());
        PolicyPublished p = r.policy();
        d.str(p.domain());
        d.opt(p.adkim(), ALIGNMENT);
        d.opt(p.aspf(), ALIGNMENT);
        d.opt(p.p(), DISPOSITION);
        d.opt(p.sp(), DISPOSITION);
        d.opt(p.np(), DISPOSITION);
        d.optInt(p.pct());
        d.opt(p.fo());
        d.opt(p.testing(), TESTING);
        d.opt(p.discoveryMethod(), DISCOVERY);
        d.num(r.records().size());
        for (ReportRecord rec : r.records()) {
            d.str(rec.row().sourceIp());
            d.num(rec.row().count());
            var pe = rec.row().policyEvaluated();
            d.opt(pe.disposition(), ACTION);
            d.opt(pe.dkim(), DMARC);
            d.opt(pe.spf(), DMARC);
            d.num(pe.reasons().size());
            for (OverrideReason reason : pe.reasons()) {
                d.opt(reason.type(), OVERRIDE);
                d.opt(reason.comment());
            }
            d.opt(rec.identifiers().envelopeTo());
            d.opt(rec.identifiers().envelopeFrom());
            d.str(rec.identifiers().headerFrom());
            d.num(rec.dkim().size());
            for (DkimAuthResult a : rec.dkim()) {
                d.str(a.domain());
                d.opt(a.selector());
                d.opt(a.result(), DKIM);
                d.opt(a.humanResult());
            }
            d.num(rec.spf().size());
            for (SpfAuthResult a : rec.spf()) {
                d.str(a.domain());
                d.opt(a.scope(), SCOPE);
                d.opt(a.result(), SPF);
                d.opt(a.humanResult());
            }
            d.extensions(rec.extensions());
            alsoPerRecord.accept(rec);
        }
        d.extensions(r.extensions());
        return d.finish();
    }

    static String of(FailureReport f) {
        ContentDigest d = new ContentDigest("aligned-failure-v1");
        d.str(f.format().name());
        d.str(f.feedbackType());
        d.opt(f.userAgent());
        d.opt(f.version());
        d.opt(f.originalMailFrom());
        d.strs(f.originalRcptTo());
        d.opt(f.arrivalDate());
        d.opt(f.sourceIp());
        d.strs(f.reportedDomain());
        d.strs(f.reportedUri());
        d.strs(f.authenticationResults());
        d.strs(f.authFailure());
        d.strs(f.identityAlignment());
        d.opt(f.deliveryResult());
        d.opt(f.dkimDomain());
        d.opt(f.dkimIdentity());
        d.opt(f.dkimSelector());
        d.strs(f.spfDns());
        d.num(f.otherFields().size());
        for (FailureReport.Field field : f.otherFields()) {
            d.str(field.name());
            d.str(field.value());
        }
        d.opt(f.originalHeaders());
        return d.finish();
    }

    private void extensions(List<Extension> extensions) {
        num(extensions.size());
        for (Extension e : extensions) {
            str(e.namespace());
            str(e.name());
            str(e.xml());
        }
    }

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[][] ALIGNMENT = encoded(Alignment.values());
    private static final byte[][] DISPOSITION = encoded(Disposition.values());
    private static final byte[][] TESTING = encoded(Testing.values());
    private static final byte[][] DISCOVERY = encoded(DiscoveryMethod.values());
    private static final byte[][] ACTION = encoded(ActionDisposition.values());
    private static final byte[][] DMARC = encoded(DmarcResult.values());
    private static final byte[][] OVERRIDE = encoded(PolicyOverride.values());
    private static final byte[][] DKIM = encoded(DkimResult.values());
    private static final byte[][] SCOPE = encoded(SpfScope.values());
    private static final byte[][] SPF = encoded(SpfResult.values());

    /** Bytes are gathered here and handed to the digest in blocks: one {@code update} per byte was a third of the cost. */
    private final byte[] buf = new byte[8192];
    private int len;

    private void put(byte b) {
        if (len == buf.length) {
            flush();
        }
        buf[len++] = b;
    }

    private void flush() {
        md.update(buf, 0, len);
        len = 0;
    }

    /** Eight bytes, big-endian: one store rather than eight. */
    private void num(long v) {
        if (buf.length - len < 8) {
            flush();
        }
        BIG_ENDIAN_LONG.set(buf, len, v);
        len += 8;
    }

    /**
     * A length-prefixed UTF-8 string. ASCII (nearly every string of a report) is copied straight into the buffer,
     * one char a byte; other strings go through {@link String#getBytes}. Either way the same bytes as UTF-8.
     */
    private void str(String s) {
        int n = s.length();
        if (n <= buf.length - 8) {
            if (buf.length - len < n + 8) {
                flush();
            }
            int start = len + 8;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    bytes(s.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                buf[start + i] = (byte) c;
            }
            BIG_ENDIAN_LONG.set(buf, len, (long) n);
            len = start + n;
        } else {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A length-prefixed byte string. */
    private void bytes(byte[] b) {
        num(b.length);
        raw(b);
    }

    private void raw(byte[] b) {
        if (b.length > buf.length - len) {
            flush();
            if (b.length > buf.length) {
                md.update(b);
                return;
            }
        }
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /**
     * An optional enum constant as its name, as {@code opt(v.map(Enum::name))} encodes it: the presence byte, the
     * length and the name's bytes, precomputed per constant in {@code encoded}.
     */
    private void opt(Optional<? extends Enum<?>> v, byte[][] encoded) {
        if (v.isPresent()) {
            raw(encoded[v.get().ordinal()]);
        } else {
            put((byte) 0);
        }
    }

    /** Per constant (by ordinal), its encoding as a present optional: 1, the name's length (8 bytes), the name. */
    private static byte[][] encoded(Enum<?>[] constants) {
        byte[][] out = new byte[constants.length][];
        for (Enum<?> c : constants) {
            byte[] name = c.name().getBytes(StandardCharsets.UTF_8);
            byte[] e = new byte[1 + 8 + name.length];
            e[0] = 1;
            BIG_ENDIAN_LONG.set(e, 1, (long) name.length);
            System.arraycopy(name, 0, e, 9, name.length);
            out[c.ordinal()] = e;
        }
        return out;
    }

    private void strs(List<String> list) {
        num(list.size());
        list.forEach(this::str);
    }

    private void opt(Optional<String> v) {
        if (v.isPresent()) {
            put((byte) 1);
            str(v.get());
        } else {
            put((byte) 0);
        }
    }

    private void optInt(OptionalInt v) {
        if (v.isPresent()) {
            put((byte) 1);
            num(v.getAsInt());
        } else {
            put((byte) 0);
        }
    }

    private String finish() {
        flush();
        return HexFormat.of().formatHex(md.digest());
    }
}
