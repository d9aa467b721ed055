package dev.aligned.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The reads of one source IP over a range of days, on tables whose keys start with {@code (domain, day, source_ip)}:
 * {@code source_day_counts} (its primary key) and {@code record_packs} (index {@code record_packs_day}; read by
 * {@link SourceReporters}). Since schema 12 (issue 7, import throughput) no index of the store starts with
 * {@code (domain, source_ip)}: such an index takes the rows of every imported report at random places (one IP's days
 * next to each other), while an index in day order takes them where the report's day is. The IP is found day by day
 * instead: a recursive {@code ip_days} table of the days from the domain's first stored day in the range to its
 * last, and for each day one search of the key {@code (domain, day, source_ip)}. For the busiest IP of the
 * 10-million-record year over its 365 days, a read takes 2-5 ms on SQLite and 3-7 ms on PostgreSQL
 * (docs/benchmarks.md, "Schema 12").
 *
 * <p>Every statement here starts with the same six parameters, bound by {@link #bind}: domain, first day, domain,
 * last day (the range, narrowed to the days the table holds for the domain), domain, source IP.
 *
 * <pre>{@code
 * try (PreparedStatement ps = c.prepareStatement(IpDays.counts("SUM(messages)", ""))) {
 *     IpDays.bind(ps, "example.com", "192.0.2.1", fromDay, toDay);
 *     ...
 * }
 * }</pre>
 */
public final class IpDays {
    private IpDays() {
    }

    /**
     * {@code WITH RECURSIVE ip_days(ip_day, ip_last)}: the days from the first to the last day of {@code table}'s
     * rows of the domain in the range (none when it has no rows there). {@code table} has {@code domain} and
     * {@code day} as the first columns of an index, so both ends are one search each.
     */
    static String days(String table) {
        // lo > hi (or NULL) when the table has no row of the domain in the range: then no day at all
        return "WITH RECURSIVE ip_days(ip_day, ip_last) AS (SELECT lo, hi FROM (SELECT (SELECT MIN(day) FROM "
                + table + " WHERE domain = ? AND day >= ?) AS lo, (SELECT MAX(day) FROM " + table
                + " WHERE domain = ? AND day <= ?) AS hi) ends WHERE lo <= hi"
                + " UNION ALL SELECT ip_day + 1, ip_last FROM ip_days WHERE ip_day < ip_last) ";
    }

    /**
     * One IP's {@code source_day_counts} rows in the range joined with their facts ({@code source_shapes}): the
     * columns of the {@code source_days} view but {@code k}, unqualified (the counts' table is {@code c}, the
     * dictionary {@code s}), and the days' table first ({@code CROSS JOIN} keeps SQLite's join order).
     *
     * @param select what to select, e.g. {@code SUM(messages)}
     * @param tail what follows the conditions, e.g. {@code GROUP BY dkim}, or empty
     */
    public static String counts(String select, String tail) {
        return days("source_day_counts") + "SELECT " + select + " FROM ip_days CROSS JOIN source_day_counts c "
                + "JOIN source_shapes s ON s.shape = c.shape "
                + "WHERE c.domain = ? AND c.day = ip_days.ip_day AND c.source_ip = ?" + (tail.isEmpty() ? "" : " " + tail);
    }

    /**
     * The newest record packs of one IP in the range, newest day first, then newest report: columns day, the
     * report's {@code org_name} and {@code report_id}, the report's row id, {@code packed}. After the six common
     * parameters: the number of packs (7) and the IP again (8). The packs' keys are chosen from the index alone
     * (a sort of the IP's index entries in the range, no pack read), then only the chosen packs are read
     * ({@link SourceReporters#newestPacks}).
     */
    static String newestPacks(boolean sqlite) {
        return days("record_packs") + "SELECT k.day, r.org_name, r.report_id, k.report_id, pk.packed, pk.records FROM ("
                + "SELECT p.day AS day, p.report_id AS report_id FROM ip_days CROSS JOIN record_packs p"
                + (sqlite ? " INDEXED BY record_packs_day" : "")
                + " WHERE p.domain = ? AND p.day = ip_days.ip_day AND p.source_ip = ? "
                + "ORDER BY p.day DESC, p.report_id DESC LIMIT ?) k "
                + "CROSS JOIN record_packs pk CROSS JOIN reports r "
                + "WHERE pk.report_id = k.report_id AND pk.source_ip = ? AND r.id = k.report_id "
                + "ORDER BY k.day DESC, k.report_id DESC";
    }

    /**
     * Binds the six parameters every statement here starts with; returns the index of the next parameter (7).
     */
    public static int bind(PreparedStatement ps, String domain, String sourceIp, long fromDay, long toDay)
            throws SQLException {
        ps.setString(1, domain);
        ps.setLong(2, fromDay);
        ps.setString(3, domain);
        ps.setLong(4, toDay);
        ps.setString(5, domain);
        ps.setString(6, sourceIp);
        return 7;
    }
}
