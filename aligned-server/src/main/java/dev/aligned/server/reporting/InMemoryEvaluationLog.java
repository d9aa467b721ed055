package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/** An {@link EvaluationLog} in memory: for tests and dry runs. Thread-safe. */
public final class InMemoryEvaluationLog implements EvaluationLog {
    private record DayKey(DomainName domain, LocalDate day) {
    }

    private static final class Counter {
        final Evaluation first;
        long messages;
        Instant lastSeen;

        Counter(Evaluation first) {
            this.first = first;
            this.lastSeen = first.received();
        }
    }

    private final Map<DayKey, Map<String, Counter>> days = new TreeMap<>(
            (a, b) -> a.day().equals(b.day()) ? a.domain().compareTo(b.domain()) : a.day().compareTo(b.day()));

    @Override
    public synchronized void record(Evaluation e) {
        Map<String, Counter> m = days.computeIfAbsent(new DayKey(e.policyDomain(), e.day()),
                k -> new LinkedHashMap<>());
        Counter c = m.computeIfAbsent(EvaluationCodec.rowKey(e), k -> new Counter(e));
        c.messages++;
        if (e.received().isAfter(c.lastSeen)) {
            c.lastSeen = e.received();
        }
    }

    @Override
    public synchronized List<DomainName> policyDomains(LocalDate day) {
        TreeSet<DomainName> out = new TreeSet<>();
        for (DayKey k : days.keySet()) {
            if (k.day().equals(day)) {
                out.add(k.domain());
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void tallies(DomainName domain, LocalDate day, Consumer<Tally> sink) {
        List<Tally> copy = new ArrayList<>();
        synchronized (this) {
            Map<String, Counter> m = days.get(new DayKey(domain, day));
            if (m == null) {
                return;
            }
            for (Counter c : m.values()) {
                copy.add(new Tally(c.first, c.messages, c.lastSeen));
            }
        }
        copy.forEach(sink);
    }

    @Override
    public synchronized int deleteBefore(LocalDate day) {
        int n = 0;
        for (Iterator<Map.Entry<DayKey, Map<String, Counter>>> it = days.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DayKey, Map<String, Counter>> en = it.next();
            if (en.getKey().day().isBefore(day)) {
                n += en.getValue().size();
                it.remove();
            }
        }
        return n;
    }
}
