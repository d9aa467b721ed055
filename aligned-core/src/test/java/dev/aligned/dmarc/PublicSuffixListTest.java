package dev.aligned.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dns.DomainName;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PublicSuffixListTest {

    /** The official PSL test vectors (tests/tests.txt, CC0), run against the bundled list. */
    @TestFactory
    Stream<DynamicTest> officialTestVectors() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/corpora/psl/tests.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<DynamicTest> tests = new ArrayList<>();
        PublicSuffixList psl = PublicSuffixList.bundled();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("//")) {
                continue; // comments, including the vectors the upstream file itself comments out
            }
            String[] parts = l.split("\\s+");
            String input = parts[0];
            String expected = parts[1];
            tests.add(DynamicTest.dynamicTest(l, () -> {
                // "null" input and names with a leading dot are not domain names: no registrable domain.
                Optional<DomainName> name = input.equals("null") || input.startsWith(".")
                        ? Optional.empty() : DomainName.parse(input);
                Optional<DomainName> got = name.flatMap(psl::registrableDomain);
                Optional<DomainName> want = expected.equals("null") ? Optional.empty()
                        : Optional.of(DomainName.of(expected));
                assertEquals(want, got, l);
            }));
        }
        assertEquals(78, tests.size(), "all 78 active vectors in tests.txt are run");
        return tests.stream();
    }

    @Test
    void bundledListIsComplete() {
        assertTrue(PublicSuffixList.bundled().size() > 9000, "rules: " + PublicSuffixList.bundled().size());
    }

    @Test
    void replacementListIsUsedInsteadOfTheBundledOne() throws IOException {
        PublicSuffixList custom = PublicSuffixList.parse(new StringReader("// test\nexample\n*.wild.example\n"
                + "!keep.wild.example\n"));
        assertEquals(Optional.of(DomainName.of("a.example")), custom.registrableDomain(DomainName.of("b.a.example")));
        assertEquals(Optional.of(DomainName.of("b.x.wild.example")),
                custom.registrableDomain(DomainName.of("a.b.x.wild.example")));
        assertEquals(Optional.of(DomainName.of("keep.wild.example")),
                custom.registrableDomain(DomainName.of("a.keep.wild.example")));
        // unlisted TLD: the implicit "*" rule
        assertEquals(Optional.of(DomainName.of("example.com")), custom.registrableDomain(DomainName.of("x.example.com")));
    }
}
