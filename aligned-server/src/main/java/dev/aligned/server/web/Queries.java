package dev.aligned.server.web;

import dev.aligned.store.IpDays;
import dev.aligned.store.SourceReporters;
import dev.aligned.store.StoredRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the pages and the API show, read from the store's tables: the same records serve both (HTML and JSON).
 * Messages are always sums of record counts (from the rollup tables), never row counts. Every list is capped.
 */
final class Queries {
    static final int MAX_ROWS = 500;

    /** Which domains a viewer may see: every one, or a set. */
    record Scope(boolean all, Set<String> domains) {
        static final Scope ALL = new Scope(true, Set.of());

        boolean allows(String domain) {
            return all || domains.contains(domain);
        }

        /** {@code AND col IN (?,...)} for a restricted viewer; the parameters go to {@code params}. */
        String sql(String column, List<Object> params) {
            if (all) {
                return "";
            }
            if (domains.isEmpty()) {
                return " AND 1 = 0";
            }
            params.addAll(domains);
            return " AND " + column + " IN (" + String.join(", ", java.util.Collections.nCopies(domains.size(), "?")) + ")";
        }
    }

    /** An inclusive range of UTC days; {@code days} 0 means everything stored. */
    record Period(int days, LocalDate from, LocalDate to) {
        static Period lastDays(int days, LocalDate today) {
            return days <= 0 ? new Period(0, LocalDate.EPOCH, today.plusDays(1))
                    : new Period(days, today.minusDays(days - 1L), today);
        }

        long fromDay() {
            return from.toEpochDay();
        }

        long toDay() {
            return to.toEpochDay();
        }
    }

    /**
     * One domain over a period (from the analysis stage's daily totals).
     *
     * @param spfAligned messages with an aligned passing SPF result, recomputed from auth_results
     * @param dkimAligned messages with an aligned passing DKIM signature, recomputed from auth_results
     * @param quarantined messages the receivers say they quarantined
     * @param policy the p= of the latest report, or empty
     */
    record DomainSummary(String domain, long messages, long dmarcPass, long spfAligned, long dkimAligned,
            long quarantined, long rejected, double passRate, String policy, String lastReportDay) {
    }

    record DayPoint(String day, long messages, long dmarcPass, long spfAligned, long dkimAligned) {
    }

    /**
     * A sending source of a domain over a period.
     *
     * @param classification {@code authenticated}, {@code service failing}, {@code forwarded} or {@code unknown}
     * @param advice the classification's summary (what it is, what to do)
     * @param fixes the fixes for a failing service, most affected messages first
     */
    record Source(String ip, String reverseDns, boolean forwardConfirmed, String service, long messages,
            long dmarcPass, long spfAligned, long dkimAligned, double passRate, String classification, String advice,
            List<Fix> fixes) {
    }

    record Fix(String action, String why, long messages) {
    }

    record Disagreement(String day, String sourceIp, String headerFrom, String field, String reported,
            String recomputed, long messages) {
    }

    record Auth(String method, String domain, String selector, String result, String humanResult) {
    }

    record RecordRow(long report, String orgName, String reportId, int seq, String day, String sourceIp,
            long messages, String disposition, String dkim, String spf, String headerFrom, String envelopeFrom,
            String reasons, List<Auth> auth) {
    }

    record Reporter(String orgName, long reports, long messages) {
    }

    record SourceDetail(String domain, String ip, long messages, long dmarcPass, List<Reporter> reporters,
            List<RecordRow> records) {
    }

    record ReportRow(long id, String domain, String day, String orgName, String reportId, String email,
            String dateBegin, String dateEnd, int records, long messages, String policy, Long conflictOf,
            String blobSha256, String source, String storedAt) {
    }

    record ReportDetail(ReportRow report, Map<String, String> policyPublished, String generator, String errors,
            String warnings, List<RecordRow> records, boolean recordsTruncated) {
    }

    record FailureRow(long id, String domain, String day, String feedbackType, String arrivalDate, String sourceIp,
            String originalMailFrom, String authFailure, String deliveryResult, String blobSha256) {
    }

    record FailureDetail(FailureRow summary, Map<String, String> fields, String originalHeaders, String warnings,
            String source) {
    }

