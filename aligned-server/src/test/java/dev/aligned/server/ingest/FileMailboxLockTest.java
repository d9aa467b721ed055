package dev.aligned.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMailboxLockTest {
    @TempDir
    Path tmp;

    @Test
    void aMailboxLockFileIsExclusiveAndReleasedOnClose() throws Exception {
        MailboxLock a = MailboxLock.files(tmp.resolve("locks"));
        MailboxLock b = MailboxLock.files(tmp.resolve("locks"));
        try (MailboxLock.Lease l = a.tryLock("imap://u@h:993/INBOX").orElseThrow()) {
            assertTrue(l.isValid());
            assertEquals(Optional.empty(), b.tryLock("imap://u@h:993/INBOX"));
            try (MailboxLock.Lease other = b.tryLock("imap://u@h:993/Other").orElseThrow()) {
                assertTrue(other.isValid());
            }
        }
        try (MailboxLock.Lease again = b.tryLock("imap://u@h:993/INBOX").orElseThrow()) {
            assertTrue(again.isValid());
        }
        try (var files = Files.list(tmp.resolve("locks"))) {
            assertEquals(2, files.count(), "one lock file per mailbox");
        }
    }

    @Test
    void theLockKeyIsStableAndDiffersPerMailbox() {
        assertEquals(MailboxLock.lockKey("imap://u@h:993/INBOX"), MailboxLock.lockKey("imap://u@h:993/INBOX"));
        assertTrue(MailboxLock.lockKey("imap://u@h:993/INBOX") != MailboxLock.lockKey("imap://u@h:993/inbox"));
    }
}
