package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a receiver records its evaluations until they are reported. Identical evaluations (everything but the
 * receive time equal) of one policy domain and UTC day are kept once, with a count: that is an aggregate
 * report's record. Implementations: {@link JdbcEvaluationLog} (table {@code evaluations} of the report store's
 * database, keyed by policy domain and day) and {@link InMemoryEvaluationLog} (tests, dry runs).
 *
 * <pre>{@code
 * EvaluationLog log = JdbcEvaluationLog.open(StoreDataSource.open(url, user, password));
 * Evaluation.of(clock.instant(), clientIp, auth, mailFrom, rcptTo).ifPresent(log::record);
 * }</pre>
 *
 * <p>Implementations are thread-safe; {@link #record} returns once the evaluation is durable.
 */
public interface EvaluationLog {

    /** Records one evaluated message. */
    void record(Evaluation e);

    /** The policy domains with evaluations received on {@code day} (UTC), in name order. */
    List<DomainName> policyDomains(LocalDate day);

    /**
     * Streams the tallies of {@code domain} for {@code day}: one per distinct evaluation, with how many messages
     * it stands for. Order: first seen.
     */
    void tallies(DomainName domain, LocalDate day, Consumer<Tally> sink);

    /** Deletes the evaluations of days before {@code day}; returns how many tallies went. */
    int deleteBefore(LocalDate day);

    /**
     * One distinct evaluation and how many messages matched it.
     *
     * @param evaluation the first message's evaluation (its {@code received} is the first seen)
     * @param messages   how many messages were evaluated identically (at least 1)
     * @param lastSeen   when the last of them was received
     */
    record Tally(Evaluation evaluation, long messages, Instant lastSeen) {
        public Tally {
            Objects.requireNonNull(evaluation, "evaluation");
            Objects.requireNonNull(lastSeen, "lastSeen");
            if (messages < 1) {
                throw new IllegalArgumentException("messages must be >= 1, got " + messages);
            }
        }
    }
}
