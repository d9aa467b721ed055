package dev.aligned.spf;

/**
 * The processing limits of RFC 7208 section 4.6.4, as one value. Exceeding {@code dnsTerms} or
 * {@code voidLookups}, or an {@code mx} with more than {@code mxNames} exchangers, gives {@code permerror};
 * a {@code ptr} (or {@code %{p}}) looks at the first {@code ptrNames} names only, as the RFC requires.
 *
 * <pre>{@code
 * SpfLimits rfc = SpfLimits.RFC7208;                 // 10, 2, 10, 10
 * SpfLimits lax = rfc.withVoidLookups(5);            // a receiver's local choice (the RFC allows it)
 * }</pre>
 *
 * @param dnsTerms    terms that cause DNS queries (include, a, mx, ptr, exists, redirect) per check; 10
 * @param voidLookups terms whose query gives NXDOMAIN or no records; 2
 * @param mxNames     exchangers one {@code mx} may look up; 10
 * @param ptrNames    reverse names one {@code ptr} or {@code %{p}} may validate; 10
 */
public record SpfLimits(int dnsTerms, int voidLookups, int mxNames, int ptrNames) {

    /** The limits RFC 7208 prescribes. */
    public static final SpfLimits RFC7208 = new SpfLimits(10, 2, 10, 10);

    public SpfLimits {
        if (dnsTerms < 0 || voidLookups < 0 || mxNames < 0 || ptrNames < 0) {
            throw new IllegalArgumentException("limits must not be negative: " + dnsTerms + ", " + voidLookups + ", "
                    + mxNames + ", " + ptrNames);
        }
    }

    /** These limits with another DNS-term limit. */
    public SpfLimits withDnsTerms(int n) {
        return new SpfLimits(n, voidLookups, mxNames, ptrNames);
    }

    /** These limits with another void-lookup limit. */
    public SpfLimits withVoidLookups(int n) {
        return new SpfLimits(dnsTerms, n, mxNames, ptrNames);
    }
}
