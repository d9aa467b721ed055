package dev.aligned.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DomainNameTest {

    private static String invalid(String text) {
        return assertThrows(IllegalArgumentException.class, () -> DomainName.of(text)).getMessage();
    }

    @Test
    void isLowerCasedAndLosesTheTrailingDot() {
        DomainName d = DomainName.of("Mail.Example.COM.");
        assertEquals("mail.example.com", d.name());
        assertEquals("mail.example.com", d.toString());
        assertEquals(List.of("mail", "example", "com"), d.labels());
        assertEquals(3, d.labelCount());
        assertEquals(DomainName.of("mail.example.com"), d);
        assertEquals(DomainName.of("MAIL.EXAMPLE.COM").hashCode(), d.hashCode());
    }

    @Test
    void rootIsTheEmptyNameOrADot() {
        assertSame(DomainName.ROOT, DomainName.of("."));
        assertTrue(DomainName.ROOT.isRoot());
        assertEquals("", DomainName.ROOT.name());
        assertEquals(0, DomainName.ROOT.labelCount());
        assertEquals("invalid domain name '': empty", invalid(""));
    }

    @Test
    void internationalisedLabelsBecomeALabels() {
        assertEquals("xn--mnchen-3ya.de", DomainName.of("M\u00fcnchen.DE").name());
        assertEquals("xn--bcher-kva.example", DomainName.of("b\u00fccher.example").name());
        // the ideographic full stop separates labels as a dot does (IDNA)
        assertEquals("xn--r8jz45g.xn--zckzah", DomainName.of("\u4f8b\u3048\u3002\u30c6\u30b9\u30c8").name());
        assertEquals("m\u00fcnchen.de", DomainName.of("xn--mnchen-3ya.de").toUnicode());
        // an A-label given as such stays as it is
        assertEquals("xn--mnchen-3ya.de", DomainName.of("XN--MNCHEN-3YA.de").name());
    }

    @Test
    void emptyLabelsAreRejectedWithTheirPosition() {
        assertEquals("invalid domain name 'bad..name': empty label at position 5", invalid("bad..name"));
        assertEquals("invalid domain name '.example.com': empty label at position 1", invalid(".example.com"));
        assertEquals("invalid domain name 'example.com..': empty label at position 13", invalid("example.com.."));
    }

    @Test
    void labelLongerThan63IsRejected() {
        String l63 = "a".repeat(63);
        assertEquals(l63 + ".example", DomainName.of(l63 + ".example").name());
        String l64 = "a".repeat(64);
        assertEquals("invalid domain name '" + l64 + ".example': label '" + l64 + "' is longer than 63 characters",
                invalid(l64 + ".example"));
    }

    @Test
    void nameLongerThan253IsRejected() {
        String l63 = "a".repeat(63);
        String n253 = l63 + "." + l63 + "." + l63 + "." + "b".repeat(61);
        assertEquals(253, n253.length());
        assertEquals(n253, DomainName.of(n253).name());
        assertEquals(n253, DomainName.of(n253 + ".").name(), "the trailing dot does not count");
        String n254 = n253 + "c";
        assertEquals("invalid domain name '" + n254 + "': longer than 253 characters", invalid(n254));
    }

    @Test
    void controlAndNonAsciiCharactersAreRejectedWithTheirPosition() {
        assertEquals("invalid domain name 'a\u0001b.example': character U+0001 at position 2", invalid("a\u0001b.example"));
        assertEquals("invalid domain name 'ab\u007f': character U+007F at position 3", invalid("ab\u007f"));
        assertEquals("invalid domain name 'a\tb': character U+0009 at position 2", invalid("a\tb"));
    }

    @Test
    void printableAsciiIsAllowedInLabels() {
        // SPF macro expansion can put such characters in a name
        assertEquals("first_last+tag.example.com", DomainName.of("First_Last+Tag.example.com").name());
        assertEquals("a b.example", DomainName.of("a b.example").name());
        assertFalse(DomainName.of("a b.example").isHostname());
        assertTrue(DomainName.of("_dmarc.example.com").isHostname());
        assertFalse(DomainName.of("-bad.example").isHostname());
    }

    @Test
    void parseAndProblemDoNotThrow() {
        assertEquals(Optional.empty(), DomainName.parse("bad..name"));
        assertEquals(Optional.empty(), DomainName.parse(null));
        assertEquals(Optional.of(DomainName.of("example.com")), DomainName.parse("EXAMPLE.com"));
        assertNull(DomainName.problem("example.com"));
        assertEquals("empty label at position 5", DomainName.problem("bad..name"));
    }

    @Test
    void parentDropsTheLeftmostLabel() {
        assertEquals(DomainName.of("example.com"), DomainName.of("mail.example.com").parent());
        assertEquals(DomainName.of("com"), DomainName.of("example.com").parent());
        assertSame(DomainName.ROOT, DomainName.of("com").parent());
        assertSame(DomainName.ROOT, DomainName.ROOT.parent());
        assertEquals(List.of("example", "com"), DomainName.of("mail.example.com").parent().labels());
    }

    @Test
    void suffixKeepsTheRightmostLabels() {
        DomainName d = DomainName.of("a.b.example.com");
        assertEquals(DomainName.of("example.com"), d.suffix(2));
        assertEquals(DomainName.of("com"), d.suffix(1));
        assertSame(DomainName.ROOT, d.suffix(0));
        assertSame(d, d.suffix(4));
        assertSame(d, d.suffix(10));
        assertEquals(2, d.suffix(2).labelCount());
    }

    @Test
    void childAddsALabel() {
        assertEquals(DomainName.of("_dmarc.example.com"), DomainName.of("example.com").child("_dmarc"));
        assertEquals(DomainName.of("com"), DomainName.ROOT.child("COM"));
        assertThrows(IllegalArgumentException.class, () -> DomainName.of("example.com").child("a".repeat(64)));
    }

    @Test
    void isSubdomainOfComparesWholeLabels() {
        DomainName example = DomainName.of("example.com");
        assertTrue(DomainName.of("a.example.com").isSubdomainOf(example));
        assertTrue(DomainName.of("x.y.example.com").isSubdomainOf(example));
        assertTrue(example.isSubdomainOf(example));
        assertFalse(DomainName.of("badexample.com").isSubdomainOf(example));
        assertFalse(example.isSubdomainOf(DomainName.of("a.example.com")));
        assertTrue(example.isSubdomainOf(DomainName.ROOT));
        assertFalse(DomainName.ROOT.isSubdomainOf(example));
    }

    @Test
    void ordersByNormalisedText() {
        assertTrue(DomainName.of("A.example").compareTo(DomainName.of("b.example")) < 0);
        assertEquals(0, DomainName.of("A.example").compareTo(DomainName.of("a.EXAMPLE.")));
        assertNotEquals(DomainName.of("a.example"), DomainName.of("a.example.com"));
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
                .ofMinLength(1).ofMaxLength(63);
        return label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l))
                .filter(s -> s.length() <= DomainName.MAX_LENGTH);
    }

    @Property
    void normalisingIsIdempotentAndCaseInsensitive(@ForAll("names") String text) {
        DomainName d = DomainName.of(text);
        assertEquals(d, DomainName.of(d.name()));
        assertEquals(d, DomainName.of(text.toUpperCase(Locale.ROOT) + "."));
        assertEquals(text.toLowerCase(Locale.ROOT), d.name());
        assertEquals(d, d.suffix(d.labelCount() - 1).child(d.labels().get(0)));
        assertTrue(d.isSubdomainOf(d.parent()));
    }
}
