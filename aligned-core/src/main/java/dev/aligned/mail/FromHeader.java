package dev.aligned.mail;

import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Extracts the Author Domain from the RFC 5322 From header field, following RFC 9989 section 5.3.1: exactly
 * one From field with one domain (several addresses are fine when they all share it); no From, several From
 * fields, or addresses in different domains make DMARC validation impossible. International domains (RFC
 * 6532 UTF-8) become A-labels.
 *
 * <pre>{@code
 * switch (FromHeader.extract(message.header())) {
 *     case FromHeader.Author a -> a.domain();                      // example.com
 *     case FromHeader.MultipleDomains m -> ...                     // exempt from DMARC (RFC 9989 5.3.1)
 *     case FromHeader.NoFrom n -> ...
 *     case FromHeader.MultipleFields m -> ...
 *     case FromHeader.Malformed m -> System.out.println(m.message()); // "From, column 12: ..."
 * }
 * }</pre>
 *
 * <p>The parser knows the address syntax DMARC depends on: display names (atoms, quoted strings,
 * encoded-words), nested comments, quoted local parts, obsolete source routes, and group syntax. It never
 * throws for bad input and does bounded work (one pass over the field).
 */
public final class FromHeader {
    private FromHeader() {
    }

    /** What the From field(s) yielded. */
    public sealed interface Result {
    }

    /**
     * One author domain.
     *
     * @param domain    the domain as an A-label {@link DomainName}
     * @param mailboxes the addresses found (one or more, all in {@code domain})
     */
    public record Author(DomainName domain, List<Mailbox> mailboxes) implements Result {
        public Author {
            Objects.requireNonNull(domain, "domain");
            mailboxes = List.copyOf(mailboxes);
        }
    }

    /** The message has no From field: it is not a valid RFC 5322 message and DMARC cannot apply. */
    public record NoFrom() implements Result {
    }

    /** The message has {@code count} From fields (RFC 5322 allows one): DMARC cannot tell which applies. */
    public record MultipleFields(int count) implements Result {
    }

    /** The From field lists addresses in several domains: RFC 9989 section 5.3.1 exempts it from DMARC. */
    public record MultipleDomains(List<DomainName> domains, List<Mailbox> mailboxes) implements Result {
        public MultipleDomains {
            domains = List.copyOf(domains);
            mailboxes = List.copyOf(mailboxes);
        }
    }

    /** The From field could not be read, or holds no usable domain. {@code column} is 1-based in the value. */
    public record Malformed(int column, String problem) implements Result {
        /** "From, column N: problem". */
        public String message() {
            return "From, column " + column + ": " + problem;
        }
    }

    /**
     * One address of the From field.
     *
     * @param displayName the display name as written (quotes and encoded-words kept), empty when none
     * @param localPart   the local part (a quoted local part without its quotes and escapes)
     * @param domain      the domain
     */
    public record Mailbox(String displayName, String localPart, DomainName domain) {
        /** {@code local@domain}. */
        public String address() {
            return localPart + "@" + domain;
        }
    }

    /** Extracts the author domain from a header section. */
    public static Result extract(HeaderSection header) {
        Objects.requireNonNull(header, "header");
        List<HeaderField> from = header.all("From");
        if (from.isEmpty()) {
            return new NoFrom();
        }
        if (from.size() > 1) {
            return new MultipleFields(from.size());
        }
        return parse(from.get(0).valueUtf8());
    }

    /** Extracts the author domain from the value of one From field (the text after the colon). */
    public static Result parse(String value) {
        Objects.requireNonNull(value, "value");
        Parser p = new Parser(value);
        List<Mailbox> boxes;
        try {
            boxes = p.addressList();
        } catch (Bad b) {
            return new Malformed(b.column, b.getMessage());
        }
        if (boxes.isEmpty()) {
            return new Malformed(1, p.sawGroup
                    ? "no address (an empty group such as 'undisclosed-recipients:;' has no domain)"
                    : "the From field is empty");
        }
        Set<DomainName> domains = new LinkedHashSet<>();
        for (Mailbox m : boxes) {
            domains.add(m.domain());
        }
        if (domains.size() > 1) {
            return new MultipleDomains(new ArrayList<>(domains), boxes);
        }
        return new Author(domains.iterator().next(), boxes);
    }