    record IngestRow(long id, String blobSha256, String source, String startedAt, String outcome, int reportsNew,
            int reportsDuplicate, int reportsConflict, int reportsFailed, List<String> errors) {
    }

    record CheckRow(long id, String domain, String checkedAt, String grade, String nextStep, int errors,
            int warnings, List<String> findings) {
    }

    /**
     * The last days replayed under the next policy step (from the analysis stage).
     *
     * @param legitimateAffected failing messages from known services and forwarders the next step would hit
     * @param unknownAffected failing messages from unknown sources: what the next step stops
     */
    record Readiness(String domain, int days, String currentPolicy, String nextPolicy, long messages,
            long dmarcPass, long failing, long legitimateAffected, long unknownAffected, double passRate,
            boolean ready, String verdict, List<Fix> fixFirst) {
    }

    private final WebDb db;

    Queries(WebDb db) {
        this.db = db;
    }

    // ------------------------------------------------------------------ domains

    /** Every domain the store has reports for, within the scope (for the filter list). */
    List<String> domainNames(Scope scope) {
        return db.read(c -> {
            List<Object> params = new ArrayList<>();
            String where = scope.sql("domain", params);
            return WebDb.query(c, "SELECT DISTINCT domain FROM reports WHERE 1 = 1" + where + " ORDER BY domain LIMIT "
                    + MAX_ROWS, rs -> rs.getString(1), params.toArray());
        });
    }

    // ------------------------------------------------------------------ source records

    SourceDetail source(String domain, String ip, Period p) {
        return db.read(c -> {
            // the reporters from the IP's record packs (one per report, not its records) and what retention kept of
            // them; the newest packs that hold the newest MAX_ROWS records
            List<Reporter> reporters = new ArrayList<>();
            for (SourceReporters.Row r : SourceReporters.read(c, domain, ip, p.fromDay(), p.toDay(), MAX_ROWS)) {
                reporters.add(new Reporter(r.orgName(), r.reports(), r.messages()));
            }
            List<RecordRow> records = new ArrayList<>();
            for (SourceReporters.Pack pk : SourceReporters.newestPacks(c, domain, ip, p.fromDay(), p.toDay(),
                    MAX_ROWS)) {
                String day = LocalDate.ofEpochDay(pk.day()).toString();
                for (StoredRecord r : StoredRecord.unpack(pk.reportRowId(), ip, pk.packed())) {
                    if (records.size() == MAX_ROWS) {
                        break;
                    }
                    records.add(row(pk.reportRowId(), pk.orgName(), pk.reportId(), day, ip, r));
                }
            }
            long messages = 0;
            long pass = 0;
            // the totals from the IP's rows of the daily rollup, day by day (schema 12: no index in IP order; IpDays)
            for (Object[] r : WebDb.query(c, IpDays.counts("SUM(messages), SUM(CASE WHEN dkim = 'pass' OR "
                    + "spf = 'pass' THEN messages ELSE 0 END)", ""),
                    rs -> new Object[] {rs.getLong(1), rs.getLong(2)}, domain, p.fromDay(), domain, p.toDay(), domain,
                    ip)) {
                messages = (Long) r[0];
                pass = (Long) r[1];
            }
            return new SourceDetail(domain, ip, messages, pass, reporters, records);
        });
    }

