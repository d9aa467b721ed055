package dev.aligned.server.reporting;

import dev.aligned.dns.DomainName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * A {@link DeliveryQueue} in the store's database (V5 tables {@code report_runs} and {@code report_deliveries}).
 * Several nodes may share it: a report run is unique per (domain, day), a delivery per (kind, report id,
 * destination, recipient), and a claim is an update that only one node's condition matches.
 *
 * <pre>{@code
 * DeliveryQueue queue = JdbcDeliveryQueue.open(StoreDataSource.open(url, user, password));
 * }</pre>
 */
public final class JdbcDeliveryQueue implements DeliveryQueue, AutoCloseable {
    private static final String COLUMNS = "id, kind, domain, day, report_id, destination, recipient, message_id,"
            + " size, state, detail, attempts, next_attempt, created_at, sent_at";
    private final OneConnection db;

    private JdbcDeliveryQueue(DataSource dataSource) {
        this.db = new OneConnection(dataSource, new ReentrantLock(), "the delivery queue");
    }

    /** A queue over {@code dataSource}, whose schema is migrated. */
    public static JdbcDeliveryQueue open(DataSource dataSource) {
        return new JdbcDeliveryQueue(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public boolean addRun(Delivery.Run run, List<Delivery.New> deliveries, Instant now) {
        return db.inTransaction("recording the report for " + run.domain() + " on " + run.day(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO report_runs (domain, day, report_id,"
                    + " period_begin, period_end, records, messages, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
                ps.setString(1, run.domain().name());
                ps.setLong(2, run.day().toEpochDay());
                ps.setString(3, run.reportId());
                ps.setLong(4, run.begin().toEpochMilli());
                ps.setLong(5, run.end().toEpochMilli());
                ps.setInt(6, run.records());
                ps.setLong(7, run.messages());
                ps.setLong(8, run.createdAt().toEpochMilli());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            insert(c, deliveries, now);
            return true;
        });
    }

    @Override
    public boolean hasRun(DomainName domain, LocalDate day) {
        return db.inTransaction("reading report runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM report_runs WHERE domain = ? AND day = ?")) {
                ps.setString(1, domain.name());
                ps.setLong(2, day.toEpochDay());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public void add(List<Delivery.New> deliveries, Instant now) {
        db.inTransaction("queueing " + deliveries.size() + " deliveries", c -> {
            insert(c, deliveries, now);
            return null;
        });
    }

    private static void insert(Connection c, List<Delivery.New> deliveries, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO report_deliveries (kind, domain, day, report_id,"
                + " destination, recipient, message_id, message, size, state, detail, attempts, next_attempt,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING")) {
            for (Delivery.New n : deliveries) {
                int i = 1;
                ps.setString(i++, n.kind().keyword());
                ps.setString(i++, n.domain().name());
                ps.setLong(i++, n.day().toEpochDay());
                ps.setString(i++, n.reportId());
                ps.setString(i++, n.destination());
                ps.setString(i++, n.recipient());
                ps.setString(i++, n.messageId());
                ps.setBytes(i++, n.message());
                ps.setLong(i++, n.message().length);
                ps.setString(i++, n.state().keyword());
                ps.setString(i++, n.detail());
                ps.setLong(i++, now.toEpochMilli());
                ps.setLong(i, now.toEpochMilli());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<Delivery> due(Instant now, int max) {
        return db.inTransaction("listing due deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM report_deliveries"
                    + " WHERE state = 'pending' AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setInt(2, max);
                return read(ps);
            }
        });
    }

    @Override
    public boolean claim(Delivery d, Instant leaseUntil) {
        return db.inTransaction("claiming delivery " + d.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE report_deliveries SET next_attempt = ?"
                    + " WHERE id = ? AND state = 'pending' AND next_attempt = ?")) {
                ps.setLong(1, leaseUntil.toEpochMilli());
                ps.setLong(2, d.id());
                ps.setLong(3, d.nextAttempt().toEpochMilli());
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<byte[]> message(long id) {
        return db.inTransaction("reading delivery " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT message FROM report_deliveries WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    @Override
    public void sent(long id, int attempts, Instant at, String detail) {
        update(id, "sent", attempts, null, at, detail);
    }

    @Override
    public void retry(long id, int attempts, Instant next, String detail) {
        update(id, "pending", attempts, next, null, detail);
    }

    @Override
    public void failed(long id, int attempts, String detail) {
        update(id, "failed", attempts, null, null, detail);
    }

    private void update(long id, String state, int attempts, Instant next, Instant sentAt, String detail) {
        db.inTransaction("updating delivery " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE report_deliveries SET state = ?, attempts = ?,"
                    + " next_attempt = COALESCE(?, next_attempt), sent_at = COALESCE(?, sent_at), detail = ?"
                    + " WHERE id = ?")) {
                ps.setString(1, state);
                ps.setInt(2, attempts);
                if (next == null) {
                    ps.setNull(3, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(3, next.toEpochMilli());
                }
                if (sentAt == null) {
                    ps.setNull(4, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(4, sentAt.toEpochMilli());
                }
                ps.setString(5, detail);
                ps.setLong(6, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int countSince(Delivery.Kind kind, DomainName domain, Instant since) {
        return db.inTransaction("counting deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT report_id) FROM report_deliveries"
                    + " WHERE kind = ?"
                    + " AND domain = ? AND state <> 'skipped' AND created_at >= ?")) {
                ps.setString(1, kind.keyword());
                ps.setString(2, domain.name());
                ps.setLong(3, since.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public List<Delivery> forDay(LocalDate day) {
        return db.inTransaction("listing deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM report_deliveries WHERE day = ? ORDER BY id")) {
                ps.setLong(1, day.toEpochDay());
                return read(ps);
            }
        });
    }

    private static List<Delivery> read(PreparedStatement ps) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long sent = rs.getLong(15);
                boolean noSent = rs.wasNull();
                out.add(new Delivery(rs.getLong(1), Delivery.Kind.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                        DomainName.of(rs.getString(3)), LocalDate.ofEpochDay(rs.getLong(4)), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9),
                        Delivery.State.valueOf(rs.getString(10).toUpperCase(Locale.ROOT)), rs.getString(11),
                        rs.getInt(12), Instant.ofEpochMilli(rs.getLong(13)), Instant.ofEpochMilli(rs.getLong(14)),
                        noSent ? Optional.empty() : Optional.of(Instant.ofEpochMilli(sent))));
            }
        }
        return out;
    }

    @Override
    public void close() {
        db.close();
    }
}
