package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DkimNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            legitimate.com(.attacker.com | 14 | character '('
            a..b                         | 2  | empty label
            .a                           | 0  | empty label
            a.                           | 2  | empty label
            exa mple.com                 | 3  | character space
            """)
    void problemsAreNamedAndPlaced(String name, int offset, String problem) {
        assertEquals(offset, DkimNames.badOffset(name));
        assertEquals(problem, DkimNames.problem(name));
    }

    @ParameterizedTest
    @CsvSource({"example.com", "_dmarc.sub-1.example.com", "s2026._domainkey"})
    void validNamesHaveNoProblem(String name) {
        assertNull(DkimNames.problem(name));
        assertEquals(-1, DkimNames.badOffset(name));
    }

    @ParameterizedTest
    @CsvSource({"64", "300"})
    void overlongLabelsAndNamesAreNamed(int n) {
        String name = n == 64 ? "a".repeat(64) + ".com" : ("a".repeat(60) + ".").repeat(5) + "com";
        assertEquals(n == 64 ? "label longer than 63 characters" : "longer than 253 characters", DkimNames.problem(name));
    }
}
