package dev.aligned.server.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link FileClaims} on one {@link MailboxLock} per directory; the offers live in this process. */
final class LockingFileClaims implements FileClaims {
    private final MailboxLock lock;
    private final Map<Path, Set<String>> offered = new ConcurrentHashMap<>();

    LockingFileClaims(MailboxLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    @Override
    public void offer(Path directory, Collection<String> names) {
        Set<String> set = offered.computeIfAbsent(directory.toAbsolutePath().normalize(), d -> new LinkedHashSet<>());
        synchronized (set) {
            set.addAll(names);
        }
    }

    @Override
    public Batch claim(Path directory, int max) {
        Path dir = directory.toAbsolutePath().normalize();
        Set<String> set = offered.computeIfAbsent(dir, d -> new LinkedHashSet<>());
        List<String> names = new ArrayList<>();
        synchronized (set) {
            for (String n : set) {
                if (names.size() >= max) {
                    break;
                }
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            return empty();
        }
        Optional<MailboxLock.Lease> lease = lock.tryLock("directory:" + dir);
        if (lease.isEmpty()) {
            return empty();
        }
        MailboxLock.Lease held = lease.get();
        List<String> claimed = List.copyOf(names);
        return new Batch() {
            @Override
            public List<String> names() {
                return claimed;
            }

            @Override
            public void done(String name) {
                synchronized (set) {
                    set.remove(name);
                }
            }

            @Override
            public void close() {
                held.close();
            }
        };
    }

    private static Batch empty() {
        return new Batch() {
            @Override
            public List<String> names() {
                return List.of();
            }

            @Override
            public void done(String name) {
                throw new IllegalArgumentException("not claimed: " + name);
            }

            @Override
            public void close() {
            }
        };
    }
}
