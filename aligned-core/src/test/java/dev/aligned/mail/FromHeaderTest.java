package dev.aligned.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DomainName;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FromHeaderTest {

    private static FromHeader.Author author(String value) {
        return assertInstanceOf(FromHeader.Author.class, FromHeader.parse(value), value);
    }

    private static String malformed(String value) {
        return assertInstanceOf(FromHeader.Malformed.class, FromHeader.parse(value), value).message();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "user@example.com                                   | example.com | user",
            " John Doe <john@example.com>                       | example.com | john",
            "\"Doe, John\" <john@example.com>                   | example.com | john",
            "\"john@evil.example\" <john@example.com>           | example.com | john",
            "(comment) john (more (nested) comment) @ example.com (c) | example.com | john",
            "John Q. Public <jqp@example.com>                   | example.com | jqp",
            "<\"john doe\"@example.com>                         | example.com | john doe",
            "\"a\\\"b\"@example.com                             | example.com | a\"b",
            "first.last@Mail.Example.COM                        | mail.example.com | first.last",
            "=?utf-8?q?J=C3=B6rg?= <joerg@example.com>          | example.com | joerg",
            "<@relay.example,@other.example:user@example.com>   | example.com | user",
            "Jörg <jörg@bücher.example>                         | xn--bcher-kva.example | jörg",
            "user@example.com.                                  | example.com | user",
            "Team: a@example.com, b@example.com;                | example.com | a",
    })
    void extractsTheAuthorDomain(String value, String domain, String firstLocalPart) {
        FromHeader.Author a = author(value);
        assertEquals(DomainName.of(domain), a.domain());
        assertEquals(firstLocalPart, a.mailboxes().get(0).localPart());
    }

    @Test
    void severalAddressesInOneDomainAreOneAuthorDomain() {
        FromHeader.Author a = author("a@example.com, B <b@EXAMPLE.com>");
        assertEquals(2, a.mailboxes().size());
        assertEquals(DomainName.of("example.com"), a.domain());
    }

    @Test
    void severalDomainsAreExemptFromDmarc() {
        var m = assertInstanceOf(FromHeader.MultipleDomains.class,
                FromHeader.parse("a@example.com, b@example.net"));
        assertEquals(List.of(DomainName.of("example.com"), DomainName.of("example.net")), m.domains());
    }

    @Test
    void emptyGroupHasNoDomain() {
        assertEquals("From, column 1: no address (an empty group such as 'undisclosed-recipients:;' has no domain)",
                malformed("undisclosed-recipients:;"));
    }

    @Test
    void malformedFieldsSayWhereAndWhat() {
        assertEquals("From, column 1: 'John Doe' is not an address (no '@domain')", malformed("John Doe"));
        assertEquals("From, column 1: the From field is empty", malformed("   "));
        assertEquals("From, column 7: domain literal [192.0.2.1] has no domain name for DMARC",
                malformed("<user@[192.0.2.1]>"));
        assertEquals("From, column 6: quoted string not closed", malformed("Bob <\"bob@example.com>"));
        assertEquals("From, column 1: comment not closed with ')'", malformed("(oops bob@example.com"));
        assertEquals("From, column 18: expected ',' between addresses, found '<'",
                malformed("john@example.org <x@example.com>"));
        assertEquals("From, column 9: expected '>' after the address, found the end of the field",
                malformed("<a@b.com"));
        assertEquals("From, column 3: 'exa..mple.com' is not a domain name (empty label at position 5)",
                malformed("a@exa..mple.com"));
        assertEquals("From, column 20: group not closed with ';'", malformed("Team: a@example.com"));
    }

    @Test
    void noFromAndRepeatedFromAreReported() {
        RawMessage none = RawMessage.parse("To: a@example.com\r\nSubject: x\r\n\r\nbody\r\n"
                .getBytes(StandardCharsets.UTF_8));
        assertInstanceOf(FromHeader.NoFrom.class, FromHeader.extract(none.header()));
        RawMessage two = RawMessage.parse("From: a@example.com\r\nfrom: b@example.com\r\n\r\nbody\r\n"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(new FromHeader.MultipleFields(2), FromHeader.extract(two.header()));
    }

    @Test
    void foldedFieldFromARealMessage() {
        RawMessage m = RawMessage.parse(("From: \"Example\r\n Sender\" (team)\r\n\t<news@example.com>\r\n"
                + "Subject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8));
        FromHeader.Author a = assertInstanceOf(FromHeader.Author.class, FromHeader.extract(m.header()));
        assertEquals(DomainName.of("example.com"), a.domain());
        assertEquals("news@example.com", a.mailboxes().get(0).address());
    }

    @Test
    void utf8FromFieldBecomesAnALabel() {
        RawMessage m = RawMessage.parse("From: Jörg <jörg@bücher.example>\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        FromHeader.Author a = assertInstanceOf(FromHeader.Author.class, FromHeader.extract(m.header()));
        assertEquals("xn--bcher-kva.example", a.domain().name());
    }

    @Property
    void neverThrowsOnArbitraryValues(@ForAll String value) {
        FromHeader.Result r = FromHeader.parse(value);
        assertTrue(r instanceof FromHeader.Author || r instanceof FromHeader.Malformed
                || r instanceof FromHeader.MultipleDomains);
    }
}
