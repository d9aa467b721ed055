package dev.aligned.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aligned.dmarc.IdentifierCheck.Status;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Identifier alignment as tables: relaxed and strict, SPF and DKIM, subdomains, case, trailing dots, IDN. */
class AlignmentTableTest {

    private static FixtureResolver zone(String alignment) {
        String tags = "; aspf=" + alignment + "; adkim=" + alignment;
        return FixtureResolver.builder()
                .add("_dmarc.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject" + tags))
                .add("_dmarc.xn--bcher-kva.example", DnsRecord.Txt.of("v=DMARC1; p=reject" + tags))
                .add("_dmarc.bank.example", DnsRecord.Txt.of("v=DMARC1; p=reject; psd=y"))
                .add("_dmarc.giant.bank.example", DnsRecord.Txt.of("v=DMARC1; p=reject" + tags))
                .add("_dmarc.dept.example.com", DnsRecord.Txt.of("v=DMARC1; p=reject; psd=n" + tags))
                .build();
    }

    private static Status check(String author, String identifier, String alignment, boolean spf) {
        DmarcInput in = DmarcInput.of(DomainName.of(author));
        in = spf ? in.withSpf(SpfOutcome.mailFrom(DomainName.of(identifier), AuthResult.PASS))
                : in.withDkim(DkimOutcome.of(DomainName.of(identifier), AuthResult.PASS));
        DmarcEvaluation e = DmarcEvaluator.builder(zone(alignment)).build().evaluate(in);
        return e.checks().get(0).status();
    }

    @ParameterizedTest(name = "{0} vs {1}, {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            // author             | identifier             | mode | expected
            "example.com          | example.com            | r | ALIGNED",
            "example.com          | example.com            | s | ALIGNED",
            "news.example.com     | foo.example.com        | r | ALIGNED",     // RFC 9989 Table 1, row 1
            "news.example.com     | foo.example.com        | s | NOT_ALIGNED",
            "news.example.com     | news.example.com       | s | ALIGNED",     // Table 1, row 2
            "news.example.com     | foo.example.net        | r | NOT_ALIGNED", // Table 1, row 3
            "example.com          | mail.example.com       | r | ALIGNED",
            "mail.example.com     | example.com            | r | ALIGNED",
            "example.com          | mail.example.com       | s | NOT_ALIGNED",
            "Example.COM          | example.com.           | s | ALIGNED",     // case and trailing dot
            "example.com.         | MAIL.example.com       | r | ALIGNED",
            "bücher.example       | xn--bcher-kva.example  | s | ALIGNED",     // U-label vs A-label
            "a.bücher.example     | b.xn--bcher-kva.example| r | ALIGNED",
            "giant.bank.example   | mail.giant.bank.example| r | ALIGNED",     // psd=y above
            "giant.bank.example   | mega.bank.example      | r | NOT_ALIGNED",
            "a.dept.example.com   | b.dept.example.com     | r | ALIGNED",     // psd=n makes dept its own org
            "a.dept.example.com   | example.com            | r | NOT_ALIGNED",
            "example.com          | example.com.evil.net   | r | NOT_ALIGNED",
            "example.com          | notexample.com         | r | NOT_ALIGNED",
    })
    void alignment(String author, String identifier, String mode, Status expected) {
        assertEquals(expected, check(author, identifier, mode, true), "SPF");
        assertEquals(expected, check(author, identifier, mode, false), "DKIM");
    }
}
