package dev.aligned.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A whole message held in memory: the header section exactly as received and the body as bytes. For large
 * messages prefer {@link HeaderSection#read(InputStream, MessageLimits)}, which streams the body.
 *
 * <pre>{@code
 * RawMessage m = RawMessage.parse(Files.readAllBytes(path));
 * m.header().first("Subject").ifPresent(f -> System.out.println(f.valueUtf8()));
 * m.header().problems().forEach(System.out::println);   // "line 3: not a header field (no colon); line ignored"
 * }</pre>
 */
public final class RawMessage {
    private final HeaderSection header;
    /** The body is {@code bytes[offset, bytes.length)}. */
    private final byte[] bytes;
    private final int offset;

    private RawMessage(HeaderSection header, byte[] bytes, int offset) {
        this.header = header;
        this.bytes = bytes;
        this.offset = offset;
    }

    /** A message of the given header section and body (copied). */
    public static RawMessage of(HeaderSection header, byte[] body) {
        return new RawMessage(Objects.requireNonNull(header, "header"), Objects.requireNonNull(body, "body").clone(),
                0);
    }

    /**
     * Parses {@code bytes} with the default limits; never throws for malformed content. The body is not copied:
     * the message reads it from {@code bytes}, which must not be modified afterwards.
     */
    public static RawMessage parse(byte[] bytes) {
        return parse(bytes, MessageLimits.DEFAULT);
    }

    /** Parses {@code bytes} (not copied, so not to be modified afterwards); never throws for malformed content. */
    public static RawMessage parse(byte[] bytes, MessageLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        // The body is the tail of the array and is used where it lies (copying 100 KB costs as much as a tenth
        // of DKIM-verifying it); the header fields are cut from the array without a stream in between.
        HeaderSection.InArray h = HeaderSection.read(bytes, Objects.requireNonNull(limits, "limits"));
        return new RawMessage(h.header(), bytes, h.bodyOffset());
    }

    /** Reads a whole message from {@code in}. */
    public static RawMessage read(InputStream in, MessageLimits limits) throws IOException {
        StreamedMessage s = HeaderSection.read(in, limits);
        return new RawMessage(s.header(), s.body().readAllBytes(), 0);
    }

    /** The header section. */
    public HeaderSection header() {
        return header;
    }

    /** The body bytes exactly as received (a copy). */
    public byte[] body() {
        return Arrays.copyOfRange(bytes, offset, bytes.length);
    }

    /** The body as a stream, without copying. */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(bytes, offset, bytes.length - offset);
    }

    /**
     * Writes the whole body to {@code out} in one {@code write(byte[], int, int)} call straight from the
     * message's own array, without copying (like {@link java.io.ByteArrayOutputStream#writeTo}): {@code out}
     * must neither modify that array nor keep it.
     */
    public void writeBodyTo(OutputStream out) throws IOException {
        out.write(bytes, offset, bytes.length - offset);
    }

    /** The number of body bytes. */
    public int bodyLength() {
        return bytes.length - offset;
    }
}
