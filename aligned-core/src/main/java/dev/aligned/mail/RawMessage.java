package dev.aligned.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
    private final byte[] body;

    private RawMessage(HeaderSection header, byte[] body) {
        this.header = header;
        this.body = body;
    }

    /** A message of the given header section and body. */
    public static RawMessage of(HeaderSection header, byte[] body) {
        return new RawMessage(Objects.requireNonNull(header, "header"), Objects.requireNonNull(body, "body").clone());
    }

    /** Parses {@code bytes} with the default limits; never throws for malformed content. */
    public static RawMessage parse(byte[] bytes) {
        return parse(bytes, MessageLimits.DEFAULT);
    }

    /** Parses {@code bytes}; never throws for malformed content. */
    public static RawMessage parse(byte[] bytes, MessageLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return read(new ByteArrayInputStream(bytes), limits);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /** Reads a whole message from {@code in}. */
    public static RawMessage read(InputStream in, MessageLimits limits) throws IOException {
        StreamedMessage s = HeaderSection.read(in, limits);
        return new RawMessage(s.header(), s.body().readAllBytes());
    }

    /** The header section. */
    public HeaderSection header() {
        return header;
    }

    /** The body bytes exactly as received (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** The body as a stream, without copying. */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    /** The number of body bytes. */
    public int bodyLength() {
        return body.length;
    }
}
