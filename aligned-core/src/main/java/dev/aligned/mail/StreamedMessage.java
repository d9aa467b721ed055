package dev.aligned.mail;

import java.io.InputStream;
import java.util.Objects;

/** A header section read from a stream, and the rest of that stream: the body, not yet read. */
public record StreamedMessage(HeaderSection header, InputStream body) {
    public StreamedMessage {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
    }
}
