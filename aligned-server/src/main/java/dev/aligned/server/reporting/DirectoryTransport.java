package dev.aligned.server.reporting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;

/**
 * The dry-run transport: writes each message as {@code <message-id>.eml} into a folder instead of sending it
 * (atomically: a temporary file renamed into place).
 */
public final class DirectoryTransport implements MailTransport {
    private final Path dir;

    public DirectoryTransport(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public String send(String envelopeFrom, String recipient, String messageId, byte[] message) throws SendException {
        String name = (messageId + "." + recipient).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.@_-]", "_") + ".eml";
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".aligned", ".tmp");
            Files.write(tmp, message);
            Path target = dir.resolve(name);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return "written to " + target;
        } catch (IOException e) {
            throw new SendException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), false, e);
        }
    }

    /** The folder written to. */
    public Path directory() {
        return dir;
    }
}
