package dev.aligned.dkim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The base64 of {@code b=} and {@code bh=} with folding whitespace anywhere (squeezed out in runs, eight octets
 * at a time) decodes to the same octets as without it; other octets at or below space are not dropped, so
 * they still make the value invalid.
 */
class SignatureBase64PropertyTest {

    @Property(tries = 1000)
    void whitespaceAnywhereIsIgnored(@ForAll @Size(max = 300) byte[] data, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 40) int spaces) {
        String plain = Base64.getEncoder().encodeToString(data);
        StringBuilder folded = new StringBuilder(plain);
        Random r = new Random(seed);
        String[] ws = {" ", "\t", "\r\n ", "\r\n\t", "  ", "\n"};
        for (int k = 0; k < spaces; k++) {
            folded.insert(r.nextInt(folded.length() + 1), ws[r.nextInt(ws.length)]);
        }
        byte[] got = DkimSignature.base64(folded.toString());
        assertArrayEquals(data, got, () -> folded.toString().replace("\r", "\\r").replace("\n", "\\n"));
    }

    @Property(tries = 300)
    void aControlOctetOrACharAboveLatin1MakesItInvalid(@ForAll @Size(min = 3, max = 120) byte[] data,
            @ForAll long seed, @ForAll boolean control) {
        String plain = Base64.getEncoder().encodeToString(data);
        int at = new Random(seed).nextInt(plain.length() + 1);
        String bad = plain.substring(0, at) + (control ? "\u000b" : "\u0141") + plain.substring(at);
        assertNull(DkimSignature.base64(bad));
    }
}
