package dev.aligned.mail;

import java.util.Objects;

/** Something malformed in a message's header section, at a 1-based line number, with what was done about it. */
public record MessageProblem(int line, String message) {
    public MessageProblem {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "line " + line + ": " + message;
    }
}
