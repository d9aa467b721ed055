package dev.aligned.record;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every finding {@link DomainChecker} can report, with its stable code (as printed and in JSON), the area it
 * belongs to and its severity. Codes never change meaning; new ones are added. {@code docs/check.md} lists
 * them all.
 */
public enum FindingCode {
    DOMAIN_NOT_FOUND("domain.not-found", Area.DOMAIN, Severity.ERROR,
            "the domain does not exist in the DNS (NXDOMAIN)"),
    DNS_TEMP_FAILURE("dns.temp-failure", Area.DOMAIN, Severity.WARNING,
            "a DNS query failed temporarily, so part of the check could not be done"),

    SPF_NONE("spf.none", Area.SPF, Severity.ERROR, "no SPF record"),
    SPF_MULTIPLE("spf.multiple", Area.SPF, Severity.ERROR, "more than one SPF record (permerror)"),
    SPF_SYNTAX("spf.syntax", Area.SPF, Severity.ERROR, "syntax error in the SPF record, with its column"),
    SPF_LOOKUP_LIMIT("spf.lookup-limit", Area.SPF, Severity.ERROR,
            "more than 10 DNS-querying terms in the include/redirect tree (permerror)"),
    SPF_LOOKUP_NEAR_LIMIT("spf.lookup-near-limit", Area.SPF, Severity.WARNING,
            "9 or 10 DNS-querying terms: one more include breaks SPF"),
    SPF_VOID_LIMIT("spf.void-limit", Area.SPF, Severity.ERROR,
            "more than 2 lookups that find nothing (permerror)"),
    SPF_VOID_LOOKUP("spf.void-lookup", Area.SPF, Severity.WARNING, "a term looks up a name that has no records"),
    SPF_PASS_ALL("spf.pass-all", Area.SPF, Severity.ERROR, "+all authorises every host on the Internet"),
    SPF_NEUTRAL_ALL("spf.neutral-all", Area.SPF, Severity.WARNING, "?all asserts nothing about other hosts"),
    SPF_NO_ALL("spf.no-all", Area.SPF, Severity.WARNING, "no all mechanism and no redirect: the default is neutral"),
    SPF_PTR("spf.ptr", Area.SPF, Severity.WARNING, "the ptr mechanism is slow, unreliable and discouraged"),
    SPF_RR_TYPE("spf.rr-type", Area.SPF, Severity.WARNING, "a record of the obsolete SPF RR type (99) is published"),
    SPF_STRING_TOO_LONG("spf.string-too-long", Area.SPF, Severity.ERROR,
            "a TXT character-string is longer than 255 bytes"),
    SPF_ANSWER_TOO_LARGE("spf.answer-too-large", Area.SPF, Severity.WARNING,
            "the TXT answer is larger than 512 bytes (needs EDNS or TCP)"),
    SPF_INCLUDE_MISSING("spf.include-missing", Area.SPF, Severity.ERROR,
            "an include or redirect names a domain without an SPF record (permerror)"),
    SPF_INCLUDE_INVALID("spf.include-invalid", Area.SPF, Severity.ERROR,
            "an included or redirected record is broken (syntax or several records)"),
    SPF_LOOP("spf.loop", Area.SPF, Severity.ERROR, "an include or redirect loops back to a record on its path"),
    SPF_OVERLAPPING_NETWORKS("spf.overlapping-networks", Area.SPF, Severity.WARNING,
            "an ip4/ip6 network repeats or lies inside another"),
    SPF_MACRO("spf.macro", Area.SPF, Severity.INFO,
            "a term uses a macro, so its target depends on the message and was not followed"),

