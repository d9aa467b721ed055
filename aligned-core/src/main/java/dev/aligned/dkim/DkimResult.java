package dev.aligned.dkim;

import java.util.Objects;

/**
 * The verdict on one DKIM signature (RFC 8601 section 2.7.1 names), with a human reason such as
 * "body hash mismatch", "key too short (512 bits; at least 1024 required)" or "signature expired".
 *
 * <pre>{@code
 * for (DkimResult r : verifier.verify(message)) {
 *     String line = switch (r) {
 *         case DkimResult.Pass p -> "pass " + p.signature().domain();
 *         case DkimResult.Fail f -> "fail: " + f.reason();
 *         case DkimResult.Neutral n -> "neutral: " + n.reason();
 *         case DkimResult.TempError t -> "temperror: " + t.reason();
 *         case DkimResult.PermError e -> "permerror: " + e.reason();
 *         case DkimResult.Policy p -> "policy: " + p.reason();
 *     };
 * }
 * }</pre>
 */
public sealed interface DkimResult {

    /** Which signature this is about. */
    SignatureId signature();

    /** Why, in words. */
    String reason();

    /** The RFC 8601 result keyword: pass, fail, neutral, temperror, permerror or policy. */
    default String keyword() {
        return switch (this) {
            case Pass p -> "pass";
            case Fail f -> "fail";
            case Neutral n -> "neutral";
            case TempError t -> "temperror";
            case PermError e -> "permerror";
            case Policy p -> "policy";
        };
    }

    /** The signature verified. {@code testing} is true when the key record says {@code t=y}. */
    record Pass(SignatureId signature, String reason, int keyBits, boolean testing) implements DkimResult {
        public Pass {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The signature did not verify: the message was changed, or the signature is expired or mis-computed. */
    record Fail(SignatureId signature, String reason) implements DkimResult {
        public Fail {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The signature did not verify, but the key is in testing mode ({@code t=y}): treat as unsigned. */
    record Neutral(SignatureId signature, String reason) implements DkimResult {
        public Neutral {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The key could not be fetched for now (DNS timeout or server failure); try again later. */
    record TempError(SignatureId signature, String reason) implements DkimResult {
        public TempError {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The signature or its key record is malformed, missing or unusable; retrying will not help. */
    record PermError(SignatureId signature, String reason) implements DkimResult {
        public PermError {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The signature may be valid but uses something the verifier's {@link DkimPolicy} refuses (rsa-sha1, a short key). */
    record Policy(SignatureId signature, String reason) implements DkimResult {
        public Policy {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
