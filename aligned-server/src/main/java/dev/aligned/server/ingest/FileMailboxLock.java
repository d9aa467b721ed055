package dev.aligned.server.ingest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;

/** {@link MailboxLock} on OS file locks: one lock file per mailbox in a directory. */
final class FileMailboxLock implements MailboxLock {
    private final Path directory;

    FileMailboxLock(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    @Override
    public Optional<Lease> tryLock(String mailboxKey) {
        Path file = directory.resolve("aligned-mailbox-" + Long.toHexString(MailboxLock.lockKey(mailboxKey)) + ".lock");
        FileChannel ch = null;
        try {
            Files.createDirectories(directory);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                ch.close();
                return Optional.empty();
            }
            FileChannel channel = ch;
            FileLock held = lock;
            return Optional.of(new Lease() {
                @Override
                public boolean isValid() {
                    return held.isValid();
                }

                @Override
                public void close() {
                    try (channel) {
                        held.release();
                    } catch (IOException e) {
                        // closing the channel releases the lock anyway
                    }
                }
            });
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new LockUnavailableException("cannot take the mailbox lock file " + file + ": " + e.getMessage(), e);
        }
    }
}
