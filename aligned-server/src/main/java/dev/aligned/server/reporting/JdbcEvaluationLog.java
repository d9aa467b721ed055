package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * An {@link EvaluationLog} in the store's database (table {@code evaluations}, migration V5), one row per
 * distinct evaluation of a policy domain and UTC day, keyed {@code (domain, day, row_key)}.
 *
 * <p>Writes are group-committed: concurrent {@link #record} calls (a milter's many connections) share one
 * transaction, and each call returns once its evaluation is committed.
 *
 * <pre>{@code
 * try (JdbcEvaluationLog log = JdbcEvaluationLog.open(StoreDataSource.open(url, user, password))) {
 *     log.record(evaluation);
 * }
 * }</pre>
 */
public final class JdbcEvaluationLog implements EvaluationLog, AutoCloseable {
    private static final int MAX_BATCH = 1000;
    private static final String UPSERT = "INSERT INTO evaluations (domain, day, row_key, source_ip, header_from,"
            + " envelope_from, envelope_to, policy_record, mode, disposition, overrides, dmarc, dmarc_reason,"
            + " dkim_aligned, spf_aligned, dkim, spf, messages, first_seen, last_seen)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (domain, day, row_key) DO UPDATE SET messages = evaluations.messages + excluded.messages,"
            + " last_seen = CASE WHEN excluded.last_seen > evaluations.last_seen THEN excluded.last_seen"
            + " ELSE evaluations.last_seen END,"
            + " first_seen = CASE WHEN excluded.first_seen < evaluations.first_seen THEN excluded.first_seen"
            + " ELSE evaluations.first_seen END";

    private final OneConnection db;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private List<Evaluation> queue = new ArrayList<>();
    private long queued;
    private long committed;

    private JdbcEvaluationLog(DataSource dataSource) {
        this.db = new OneConnection(dataSource, writeLock, "the evaluation log");
    }

    /** A log over {@code dataSource}, whose schema is migrated (see {@link dev.aligned.store.StoreDataSource}). */
    public static JdbcEvaluationLog open(DataSource dataSource) {
        return new JdbcEvaluationLog(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public void record(Evaluation e) {
        Objects.requireNonNull(e, "evaluation");
        long mine;
        queueLock.lock();
        try {
            queue.add(e);
            mine = ++queued;
        } finally {
            queueLock.unlock();
        }
        writeLock.lock();
        try {
            if (committed >= mine) {
                return; // an earlier writer committed it with its batch
            }
            List<Evaluation> batch;
            long upTo;
            queueLock.lock();
            try {
                batch = queue;
                upTo = queued;
                queue = new ArrayList<>();
            } finally {
                queueLock.unlock();
            }
            for (int i = 0; i < batch.size(); i += MAX_BATCH) {
                write(batch.subList(i, Math.min(batch.size(), i + MAX_BATCH)));
            }
            committed = upTo;
        } finally {
            writeLock.unlock();
        }
    }

    private record Pending(Evaluation first, String key, long messages, Instant firstSeen, Instant lastSeen) {
    }

    private void write(List<Evaluation> batch) {
        Map<String, Pending> byKey = new LinkedHashMap<>();
        for (Evaluation e : batch) {
            String key = e.policyDomain().name() + "/" + e.day() + "/" + EvaluationCodec.rowKey(e);
            byKey.merge(key, new Pending(e, EvaluationCodec.rowKey(e), 1, e.received(), e.received()),
                    (a, b) -> new Pending(a.first(), a.key(), a.messages() + 1,
                            a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                            a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen()));
        }
        db.inTransaction("recording " + batch.size() + " evaluations", c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                for (Pending p : byKey.values()) {
                    Evaluation e = p.first();
                    int i = 1;
                    ps.setString(i++, e.policyDomain().name());
                    ps.setLong(i++, e.day().toEpochDay());
                    ps.setString(i++, p.key());
                    ps.setString(i++, e.sourceIp());
                    ps.setString(i++, e.headerFrom().name());
                    ps.setString(i++, e.envelopeFrom().map(DomainName::name).orElse(null));
                    ps.setString(i++, e.envelopeTo().map(DomainName::name).orElse(null));
                    ps.setString(i++, e.policy().text());
                    ps.setString(i++, e.mode().keyword());
                    ps.setString(i++, e.disposition().keyword());
                    ps.setString(i++, EvaluationCodec.overrides(e.overrides()));
                    ps.setString(i++, e.dmarc().keyword());
                    ps.setString(i++, EvaluationCodec.dmarcReason(e.dmarc()));
                    ps.setInt(i++, e.dkimAligned() ? 1 : 0);
                    ps.setInt(i++, e.spfAligned() ? 1 : 0);
                    ps.setString(i++, EvaluationCodec.dkim(e.dkim()));
                    ps.setString(i++, EvaluationCodec.spf(e.spf()));
                    ps.setLong(i++, p.messages());
                    ps.setLong(i++, p.firstSeen().toEpochMilli());
                    ps.setLong(i, p.lastSeen().toEpochMilli());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<DomainName> policyDomains(LocalDate day) {
        return db.inTransaction("listing policy domains", c -> {
            List<DomainName> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT domain FROM evaluations WHERE day = ? ORDER BY domain")) {
                ps.setLong(1, day.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(DomainName.of(rs.getString(1)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void tallies(DomainName domain, LocalDate day, Consumer<Tally> sink) {
        List<Tally> out = db.inTransaction("reading evaluations", c -> {
            List<Tally> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source_ip, header_from, envelope_from,"
                    + " envelope_to, policy_record, mode, disposition, overrides, dmarc, dmarc_reason, dkim_aligned,"
                    + " spf_aligned, dkim, spf, messages, first_seen, last_seen FROM evaluations"
                    + " WHERE domain = ? AND day = ? ORDER BY first_seen, row_key")) {
                ps.setString(1, domain.name());
                ps.setLong(2, day.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Evaluation e = EvaluationCodec.decode(Instant.ofEpochMilli(rs.getLong(16)), rs.getString(1),
                                rs.getString(2), rs.getString(3), rs.getString(4), domain.name(), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                                rs.getInt(11) != 0, rs.getInt(12) != 0, rs.getString(13), rs.getString(14));
                        list.add(new Tally(e, rs.getLong(15), Instant.ofEpochMilli(rs.getLong(17))));
                    }
                }
            }
            return list;
        });
        out.forEach(sink);
    }

    @Override
    public int deleteBefore(LocalDate day) {
        return db.inTransaction("deleting old evaluations", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM evaluations WHERE day < ?")) {
                ps.setLong(1, day.toEpochDay());
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void close() {
        db.close();
    }
}
