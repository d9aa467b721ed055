package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The persistent queue of report messages: what was generated, what is due, what was sent. An aggregate report is
 * recorded together with its deliveries in one transaction ({@link #addRun}), so a (domain, day) is generated
 * once even with several nodes; a delivery is sent by whoever {@link #claim}s it, and marked sent only after the
 * submission server accepted it. Implementations: {@link JdbcDeliveryQueue} (V5 tables {@code report_runs},
 * {@code report_deliveries}) and {@link InMemoryDeliveryQueue} (tests, dry runs).
 */
public interface DeliveryQueue {

    /**
     * Records an aggregate report and queues its deliveries atomically; false (and nothing written) when a report
     * for that domain and day was already recorded.
     */
    boolean addRun(Delivery.Run run, List<Delivery.New> deliveries, Instant now);

    /** Whether a report for {@code domain} and {@code day} was recorded. */
    boolean hasRun(DomainName domain, LocalDate day);

    /** Queues deliveries (failure reports); one already queued for the same kind, report id and destination is kept. */
    void add(List<Delivery.New> deliveries, Instant now);

    /** Pending deliveries due at {@code now}, oldest first, at most {@code max}. */
    List<Delivery> due(Instant now, int max);

    /**
     * Takes a due delivery for sending: moves its next attempt to {@code leaseUntil} unless another sender took it
     * first (then false). A sender that dies mid-send leaves it to be retried when the lease ends.
     */
    boolean claim(Delivery d, Instant leaseUntil);

    /** The complete message of a delivery. */
    Optional<byte[]> message(long id);

    /** The submission server accepted it. */
    void sent(long id, int attempts, Instant at, String detail);

    /** A temporary failure: try again at {@code next}. */
    void retry(long id, int attempts, Instant next, String detail);

    /** A permanent failure, or the last attempt failed. */
    void failed(long id, int attempts, String detail);

    /** How many reports of {@code kind} for {@code domain} were queued (not skipped) since {@code since}. */
    int countSince(Delivery.Kind kind, DomainName domain, Instant since);

    /** The deliveries for the reporting day {@code day}, by id. */
    List<Delivery> forDay(LocalDate day);
}
