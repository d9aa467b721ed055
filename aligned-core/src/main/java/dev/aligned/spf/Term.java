package dev.aligned.spf;

import java.util.Optional;

/**
 * One term of an SPF record (RFC 7208 section 4.6.1): a mechanism with its qualifier, or a modifier.
 * Every term knows its source {@link #text()} and the 1-based {@link #column()} where it starts in the record.
 *
 * <pre>{@code
 * switch (term) {
 *     case Term.Ip4 ip4 -> ...;
 *     case Term.Include inc -> inc.domainSpec().text();
 *     ...
 * }
 * }</pre>
 */
public sealed interface Term {

    /** The term as written in the record. */
    String text();

    /** The 1-based column of the term's first character in the record. */
    int column();

    /** A mechanism: something that may match the client and then gives its qualifier's result. */
    sealed interface Mechanism extends Term {
        /** The qualifier ({@link Qualifier#PASS} when none was written). */
        Qualifier qualifier();

        /** True when evaluating this mechanism asks the DNS (and counts against the limit of 10). */
        default boolean queriesDns() {
            return switch (this) {
                case All a -> false;
                case Ip4 i -> false;
                case Ip6 i -> false;
                case Include i -> true;
                case A a -> true;
                case Mx m -> true;
                case Ptr p -> true;
                case Exists e -> true;
            };
        }
    }

    /** A modifier: {@code name=value}. */
    sealed interface Modifier extends Term {
    }

    /** {@code all}: always matches. */
    record All(Qualifier qualifier, String text, int column) implements Mechanism {
    }

    /** {@code include:domain-spec}: matches when the other domain's policy passes the client. */
    record Include(Qualifier qualifier, MacroString domainSpec, String text, int column) implements Mechanism {
    }

    /** {@code a[:domain-spec][/cidr4][//cidr6]}: matches the target's A or AAAA addresses. */
    record A(Qualifier qualifier, Optional<MacroString> domainSpec, int cidr4, int cidr6, String text, int column)
            implements Mechanism {
    }

    /** {@code mx[:domain-spec][/cidr4][//cidr6]}: matches the addresses of the target's mail exchangers. */
    record Mx(Qualifier qualifier, Optional<MacroString> domainSpec, int cidr4, int cidr6, String text, int column)
            implements Mechanism {
    }

    /** {@code ptr[:domain-spec]}: matches when the client's validated reverse name is in the target domain. */
    record Ptr(Qualifier qualifier, Optional<MacroString> domainSpec, String text, int column) implements Mechanism {
    }

    /** {@code ip4:network[/cidr]}; {@code network} holds the 32 bits, {@code prefix} 0..32. */
    record Ip4(Qualifier qualifier, int network, int prefix, String text, int column) implements Mechanism {
        /** The network in dotted-quad form. */
        public String networkText() {
            return Ip.format4(network);
        }
    }

    /** {@code ip6:network[/cidr]}; the 128 bits as {@code high} and {@code low}, {@code prefix} 0..128. */
    record Ip6(Qualifier qualifier, long high, long low, int prefix, String text, int column) implements Mechanism {
        /** The network in RFC 5952 form. */
        public String networkText() {
            return Ip.format6(high, low);
        }
    }

    /** {@code exists:domain-spec}: matches when the target has an A record. */
    record Exists(Qualifier qualifier, MacroString domainSpec, String text, int column) implements Mechanism {
    }

    /** {@code redirect=domain-spec}: the other domain's policy applies when no mechanism matched. */
    record Redirect(MacroString domainSpec, String text, int column) implements Modifier {
    }

    /** {@code exp=domain-spec}: where the explanation for a {@code fail} is found. */
    record Exp(MacroString domainSpec, String text, int column) implements Modifier {
    }

    /** Any other {@code name=macro-string}: ignored in evaluation, as RFC 7208 section 6 requires. */
    record Unknown(String name, MacroString value, String text, int column) implements Modifier {
    }
}
