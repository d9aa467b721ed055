package dev.aligned.dns;

/** The record types Aligned asks for. */
public enum DnsType {
    A(1), NS(2), CNAME(5), PTR(12), MX(15), TXT(16), AAAA(28), SPF(99);

    private final int code;

    DnsType(int code) {
        this.code = code;
    }

    /** The numeric RR type (RFC 1035, RFC 3596, RFC 4408). */
    public int code() {
        return code;
    }
}
