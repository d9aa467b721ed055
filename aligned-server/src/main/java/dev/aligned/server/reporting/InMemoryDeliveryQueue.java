package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link DeliveryQueue} in memory: for tests and dry runs. Thread-safe. */
public final class InMemoryDeliveryQueue implements DeliveryQueue {
    private record RunKey(DomainName domain, LocalDate day) {
    }

    private final Set<RunKey> runs = new HashSet<>();
    private final Map<Long, Delivery> deliveries = new java.util.TreeMap<>();
    private final Map<Long, byte[]> messages = new HashMap<>();
    private long nextId = 1;

    @Override
    public synchronized boolean addRun(Delivery.Run run, List<Delivery.New> list, Instant now) {
        if (!runs.add(new RunKey(run.domain(), run.day()))) {
            return false;
        }
        add(list, now);
        return true;
    }

    @Override
    public synchronized boolean hasRun(DomainName domain, LocalDate day) {
        return runs.contains(new RunKey(domain, day));
    }

    @Override
    public synchronized void add(List<Delivery.New> list, Instant now) {
        for (Delivery.New n : list) {
            boolean dup = deliveries.values().stream().anyMatch(d -> d.kind() == n.kind()
                    && d.reportId().equals(n.reportId()) && d.destination().equals(n.destination())
                    && d.recipient().equals(n.recipient()));
            if (dup) {
                continue;
            }
            long id = nextId++;
            deliveries.put(id, new Delivery(id, n.kind(), n.domain(), n.day(), n.reportId(), n.destination(),
                    n.recipient(), n.messageId(), n.message().length, n.state(), n.detail(), 0, now, now,
                    Optional.empty()));
            messages.put(id, n.message().clone());
        }
    }

    @Override
    public synchronized List<Delivery> due(Instant now, int max) {
        List<Delivery> out = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            if (d.state() == Delivery.State.PENDING && !d.nextAttempt().isAfter(now) && out.size() < max) {
                out.add(d);
            }
        }
        out.sort(java.util.Comparator.comparing(Delivery::nextAttempt).thenComparingLong(Delivery::id));
        return out;
    }

    @Override
    public synchronized boolean claim(Delivery d, Instant leaseUntil) {
        Delivery cur = deliveries.get(d.id());
        if (cur == null || cur.state() != Delivery.State.PENDING || !cur.nextAttempt().equals(d.nextAttempt())) {
            return false;
        }
        deliveries.put(d.id(), with(cur, Delivery.State.PENDING, cur.detail(), cur.attempts(), leaseUntil,
                Optional.empty()));
        return true;
    }

    @Override
    public synchronized Optional<byte[]> message(long id) {
        return Optional.ofNullable(messages.get(id)).map(byte[]::clone);
    }

    @Override
    public synchronized void sent(long id, int attempts, Instant at, String detail) {
        Delivery d = deliveries.get(id);
        deliveries.put(id, with(d, Delivery.State.SENT, detail, attempts, d.nextAttempt(), Optional.of(at)));
    }

    @Override
    public synchronized void retry(long id, int attempts, Instant next, String detail) {
        Delivery d = deliveries.get(id);
        deliveries.put(id, with(d, Delivery.State.PENDING, detail, attempts, next, Optional.empty()));
    }

    @Override
    public synchronized void failed(long id, int attempts, String detail) {
        Delivery d = deliveries.get(id);
        deliveries.put(id, with(d, Delivery.State.FAILED, detail, attempts, d.nextAttempt(), Optional.empty()));
    }

    @Override
    public synchronized int countSince(Delivery.Kind kind, DomainName domain, Instant since) {
        return (int) deliveries.values().stream().filter(d -> d.kind() == kind && d.domain().equals(domain)
                && d.state() != Delivery.State.SKIPPED && !d.createdAt().isBefore(since)).map(Delivery::reportId)
                .distinct().count();
    }

    @Override
    public synchronized List<Delivery> forDay(LocalDate day) {
        return deliveries.values().stream().filter(d -> d.day().equals(day)).toList();
    }

    private static Delivery with(Delivery d, Delivery.State state, String detail, int attempts, Instant next,
            Optional<Instant> sentAt) {
        return new Delivery(d.id(), d.kind(), d.domain(), d.day(), d.reportId(), d.destination(), d.recipient(),
                d.messageId(), d.size(), state, detail, attempts, next, d.createdAt(), sentAt);
    }
}
