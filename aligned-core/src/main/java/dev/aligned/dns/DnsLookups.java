package dev.aligned.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs several DNS lookups at once, one virtual thread each, and gives the answers in the order asked.
 *
 * <pre>{@code
 * List<DnsAnswer> answers = DnsLookups.all(dns, List.of(
 *         DnsQuery.of("example.com", DnsType.TXT),
 *         DnsQuery.of("_dmarc.example.com", DnsType.TXT)), Duration.ofSeconds(10));
 * }</pre>
 */
public final class DnsLookups {
    /** The most lookups one call may start. */
    public static final int MAX_QUERIES = 10_000;

    private DnsLookups() {
    }

    /**
     * Asks {@code resolver} every query concurrently and waits at most {@code deadline} in all. A lookup not
     * answered by then gives a {@link DnsAnswer.TempFailure} saying so, and its thread is interrupted.
     *
     * @throws IllegalArgumentException when more than {@value #MAX_QUERIES} queries are given or the deadline
     *         is not positive
     */
    public static List<DnsAnswer> all(DnsResolver resolver, List<DnsQuery> queries, Duration deadline) {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(deadline, "deadline");
        if (queries.size() > MAX_QUERIES) {
            throw new IllegalArgumentException("at most " + MAX_QUERIES + " queries at once, not " + queries.size());
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, not " + deadline);
        }
        List<DnsQuery> qs = List.copyOf(queries);
        List<CompletableFuture<DnsAnswer>> futures = new ArrayList<>(qs.size());
        List<Thread> threads = new ArrayList<>(qs.size());
        for (DnsQuery q : qs) {
            CompletableFuture<DnsAnswer> f = new CompletableFuture<>();
            futures.add(f);
            threads.add(Thread.ofVirtual().name("dns-" + q).start(() -> {
                try {
                    f.complete(q.askOf(resolver));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            }));
        }
        long end = System.nanoTime() + deadline.toNanos();
        List<DnsAnswer> answers = new ArrayList<>(qs.size());
        boolean interrupted = false;
        for (int i = 0; i < qs.size(); i++) {
            DnsQuery q = qs.get(i);
            CompletableFuture<DnsAnswer> f = futures.get(i);
            DnsAnswer a;
            try {
                long left = end - System.nanoTime();
                a = interrupted ? f.getNow(null) : f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (a == null) {
                    a = late(q, "interrupted before an answer came");
                }
            } catch (TimeoutException e) {
                a = late(q, "no answer within " + deadline.toMillis() + " ms");
            } catch (InterruptedException e) {
                interrupted = true;
                a = f.getNow(null);
                if (a == null) {
                    a = late(q, "interrupted before an answer came");
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                a = late(q, "resolver failed: " + c);
            }
            if (a instanceof DnsAnswer.TempFailure && !f.isDone()) {
                threads.get(i).interrupt();
            }
            answers.add(a);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(answers);
    }

    private static DnsAnswer late(DnsQuery q, String why) {
        return new DnsAnswer.TempFailure(q.name(), q.type(), why);
    }
}