    /** A syntax problem at a column. */
    private static final class Bad extends Exception {
        final int column;

        Bad(int column, String message) {
            super(message, null, false, false);
            this.column = column;
        }
    }

    private enum Kind { ATOM, QUOTED, LITERAL, SPECIAL, END }

    private record Token(Kind kind, String text, int column) {
        boolean is(char c) {
            return kind == Kind.SPECIAL && text.charAt(0) == c;
        }
    }

    /** A recursive-descent parser over tokens; comments and folding whitespace are skipped by the lexer. */
    private static final class Parser {
        private static final String SPECIALS = "()<>[]:;@\\,.\"";
        private final String s;
        private int pos;
        private Token peeked;
        boolean sawGroup;

        Parser(String s) {
            this.s = s;
        }

        List<Mailbox> addressList() throws Bad {
            List<Mailbox> out = new ArrayList<>();
            while (true) {
                Token t = peek();
                if (t.kind == Kind.END) {
                    break;
                }
                if (t.is(',')) {
                    next(); // empty list element (obs-addr-list)
                    continue;
                }
                address(out);
                Token after = next();
                if (after.kind == Kind.END) {
                    break;
                }
                if (!after.is(',')) {
                    throw new Bad(after.column, "expected ',' between addresses, found " + show(after));
                }
            }
            return out;
        }

        private void address(List<Mailbox> out) throws Bad {
            int start = peek().column;
            List<Token> phrase = new ArrayList<>();
            while (true) {
                Token t = peek();
                if (t.kind == Kind.ATOM || t.kind == Kind.QUOTED || t.is('.')) {
                    phrase.add(next());
                } else {
                    break;
                }
            }
            Token t = peek();
            if (t.is(':')) {
                if (phrase.isEmpty()) {
                    throw new Bad(t.column, "group without a name before ':'");
                }
                next();
                sawGroup = true;
                groupList(out);
                return;
            }
            if (t.is('<')) {
                next();
                out.add(angleAddr(join(phrase, true)));
                return;
            }
            if (t.is('@')) {
                if (phrase.isEmpty()) {
                    throw new Bad(t.column, "address without a local part before '@'");
                }
                next();
                out.add(new Mailbox("", join(phrase, false), domain()));
                return;
            }
            if (phrase.isEmpty()) {
                throw new Bad(t.column, "expected an address, found " + show(t));
            }
            throw new Bad(start, "'" + clip(join(phrase, true)) + "' is not an address (no '@domain')");
        }

        private void groupList(List<Mailbox> out) throws Bad {
            while (true) {
                Token t = peek();
                if (t.is(';')) {
                    next();
                    return;
                }
                if (t.kind == Kind.END) {
                    throw new Bad(t.column, "group not closed with ';'");
                }
                if (t.is(',')) {
                    next();
                    continue;
                }
                int before = out.size();
                address(out);
                if (out.size() == before) {
                    throw new Bad(t.column, "groups cannot be nested");
                }
            }
        }

        private Mailbox angleAddr(String displayName) throws Bad {
            Token t = peek();
            if (t.is('@')) {
                // obs-route: "@a.example,@b.example:" before the address
                while (!peek().is(':')) {
                    Token r = next();
                    if (r.kind == Kind.END || r.is('>')) {
                        throw new Bad(r.column, "source route not ended by ':'");
                    }
                }
                next();
            }
            List<Token> local = new ArrayList<>();
            while (peek().kind == Kind.ATOM || peek().kind == Kind.QUOTED || peek().is('.')) {
                local.add(next());
            }
            Token at = next();
            if (at.is('>') && local.isEmpty()) {
                throw new Bad(at.column, "empty address '<>'");
            }
            if (!at.is('@')) {
                throw new Bad(at.column, "expected '@' in the address, found " + show(at));
            }
            if (local.isEmpty()) {
                throw new Bad(at.column, "address without a local part before '@'");
            }
            DomainName domain = domain();
            Token close = next();
            if (!close.is('>')) {
                throw new Bad(close.column, "expected '>' after the address, found " + show(close));
            }
            return new Mailbox(displayName, join(local, false), domain);
        }

