package dev.aligned.dkim;

import dev.aligned.internal.TagValueList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed DKIM key record, the TXT record at {@code selector._domainkey.domain} (RFC 6376 section 3.6.1).
 * Parsing never throws; a malformed record comes back as {@link Invalid} with the position of the problem.
 *
 * <pre>{@code
 * switch (DkimKeyRecord.parse("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")) {
 *     case DkimKeyRecord.Valid v -> System.out.println(v.record().keyType());   // ed25519
 *     case DkimKeyRecord.Invalid i -> System.out.println(i.reason());
 * }
 * }</pre>
 *
 * @param tags the tag list, with positions
 * @param keyType {@code k=} in lower case (default {@code rsa})
 * @param hashAlgorithms {@code h=} in lower case, empty when absent (any allowed)
 * @param publicKey {@code p=} decoded; empty when the key has been revoked
 * @param serviceTypes {@code s=} in lower case (default {@code *})
 * @param flags {@code t=} in lower case: {@code y} (testing) and {@code s} (strict i= domain)
 */
public record DkimKeyRecord(TagValueList tags, String keyType, List<String> hashAlgorithms, byte[] publicKey,
        List<String> serviceTypes, List<String> flags) {

    public DkimKeyRecord {
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(keyType, "keyType");
        hashAlgorithms = List.copyOf(hashAlgorithms);
        serviceTypes = List.copyOf(serviceTypes);
        flags = List.copyOf(flags);
    }

    /** The outcome of parsing. */
    public sealed interface Parse permits Valid, Invalid {
    }

    /** A well-formed key record. */
    public record Valid(DkimKeyRecord record) implements Parse {
    }

    /** A malformed key record and why, e.g. "key record, column 1: v=DKIM1: g=* is not DKIM1". */
    public record Invalid(String reason) implements Parse {
    }

    /** Parses the text of a key record (the TXT strings joined). */
    public static Parse parse(String text) {
        Objects.requireNonNull(text, "text");
        TagValueList tags = TagValueList.parse(text);
        if (!tags.isValid()) {
            return new Invalid("key record, " + tags.firstError().orElseThrow());
        }
        Optional<TagValueList.Tag> v = tags.tag("v");
        if (v.isPresent()) {
            if (!v.get().value().equals("DKIM1")) {
                return invalid(tags, "v", "v=" + v.get().value() + " is not DKIM1");
            }
            if (tags.tags().get(0) != v.get()) {
                return invalid(tags, "v", "v= must be the first tag");
            }
        }
        if (!tags.has("p")) {
            return new Invalid("key record: required tag p= is missing");
        }
        byte[] p = DkimSignature.base64(tags.value("p").orElseThrow());
        if (p == null) {
            return invalid(tags, "p", "p= is not valid base64");
        }
        String k = tags.value("k").orElse("rsa").toLowerCase(Locale.ROOT);
        return new Valid(new DkimKeyRecord(tags, k, list(tags.value("h")), p,
                tags.has("s") ? list(tags.value("s")) : List.of("*"), list(tags.value("t"))));
    }

    private static List<String> list(Optional<String> value) {
        List<String> out = new ArrayList<>();
        if (value.isPresent()) {
            for (String part : value.get().split(":")) {
                String p = TagValueList.stripWhitespace(part).toLowerCase(Locale.ROOT);
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static Invalid invalid(TagValueList tags, String tag, String message) {
        int offset = tags.tag(tag).map(TagValueList.Tag::nameOffset).orElse(0);
        return new Invalid("key record, " + tags.describe(offset) + ": " + message);
    }

    /** True when the key has been revoked (empty {@code p=}). */
    public boolean revoked() {
        return publicKey.length == 0;
    }

    /** True when {@code t=y}: the domain is testing DKIM. */
    public boolean testing() {
        return flags.contains("y");
    }

    /** True when {@code t=s}: the i= domain must equal d= exactly. */
    public boolean strict() {
        return flags.contains("s");
    }

    /** True when {@code s=} allows e-mail ({@code *} or {@code email}). */
    public boolean forEmail() {
        return serviceTypes.contains("*") || serviceTypes.contains("email");
    }
}
