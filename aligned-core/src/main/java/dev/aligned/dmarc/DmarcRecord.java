package dev.aligned.dmarc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A parsed DMARC record: every RFC 9989 tag plus the RFC 7489 tags RFC 9989 removed ({@code pct, rf, ri}).
 * Values that were absent or invalid are empty (for the policies) or hold the RFC default; whether a value
 * was invalid is recorded so that the RFC 9989 section 4.10.1 rule (invalid {@code p/sp/np}) can be applied.
 * Obtain one from {@link DmarcRecordParser#parse(String)}.
 *
 * @param text           the record text as received (strings of a TXT record joined)
 * @param policy         {@code p=}, empty when absent or invalid
 * @param policyInvalid  true when {@code p=} was present but not a valid value
 * @param subdomainPolicy {@code sp=}, empty when absent or invalid
 * @param subdomainPolicyInvalid true when {@code sp=} was present but not a valid value
 * @param nonExistentPolicy {@code np=}, empty when absent or invalid
 * @param nonExistentPolicyInvalid true when {@code np=} was present but not a valid value
 * @param psd            {@code psd=} (default {@link Psd#U})
 * @param testing        {@code t=y}
 * @param dkimAlignment  {@code adkim=} (default relaxed)
 * @param spfAlignment   {@code aspf=} (default relaxed)
 * @param rua            aggregate report URIs that parsed
 * @param ruf            failure report URIs that parsed
 * @param failureOptions {@code fo=} (default {@code 0})
 * @param percent        RFC 7489 {@code pct=} when present and valid
 * @param reportFormat   RFC 7489 {@code rf=} when present
 * @param reportInterval RFC 7489 {@code ri=} in seconds when present and valid
 */
public record DmarcRecord(
        String text,
        Optional<Policy> policy, boolean policyInvalid,
        Optional<Policy> subdomainPolicy, boolean subdomainPolicyInvalid,
        Optional<Policy> nonExistentPolicy, boolean nonExistentPolicyInvalid,
        Psd psd, boolean testing,
        AlignmentMode dkimAlignment, AlignmentMode spfAlignment,
        List<ReportUri> rua, List<ReportUri> ruf,
        Set<FailureOption> failureOptions,
        OptionalInt percent, Optional<String> reportFormat, OptionalLong reportInterval) {

    public DmarcRecord {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(subdomainPolicy, "subdomainPolicy");
        Objects.requireNonNull(nonExistentPolicy, "nonExistentPolicy");
        Objects.requireNonNull(psd, "psd");
        Objects.requireNonNull(dkimAlignment, "dkimAlignment");
        Objects.requireNonNull(spfAlignment, "spfAlignment");
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
        failureOptions = Set.copyOf(failureOptions);
        Objects.requireNonNull(percent, "percent");
        Objects.requireNonNull(reportFormat, "reportFormat");
        Objects.requireNonNull(reportInterval, "reportInterval");
    }

    /** A Domain Owner Assessment Policy ({@code p=}, {@code sp=}, {@code np=}). */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        /** The value as written in a record: {@code none}, {@code quarantine}, {@code reject}. */
        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** One level lower ({@code reject -> quarantine -> none}), as {@code t=y} and RFC 7489 {@code pct} ask. */
        public Policy oneLevelLower() {
            return switch (this) {
                case REJECT -> QUARANTINE;
                case QUARANTINE, NONE -> NONE;
            };
        }
    }

    /** Identifier alignment mode ({@code adkim=}, {@code aspf=}). */
    public enum AlignmentMode {
        RELAXED, STRICT;

        /** {@code r} or {@code s}. */
        public String keyword() {
            return this == RELAXED ? "r" : "s";
        }
    }

    /** The {@code psd=} flag (RFC 9989 section 4.7). */
    public enum Psd {
        /** The domain is a public suffix domain. */
        Y,
        /** The domain is an organizational domain, not a PSD. */
        N,
        /** Unknown (the default): the tree walk decides. */
        U
    }

    /** One failure reporting option of {@code fo=}. */
    public enum FailureOption {
        /** {@code 0}: report when all mechanisms fail to produce an aligned pass. */
        ALL_FAIL("0"),
        /** {@code 1}: report when any mechanism fails to produce an aligned pass. */
        ANY_FAIL("1"),
        /** {@code d}: report DKIM signature failures. */
        DKIM("d"),
        /** {@code s}: report SPF failures. */
        SPF("s");

        private final String keyword;

        FailureOption(String keyword) {
            this.keyword = keyword;
        }

        /** The value as written in a record. */
        public String keyword() {
            return keyword;
        }
    }

    /**
     * A reporting URI from {@code rua=} or {@code ruf=}.
     *
     * @param uri       the URI without any obsolete size suffix
     * @param scheme    the scheme in lower case ({@code mailto}, {@code https}, ...)
     * @param maxBytes  the obsolete RFC 7489 {@code !size} limit in bytes, when one was given (RFC 9989 says to
     *                  ignore it)
     * @param column    1-based column of the URI in the record text
     */
    public record ReportUri(String uri, String scheme, OptionalLong maxBytes, int column) {
        public ReportUri {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(maxBytes, "maxBytes");
        }

        /** For {@code mailto:} URIs, the address (percent-decoding not applied); empty for other schemes. */
        public Optional<String> mailbox() {
            if (!scheme.equals("mailto")) {
                return Optional.empty();
            }
            String rest = uri.substring(uri.indexOf(':') + 1);
            int q = rest.indexOf('?');
            return Optional.of(q >= 0 ? rest.substring(0, q) : rest);
        }

        @Override
        public String toString() {
            return uri;
        }
    }

    /**
     * Whether RFC 9989 section 4.10.1 makes this record unusable for policy: {@code p} missing or invalid, or
     * {@code sp}/{@code np} invalid, and no valid {@code rua} URI. (With a valid {@code rua}, such a record
     * acts as {@code p=none}.)
     */
    public boolean lacksUsablePolicy() {
        return needsPolicyFallback() && rua.isEmpty();
    }

    /** True when {@code p} is missing or invalid, or {@code sp}/{@code np} is invalid (RFC 9989 section 4.10.1). */
    public boolean needsPolicyFallback() {
        return policy.isEmpty() || subdomainPolicyInvalid || nonExistentPolicyInvalid;
    }
}
