package dev.aligned.store;

import dev.aligned.report.AggregateReport;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.Extension;
import dev.aligned.report.FailureReport;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.SpfAuthResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A kept copy of {@code ContentDigest} as it was at schema 8 (main at 621c992; the 8 KiB-block encoder, itself
 * checked against the first one-update-per-byte encoder's digests): the reference that
 * {@code ContentDigestPinTest} compares the current code with. Do not change it: stored reports are deduplicated
 * by these values.
 */
final class ContentDigestV1Reference {
    private final MessageDigest md;

    private ContentDigestV1Reference(String tag) {
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
        ContentDigestV1Reference d = new ContentDigestV1Reference("aligned-aggregate-v1");
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
        d.opt(p.adkim().map(Enum::name));
        d.opt(p.aspf().map(Enum::name));
        d.opt(p.p().map(Enum::name));
        d.opt(p.sp().map(Enum::name));
        d.opt(p.np().map(Enum::name));
        d.optInt(p.pct());
        d.opt(p.fo());
        d.opt(p.testing().map(Enum::name));
        d.opt(p.discoveryMethod().map(Enum::name));
        d.num(r.records().size());
        for (ReportRecord rec : r.records()) {
            d.str(rec.row().sourceIp());
            d.num(rec.row().count());
            var pe = rec.row().policyEvaluated();
            d.opt(pe.disposition().map(Enum::name));
            d.opt(pe.dkim().map(Enum::name));
            d.opt(pe.spf().map(Enum::name));
            d.num(pe.reasons().size());
            for (OverrideReason reason : pe.reasons()) {
                d.opt(reason.type().map(Enum::name));
                d.opt(reason.comment());
            }
            d.opt(rec.identifiers().envelopeTo());
            d.opt(rec.identifiers().envelopeFrom());
            d.str(rec.identifiers().headerFrom());
            d.num(rec.dkim().size());
            for (DkimAuthResult a : rec.dkim()) {
                d.str(a.domain());
                d.opt(a.selector());
                d.opt(a.result().map(Enum::name));
                d.opt(a.humanResult());
            }
            d.num(rec.spf().size());
            for (SpfAuthResult a : rec.spf()) {
                d.str(a.domain());
                d.opt(a.scope().map(Enum::name));
                d.opt(a.result().map(Enum::name));
                d.opt(a.humanResult());
            }
            d.extensions(rec.extensions());
        }
        d.extensions(r.extensions());
        return d.finish();
    }

    static String of(FailureReport f) {
        ContentDigestV1Reference d = new ContentDigestV1Reference("aligned-failure-v1");
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

    private void num(long v) {
        if (buf.length - len < 8) {
            flush();
        }
        for (int i = 7; i >= 0; i--) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        num(b.length);
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