    DMARC_NONE("dmarc.none", Area.DMARC, Severity.ERROR, "no DMARC policy applies to the domain"),
    DMARC_MULTIPLE("dmarc.multiple", Area.DMARC, Severity.ERROR, "more than one DMARC record (all are discarded)"),
    DMARC_SYNTAX("dmarc.syntax", Area.DMARC, Severity.ERROR, "a value in the DMARC record is invalid, with its column"),
    DMARC_RECORD_WARNING("dmarc.record-warning", Area.DMARC, Severity.WARNING,
            "the DMARC record works but something in it is unknown or questionable, with its column"),
    DMARC_RFC7489_TAG("dmarc.rfc7489-tag", Area.DMARC, Severity.WARNING,
            "pct, rf or ri: removed by RFC 9989; the replacement is named"),
    DMARC_POLICY_NONE("dmarc.policy-none", Area.DMARC, Severity.WARNING,
            "p=none: monitoring only, failing mail is delivered"),
    DMARC_WEAKER_SUBDOMAIN_POLICY("dmarc.weaker-subdomain-policy", Area.DMARC, Severity.WARNING,
            "sp= or np= is weaker than p="),
    DMARC_TESTING("dmarc.testing", Area.DMARC, Severity.WARNING, "t=y: the policy is applied one level lower"),
    DMARC_NO_RUA("dmarc.no-rua", Area.DMARC, Severity.WARNING, "no rua=: nobody receives aggregate reports"),
    DMARC_REPORT_URI("dmarc.report-uri", Area.DMARC, Severity.WARNING,
            "a rua/ruf URI is not a usable mailto: address"),
    DMARC_REPORT_UNAUTHORISED("dmarc.report-unauthorised", Area.DMARC, Severity.ERROR,
            "reports go to another domain that has not published the _report._dmarc authorisation"),
    DMARC_INHERITED("dmarc.inherited", Area.DMARC, Severity.INFO,
            "no record at the domain itself; the policy comes from a parent found by the tree walk"),

    DKIM_NONE_FOUND("dkim.none-found", Area.DKIM, Severity.WARNING,
            "no DKIM key at any selector tried (name your selectors to be sure)"),
    DKIM_SELECTOR_MISSING("dkim.selector-missing", Area.DKIM, Severity.ERROR, "no key record at a selector you named"),
    DKIM_MULTIPLE("dkim.multiple", Area.DKIM, Severity.ERROR, "several TXT records at one selector"),
    DKIM_INVALID("dkim.invalid", Area.DKIM, Severity.ERROR, "the key record does not parse"),
    DKIM_KEY_UNREADABLE("dkim.key-unreadable", Area.DKIM, Severity.ERROR,
            "p= is not a public key of the stated type (k=)"),
    DKIM_UNKNOWN_KEY_TYPE("dkim.unknown-key-type", Area.DKIM, Severity.ERROR, "k= names a key type other than rsa or ed25519"),
    DKIM_RSA_TOO_SHORT("dkim.rsa-too-short", Area.DKIM, Severity.ERROR,
            "RSA key shorter than 1024 bits: verifiers must treat its signatures as failed (RFC 8301)"),
    DKIM_RSA_WEAK("dkim.rsa-weak", Area.DKIM, Severity.WARNING, "RSA key shorter than 2048 bits"),
    DKIM_TESTING("dkim.testing", Area.DKIM, Severity.WARNING, "t=y: the key is in testing mode"),
    DKIM_REVOKED("dkim.revoked", Area.DKIM, Severity.INFO, "the key is revoked (empty p=)"),
    DKIM_NOT_FOR_EMAIL("dkim.not-for-email", Area.DKIM, Severity.ERROR, "s= does not allow e-mail"),
    DKIM_BAD_SPLIT("dkim.bad-split", Area.DKIM, Severity.ERROR,
            "the key record was split or quoted wrongly when published"),

    MX_NONE("mx.none", Area.MX, Severity.WARNING, "no MX record"),
    MX_NULL("mx.null", Area.MX, Severity.INFO, "a null MX (RFC 7505): the domain accepts no mail"),
    BIMI_SYNTAX("bimi.syntax", Area.BIMI, Severity.ERROR, "the BIMI record (default._bimi) is malformed"),
    BIMI_NEEDS_ENFORCEMENT("bimi.needs-enforcement", Area.BIMI, Severity.WARNING,
            "BIMI is published but DMARC is not at quarantine or reject"),
    MTA_STS_SYNTAX("mta-sts.syntax", Area.MTA_STS, Severity.ERROR, "the _mta-sts TXT record is malformed"),
    TLS_RPT_SYNTAX("tls-rpt.syntax", Area.TLS_RPT, Severity.ERROR, "the _smtp._tls TXT record is malformed");

    private final String code;
    private final Area area;
    private final Severity severity;
    private final String summary;

    FindingCode(String code, Area area, Severity severity, String summary) {
        this.code = code;
        this.area = area;
        this.severity = severity;
        this.summary = summary;
    }

    /** The stable code, e.g. {@code spf.lookup-limit}. */
    public String code() {
        return code;
    }

    /** The area the finding belongs to. */
    public Area area() {
        return area;
    }

    /** How much it matters. */
    public Severity severity() {
        return severity;
    }

    /** One line saying what the code means. */
    public String summary() {
        return summary;
    }

    /** The constant with the given code. */
    public static Optional<FindingCode> of(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
