package dev.aligned.auth;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-message resolver that asks each (name, type) once, even when SPF, DKIM and DMARC ask at the same time
 * from different threads: the second asker waits for the first one's answer.
 */
final class MemoResolver implements DnsResolver {
    private record Key(DomainName name, DnsType type) {
    }

    private final DnsResolver delegate;
    private final ConcurrentHashMap<Key, CompletableFuture<DnsAnswer>> answers = new ConcurrentHashMap<>();

    MemoResolver(DnsResolver delegate) {
        this.delegate = delegate;
    }

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> existing = answers.putIfAbsent(new Key(name, type), mine);
        if (existing != null) {
            return existing.join();
        }
        try {
            DnsAnswer a = delegate.lookup(name, type);
            mine.complete(a);
            return a;
        } catch (RuntimeException e) {
            DnsAnswer failed = new DnsAnswer.TempFailure(name, type, "resolver error: " + e);
            mine.complete(failed);
            return failed;
        }
    }
}