        private DomainName domain() throws Bad {
            Token first = peek();
            if (first.kind == Kind.LITERAL) {
                next();
                throw new Bad(first.column, "domain literal " + first.text + " has no domain name for DMARC");
            }
            StringBuilder sb = new StringBuilder();
            while (peek().kind == Kind.ATOM || peek().is('.')) {
                sb.append(next().text);
            }
            if (sb.isEmpty()) {
                throw new Bad(first.column, "expected a domain after '@', found " + show(first));
            }
            String text = sb.toString();
            String problem = DomainName.problem(text);
            if (problem != null || text.startsWith(".") || text.contains("..")) {
                throw new Bad(first.column, "'" + clip(text) + "' is not a domain name"
                        + (problem == null ? "" : " (" + problem + ")"));
            }
            return DomainName.of(text);
        }

        private static String join(List<Token> tokens, boolean spaced) {
            StringBuilder sb = new StringBuilder();
            Token prev = null;
            for (Token t : tokens) {
                if (spaced && prev != null && !t.is('.') && !prev.is('.')) {
                    sb.append(' ');
                }
                sb.append(t.kind == Kind.QUOTED && spaced ? "\"" + t.text + "\"" : t.text);
                prev = t;
            }
            return sb.toString();
        }

        private Token peek() throws Bad {
            if (peeked == null) {
                peeked = lex();
            }
            return peeked;
        }

        private Token next() throws Bad {
            Token t = peek();
            peeked = null;
            return t;
        }

        private Token lex() throws Bad {
            skipCfws();
            int n = s.length();
            if (pos >= n) {
                return new Token(Kind.END, "", n + 1);
            }
            int col = pos + 1;
            char c = s.charAt(pos);
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                pos++;
                while (true) {
                    if (pos >= n) {
                        throw new Bad(col, "quoted string not closed");
                    }
                    char q = s.charAt(pos++);
                    if (q == '"') {
                        return new Token(Kind.QUOTED, sb.toString(), col);
                    }
                    if (q == '\\' && pos < n) {
                        q = s.charAt(pos++);
                    } else if (q == '\r' || q == '\n') {
                        continue; // folding inside a quoted string
                    }
                    sb.append(q);
                }
            }
            if (c == '[') {
                int end = s.indexOf(']', pos);
                if (end < 0) {
                    throw new Bad(col, "domain literal not closed with ']'");
                }
                String lit = s.substring(pos, end + 1);
                pos = end + 1;
                return new Token(Kind.LITERAL, lit, col);
            }
            if (SPECIALS.indexOf(c) >= 0) {
                pos++;
                if (c == ')' || c == ']' || c == '\\') {
                    throw new Bad(col, "unexpected '" + c + "'");
                }
                return new Token(Kind.SPECIAL, String.valueOf(c), col);
            }
            int start = pos;
            while (pos < n) {
                char a = s.charAt(pos);
                if (a <= ' ' || a == 0x7f || SPECIALS.indexOf(a) >= 0) {
                    break;
                }
                pos++;
            }
            if (pos == start) {
                pos++;
                throw new Bad(col, "character " + String.format("U+%04X", (int) c) + " is not allowed here");
            }
            return new Token(Kind.ATOM, s.substring(start, pos), col);
        }

        private void skipCfws() throws Bad {
            int n = s.length();
            while (pos < n) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    pos++;
                } else if (c == '(') {
                    int col = pos + 1;
                    int depth = 0;
                    do {
                        if (pos >= n) {
                            throw new Bad(col, "comment not closed with ')'");
                        }
                        char d = s.charAt(pos++);
                        if (d == '\\') {
                            pos++;
                        } else if (d == '(') {
                            depth++;
                        } else if (d == ')') {
                            depth--;
                        }
                    } while (depth > 0);
                } else {
                    return;
                }
            }
        }

        private static String show(Token t) {
            return switch (t.kind) {
                case END -> "the end of the field";
                case QUOTED -> "a quoted string";
                default -> "'" + clip(t.text) + "'";
            };
        }

        private static String clip(String x) {
            return x.length() <= 40 ? x : x.substring(0, 37) + "...";
        }
    }
}
