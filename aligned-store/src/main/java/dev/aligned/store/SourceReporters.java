package dev.aligned.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reporters of one source IP of a domain over a range of days: per reporting organisation, how many of its
 * reports counted in the rollups had records from the IP, and the messages those records counted (a report that
 * reuses an id for the same period with other content, {@code in_rollups = 0}, is not counted, as everywhere).
 * The dashboard's source pages read them.
 *
 * <p>Since schema 10 they are read, not written at import (issue 7: the {@code source_reporters} upsert was ~5 of
 * ~41 µs of the store's CPU per imported record). A report covers one day and has one reporter, and it has one
 * record pack per source IP ({@code record_packs}, schema 9), so the IP's packs in the period joined with their
 * reports give the numbers directly (since schema 12 found day by day through {@code record_packs_day (domain, day,
 * source_ip, report_id, messages)}, which covers the read: {@link IpDays}). {@code source_reporters} keeps what the
 * packs no longer give: retention moves the counts of the packs it deletes into it, in the same transaction
 * ({@link #KEEP_PURGED}), and schema 10 left in it what it counted
 * beyond the packs then stored (reports whose records had been purged).
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection("jdbc:sqlite:aligned.db")) {
 *     for (SourceReporters.Row r : SourceReporters.read(c, "example.com", "192.0.2.1", from, to, 500)) {
 *         System.out.println(r.orgName() + ": " + r.reports() + " reports, " + r.messages() + " messages");
 *     }
 * }
 * }</pre>
 */
public final class SourceReporters {
    /**
     * Adds the counts of the record packs retention is about to delete (those of the reports of days before the
     * bound cutoff whose records are still kept) to {@code source_reporters}, for the reports counted in the
     * rollups. Reports first, then their packs by primary key: the same reports retention then deletes the packs of.
     */
    static final String KEEP_PURGED = "INSERT INTO source_reporters (domain, day, source_ip, org_name, reports, "
            + "messages) SELECT p.domain, p.day, p.source_ip, r.org_name, COUNT(*), SUM(p.messages) "
            + "FROM reports r CROSS JOIN record_packs p "
            + "WHERE r.day < ? AND r.records_purged_at IS NULL AND r.in_rollups = 1 AND p.report_id = r.id "
            + "GROUP BY p.domain, p.day, p.source_ip, r.org_name "
            + "ON CONFLICT (domain, source_ip, day, org_name) DO UPDATE SET "
            + "reports = source_reporters.reports + excluded.reports, "
            + "messages = source_reporters.messages + excluded.messages";

    private SourceReporters() {
    }

    /** One reporting organisation of a source: its reports with records from the source, and their messages. */
    public record Row(String orgName, long reports, long messages) {
    }

    /**
     * The reporters of {@code sourceIp} for {@code domain} (as stored: lower case, no trailing dot) on the UTC
     * epoch days {@code fromDay} to {@code toDay}, inclusive, most messages first, then by name; at most
     * {@code limit} of them. Reads the IP's record packs of the period (one per report) and its rows of
     * {@code source_reporters}; on a connection to a store's database (SQLite or PostgreSQL).
     */
    public static List<Row> read(Connection c, String domain, String sourceIp, long fromDay, long toDay, int limit)
            throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        boolean sqlite = c.getMetaData().getDatabaseProductName().equals("SQLite");
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql(sqlite))) {
            int i = IpDays.bind(ps, domain, sourceIp, fromDay, toDay);
            ps.setString(i, domain);
            ps.setString(i + 1, sourceIp);
            ps.setLong(i + 2, fromDay);
            ps.setLong(i + 3, toDay);
            ps.setInt(i + 4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /**
     * One of the newest record packs of a source (one report's records from the IP): the report's UTC epoch day, row
     * id ({@code reports.id}), reporting organisation and report id, and its records as packed (decoded by
     * {@link StoredRecord#unpack}).
     */
    public record Pack(long day, long reportRowId, String orgName, String reportId, byte[] packed) {
    }

    /**
     * The newest record packs of {@code sourceIp} for {@code domain} on the UTC epoch days {@code fromDay} to
     * {@code toDay}, inclusive, that together hold its newest {@code records} records (fewer when the range has
     * fewer): newest day first, then newest report (every report with records from the IP, a conflicting copy
     * included). The packs' keys are chosen from the index alone, day by day ({@link IpDays#newestPacks}); the
     * packs are read one by one until they hold {@code records} records, so a busy IP's page reads a few packs.
     */
    public static List<Pack> newestPacks(Connection c, String domain, String sourceIp, long fromDay, long toDay,
            int records) throws SQLException {
        if (records < 0) {
            throw new IllegalArgumentException("records must be at least 0, not " + records);
        }
        List<Pack> out = new ArrayList<>();
        if (records == 0) {
            return out;
        }
        boolean sqlite = c.getMetaData().getDatabaseProductName().equals("SQLite");
        try (PreparedStatement ps = c.prepareStatement(IpDays.newestPacks(sqlite))) {
            int i = IpDays.bind(ps, domain, sourceIp, fromDay, toDay);
            ps.setInt(i, records); // every pack holds at least one record
            ps.setString(i + 1, sourceIp);
            long held = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (held < records && rs.next()) {
                    out.add(new Pack(rs.getLong(1), rs.getLong(4), rs.getString(2), rs.getString(3), rs.getBytes(5)));
                    held += rs.getLong(6);
                }
            }
        }
        return out;
    }

    /**
     * The query of {@link #read}: the six parameters of {@link IpDays#bind} (the packs, found day by day), then
     * domain, IP, first day, last day ({@code source_reporters}), then the limit. On SQLite the packs are named by
     * their index and come after the days in the join (a {@code CROSS JOIN} keeps SQLite's order): without
     * statistics its planner could otherwise scan {@code reports} and look up each report's pack of the IP by
     * primary key.
     */
    static String sql(boolean sqlite) {
        return IpDays.days("record_packs") + "SELECT org_name, SUM(reports), SUM(messages) FROM ("
                + "SELECT r.org_name AS org_name, 1 AS reports, p.messages AS messages FROM ip_days "
                + "CROSS JOIN record_packs p" + (sqlite ? " INDEXED BY record_packs_day" : "") + " CROSS JOIN reports r "
                + "WHERE p.domain = ? AND p.day = ip_days.ip_day AND p.source_ip = ? AND r.id = p.report_id "
                + "AND r.in_rollups = 1 "
                + "UNION ALL SELECT org_name, reports, messages FROM source_reporters "
                + "WHERE domain = ? AND source_ip = ? AND day >= ? AND day <= ?"
                + ") u GROUP BY org_name ORDER BY 3 DESC, 1 LIMIT ?";
    }
}
