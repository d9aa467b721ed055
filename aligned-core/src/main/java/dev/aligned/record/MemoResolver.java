package dev.aligned.record;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsQuery;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/** Asks each (name, type) once per check; concurrent askers of the same question wait for one answer. */
final class MemoResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final ConcurrentHashMap<DnsQuery, CompletableFuture<DnsAnswer>> answers = new ConcurrentHashMap<>();

    MemoResolver(DnsResolver delegate) {
        this.delegate = delegate;
    }

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        DnsQuery q = new DnsQuery(name, type);
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> f = answers.putIfAbsent(q, mine);
        if (f == null) {
            try {
                DnsAnswer a = delegate.lookup(name, type);
                mine.complete(a);
                return a;
            } catch (RuntimeException e) {
                DnsAnswer a = new DnsAnswer.TempFailure(name, type, "resolver failed: " + e);
                mine.complete(a);
                return a;
            }
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DnsAnswer.TempFailure(name, type, "interrupted");
        } catch (ExecutionException e) {
            return new DnsAnswer.TempFailure(name, type, "resolver failed: " + e.getCause());
        }
    }

    int size() {
        return answers.size();
    }
}