    /**
     * The first {@link #MAX_ROWS} records of one report in seq order: its packs (one per source IP) merged. Only the
     * lowest seqs seen so far are kept (a heap of at most {@code MAX_ROWS}), so a report of a million records does
     * not become a million rows in memory.
     */
    private static List<RecordRow> reportRecords(Connection c, long id) throws SQLException {
        java.util.PriorityQueue<RecordRow> lowest = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingInt(RecordRow::seq).reversed());
        WebDb.query(c, "SELECT pk.source_ip, pk.day, pk.packed, r.org_name, r.report_id FROM record_packs pk "
                + "JOIN reports r ON r.id = pk.report_id WHERE pk.report_id = ?", rs -> {
                    String ip = rs.getString(1);
                    String day = LocalDate.ofEpochDay(rs.getLong(2)).toString();
                    for (StoredRecord r : StoredRecord.unpack(id, ip, rs.getBytes(3))) {
                        if (lowest.size() == MAX_ROWS && r.seq() > lowest.peek().seq()) {
                            continue;
                        }
                        lowest.add(row(id, rs.getString(4), rs.getString(5), day, ip, r));
                        if (lowest.size() > MAX_ROWS) {
                            lowest.poll();
                        }
                    }
                    return null;
                }, id);
        List<RecordRow> out = new ArrayList<>(lowest);
        out.sort(java.util.Comparator.comparingInt(RecordRow::seq));
        return List.copyOf(out);
    }

    private static RecordRow row(long id, String orgName, String reportId, String day, String ip, StoredRecord r) {
        List<Auth> auth = new ArrayList<>(r.dkimResults().size() + r.spfResults().size());
        for (StoredRecord.Auth a : r.dkimResults()) {
            auth.add(new Auth("dkim", a.domain(), a.selector().orElse(""), a.result().orElse(""),
                    a.humanResult().orElse("")));
        }
        for (StoredRecord.Auth a : r.spfResults()) {
            auth.add(new Auth("spf", a.domain(), a.selector().orElse(""), a.result().orElse(""),
                    a.humanResult().orElse("")));
        }
        return new RecordRow(id, orgName, reportId, r.seq(), day, ip, r.messages(), r.disposition().orElse(""),
                r.dkim().orElse(""), r.spf().orElse(""), r.headerFrom(), r.envelopeFrom().orElse(""),
                r.reasons().orElse(""), List.copyOf(auth));
    }

    // ------------------------------------------------------------------ reports

    private static final String REPORT_COLUMNS = "id, domain, day, org_name, report_id, email, date_begin, date_end, "
            + "record_count, message_count, policy_p, conflict_of, blob_sha256, source, stored_at";

    private static ReportRow reportRow(ResultSet rs) throws SQLException {
        return new ReportRow(rs.getLong(1), rs.getString(2), LocalDate.ofEpochDay(rs.getLong(3)).toString(),
                rs.getString(4), rs.getString(5), rs.getString(6), instant(Accounts.nullableLong(rs, 7)),
                instant(Accounts.nullableLong(rs, 8)), rs.getInt(9), rs.getLong(10), nz(rs.getString(11)),
                Accounts.nullableLong(rs, 12), rs.getString(13), rs.getString(14), instant(rs.getLong(15)));
    }

    List<ReportRow> reports(Scope scope, Optional<String> domain, Optional<String> org, Period p) {
        return db.read(c -> {
            List<Object> params = new ArrayList<>(List.of(p.fromDay(), p.toDay()));
            String where = scope.sql("domain", params);
            if (domain.isPresent()) {
                where += " AND domain = ?";
                params.add(domain.get());
            }
            if (org.isPresent()) {
                where += " AND org_name = ?";
                params.add(org.get());
            }
            return WebDb.query(c, "SELECT " + REPORT_COLUMNS + " FROM reports WHERE day BETWEEN ? AND ?" + where
                    + " ORDER BY day DESC, id DESC LIMIT " + MAX_ROWS, Queries::reportRow, params.toArray());
        });
    }

    List<Reporter> reporters(Scope scope, Optional<String> domain, Period p) {
        return db.read(c -> {
            List<Object> params = new ArrayList<>(List.of(p.fromDay(), p.toDay()));
            String where = scope.sql("domain", params);
            if (domain.isPresent()) {
                where += " AND domain = ?";
                params.add(domain.get());
            }
            return WebDb.query(c, "SELECT org_name, COUNT(*), SUM(message_count) FROM reports WHERE day BETWEEN ? AND ?"
                    + where + " GROUP BY org_name ORDER BY 3 DESC, 1 LIMIT " + MAX_ROWS,
                    rs -> new Reporter(rs.getString(1), rs.getLong(2), rs.getLong(3)), params.toArray());
        });
    }

    Optional<ReportDetail> report(long id) {
        return db.read(c -> {
            List<ReportRow> r = WebDb.query(c, "SELECT " + REPORT_COLUMNS + " FROM reports WHERE id = ?",
                    Queries::reportRow, id);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> policy = new LinkedHashMap<>();
            String[] extra = new String[3];
            WebDb.query(c, "SELECT policy_p, policy_sp, policy_np, policy_adkim, policy_aspf, policy_pct, policy_fo, "
                    + "policy_testing, policy_discovery, generator, errors, warnings FROM reports WHERE id = ?", rs -> {
                        String[] names = {"p", "sp", "np", "adkim", "aspf", "pct", "fo", "t", "discovery"};
                        for (int i = 0; i < names.length; i++) {
                            String v = rs.getString(i + 1);
                            if (v != null) {
                                policy.put(names[i], v);
                            }
                        }
                        extra[0] = nz(rs.getString(10));
                        extra[1] = nz(rs.getString(11));
                        extra[2] = nz(rs.getString(12));
                        return null;
                    }, id);
            List<RecordRow> records = reportRecords(c, id);
            return Optional.of(new ReportDetail(r.get(0), policy, extra[0], extra[1], extra[2], records,
                    records.size() < r.get(0).records()));
        });
    }

    // ------------------------------------------------------------------ failure reports

    private static final String FAILURE_COLUMNS = "id, domain, day, feedback_type, arrival_date, source_ip, "
            + "original_mail_from, auth_failure, delivery_result, blob_sha256";

    private static FailureRow failureRow(ResultSet rs) throws SQLException {
        return new FailureRow(rs.getLong(1), rs.getString(2), LocalDate.ofEpochDay(rs.getLong(3)).toString(),
                rs.getString(4), nz(rs.getString(5)), nz(rs.getString(6)), nz(rs.getString(7)), nz(rs.getString(8)),
                nz(rs.getString(9)), rs.getString(10));
    }

    List<FailureRow> failures(Scope scope, Optional<String> domain, Period p) {
        return db.read(c -> {
            List<Object> params = new ArrayList<>();
            String where = scope.sql("domain", params);
            if (domain.isPresent()) {
                where += " AND domain = ?";
                params.add(domain.get());
            }
            if (p.days() > 0) {
                where += " AND day BETWEEN ? AND ?";
                params.add(p.fromDay());
                params.add(p.toDay());
            }
            return WebDb.query(c, "SELECT " + FAILURE_COLUMNS + " FROM failure_reports WHERE 1 = 1" + where
                    + " ORDER BY day DESC, id DESC LIMIT " + MAX_ROWS, Queries::failureRow, params.toArray());
        });
    }

    Optional<FailureDetail> failure(long id) {
        return db.read(c -> {
            List<FailureRow> r = WebDb.query(c, "SELECT " + FAILURE_COLUMNS + " FROM failure_reports WHERE id = ?",
                    Queries::failureRow, id);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            String[] names = {"Format", "User-Agent", "Original-Rcpt-To", "Reported-Domain", "Reported-URI",
                    "Authentication-Results", "Identity-Alignment", "DKIM-Domain", "DKIM-Identity", "DKIM-Selector",
                    "SPF-DNS", "Other fields"};
            Map<String, String> fields = new LinkedHashMap<>();
            String[] rest = new String[3];
            WebDb.query(c, "SELECT format, user_agent, original_rcpt_to, reported_domain, reported_uri, "
                    + "authentication_results, identity_alignment, dkim_domain, dkim_identity, dkim_selector, spf_dns, "
                    + "other_fields, original_headers, warnings, source FROM failure_reports WHERE id = ?", rs -> {
                        for (int i = 0; i < names.length; i++) {
                            String v = rs.getString(i + 1);
                            if (v != null) {
                                fields.put(names[i], v);
                            }
                        }
                        rest[0] = nz(rs.getString(13));
                        rest[1] = nz(rs.getString(14));
                        rest[2] = rs.getString(15);
                        return null;
                    }, id);
            return Optional.of(new FailureDetail(r.get(0), fields, rest[0], rest[1], rest[2]));
        });
    }

    /** The domain a blob's reports belong to (every one of them), for access checks on downloads. */
    List<String> blobDomains(String sha256) {
        return db.read(c -> WebDb.query(c, "SELECT domain FROM reports WHERE blob_sha256 = ? UNION "
                + "SELECT domain FROM failure_reports WHERE blob_sha256 = ?", rs -> rs.getString(1), sha256, sha256));
    }

    // ------------------------------------------------------------------ ingestion log

    List<IngestRow> ingestLog(boolean errorsOnly) {
        return db.read(c -> {
            List<IngestRow> rows = WebDb.query(c, "SELECT id, blob_sha256, source, started_at, outcome, reports_new, "
                    + "reports_duplicate, reports_conflict, reports_failed FROM ingest_attempts"
                    + (errorsOnly ? " WHERE reports_failed > 0 OR outcome IN ('failed', 'partial')" : "")
                    + " ORDER BY id DESC LIMIT " + MAX_ROWS,
                    rs -> new IngestRow(rs.getLong(1), rs.getString(2), rs.getString(3), instant(rs.getLong(4)),
                            rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), List.of()));
            List<IngestRow> out = new ArrayList<>();
            for (IngestRow r : rows) {
                List<String> errors = r.reportsFailed() == 0 && !r.outcome().equals("failed") ? List.of()
                        : WebDb.query(c, "SELECT error FROM ingest_errors WHERE attempt_id = ? ORDER BY n LIMIT 20",
                                rs -> rs.getString(1), r.id());
                out.add(new IngestRow(r.id(), r.blobSha256(), r.source(), r.startedAt(), r.outcome(), r.reportsNew(),
                        r.reportsDuplicate(), r.reportsConflict(), r.reportsFailed(), errors));
            }
            return out;
        });
    }

    /** Whether the store holds any report or input at all (the demo only fills an empty store). */
    boolean empty() {
        return db.read(c -> WebDb.query(c, "SELECT COUNT(*) FROM blobs", rs -> rs.getLong(1)).get(0) == 0);
    }

    Metrics.StoreFigures storeFigures() {
        return db.read(c -> {
            Map<String, Long> byOutcome = new java.util.TreeMap<>();
            WebDb.query(c, "SELECT outcome, COUNT(*) FROM ingest_attempts GROUP BY outcome",
                    rs -> byOutcome.put(rs.getString(1), rs.getLong(2)));
            long failures = WebDb.query(c, "SELECT COALESCE(SUM(reports_failed), 0) FROM ingest_attempts",
                    rs -> rs.getLong(1)).get(0);
            long pending = WebDb.query(c, "SELECT COUNT(*) FROM blobs WHERE state = 'received'", rs -> rs.getLong(1)).get(0);
            long reports = WebDb.query(c, "SELECT COUNT(*) FROM reports", rs -> rs.getLong(1)).get(0);
            long records = WebDb.query(c, "SELECT COALESCE(SUM(record_count), 0) FROM reports", rs -> rs.getLong(1)).get(0);
            long fr = WebDb.query(c, "SELECT COUNT(*) FROM failure_reports", rs -> rs.getLong(1)).get(0);
            return new Metrics.StoreFigures(byOutcome, failures, pending, reports, records, fr);
        });
    }

    // ------------------------------------------------------------------ domain records

    void saveCheck(String domain, Instant at, String grade, String nextStep, int errors, int warnings,
            List<String> findings) {
        db.tx(c -> WebDb.insert(c, "INSERT INTO record_checks (domain, checked_at, grade, next_step, errors, warnings, "
                + "findings) VALUES (?, ?, ?, ?, ?, ?, ?)", domain, at.toEpochMilli(), grade, nextStep, errors, warnings,
                String.join("\n", findings)));
    }

    List<CheckRow> checks(String domain) {
        return db.read(c -> WebDb.query(c, "SELECT id, domain, checked_at, grade, next_step, errors, warnings, findings "
                + "FROM record_checks WHERE domain = ? ORDER BY checked_at DESC, id DESC LIMIT 100",
                rs -> new CheckRow(rs.getLong(1), rs.getString(2), instant(rs.getLong(3)), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8).isEmpty() ? List.of()
                                : Arrays.asList(rs.getString(8).split("\n"))), domain));
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String instant(Long millis) {
        return millis == null ? "" : Instant.ofEpochMilli(millis).toString();
    }
}
