package dev.aligned.mail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One header field exactly as received: name, colon, value and any folding, without the final line break.
 * Byte-preserving text views use ISO-8859-1 so that every octet maps to one {@code char} and offsets agree.
 *
 * <pre>{@code
 * HeaderField f = HeaderField.of("Subject: hello\r\n world");
 * f.name();          // "Subject"
 * f.value();         // " hello\r\n world"
 * f.crlfBytes();     // the bytes with every line break as CRLF, as DKIM canonicalises them
 * }</pre>
 */
public final class HeaderField {
    private final String name;
    private final byte[] raw;
    private final int colon;
    private final int line;

    HeaderField(String name, byte[] raw, int colon, int line) {
        this.name = name;
        this.raw = raw;
        this.colon = colon;
        this.line = line;
    }

    /**
     * A field from its text (ISO-8859-1 octets), for building messages in code and tests.
     *
     * @throws IllegalArgumentException when {@code text} has no colon or no valid field name
     */
    public static HeaderField of(String text) {
        Objects.requireNonNull(text, "text");
        byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
        String problem = HeaderSection.nameProblem(raw, raw.length);
        if (problem != null) {
            throw new IllegalArgumentException("invalid header field '" + text + "': " + problem);
        }
        int colon = indexOf(raw, (byte) ':');
        return new HeaderField(HeaderSection.fieldName(raw, colon), raw, colon, 0);
    }

    static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** The field name as written (without trailing whitespace before the colon). */
    public String name() {
        return name;
    }

    /** True when this field's name equals {@code other}, ignoring ASCII case. */
    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The exact bytes received (a copy), without the final line break. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The number of bytes in {@link #raw()}. */
    public int length() {
        return raw.length;
    }

    /** The whole field as ISO-8859-1 text, one char per octet. */
    public String rawText() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** Everything after the colon, as ISO-8859-1 text (one char per octet, folding kept). */
    public String value() {
        return new String(raw, colon + 1, raw.length - colon - 1, StandardCharsets.ISO_8859_1);
    }

    /** Everything after the colon decoded as UTF-8 (invalid octets become U+FFFD), for display. */
    public String valueUtf8() {
        return new String(raw, colon + 1, raw.length - colon - 1, StandardCharsets.UTF_8);
    }

    /** The offset of the colon in {@link #raw()}. */
    public int colonOffset() {
        return colon;
    }

    /** The 1-based line of the message where this field starts (0 for fields built in code). */
    public int line() {
        return line;
    }

    /** The bytes with every bare LF turned into CRLF (the form on the wire), without a final line break. */
    public byte[] crlfBytes() {
        return crlf(raw);
    }

    /** {@code bytes} with every bare LF turned into CRLF (a copy). */
    public static byte[] crlf(byte[] raw) {
        int extra = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                extra++;
            }
        }
        if (extra == 0) {
            return raw.clone();
        }
        byte[] out = new byte[raw.length + extra];
        int o = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                out[o++] = '\r';
            }
            out[o++] = raw[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderField f && Arrays.equals(raw, f.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return rawText();
    }
}
