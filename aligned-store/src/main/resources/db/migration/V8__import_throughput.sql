-- Schema 8: fewer B-tree inserts per imported record (issue 7, import throughput; see docs/benchmarks.md).
-- Lines that start with the sqlite placeholder run on SQLite only: Dialect sets it to nothing there and to a
-- line comment on PostgreSQL.

-- 1. records_source (domain, source_ip, day) is a prefix of V7's records_source_newest (domain, source_ip, day
--    DESC, report_id DESC, seq), which serves every query that used it: one index insert per record less.
DROP INDEX records_source;

-- 2. daily_rollups (V1) holds nothing that source_days (V3) does not: both are written in the same transaction
--    for the same reports (in_rollups = 1), and daily_rollups' key (domain, day, source_ip, disposition, dkim,
--    spf) is a grouping of source_days' columns. ReportStore.rollups() now groups source_days. Reports stored
--    before schema 3 are in daily_rollups only: what daily_rollups counts beyond source_days is kept in
--    daily_rollups_legacy (empty for a database created at schema 3 or later), which rollups() adds in.
CREATE TABLE daily_rollups_legacy (
    domain      TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    source_ip   TEXT    NOT NULL,
    disposition TEXT    NOT NULL,
    dkim        TEXT    NOT NULL,
    spf         TEXT    NOT NULL,
    messages    BIGINT  NOT NULL,
    records     BIGINT  NOT NULL,
    PRIMARY KEY (domain, day, source_ip, disposition, dkim, spf)
);
INSERT INTO daily_rollups_legacy (domain, day, source_ip, disposition, dkim, spf, messages, records)
SELECT d.domain, d.day, d.source_ip, d.disposition, d.dkim, d.spf,
       d.messages - COALESCE(s.messages, 0), d.records - COALESCE(s.records, 0)
FROM daily_rollups d
LEFT JOIN (SELECT domain, day, source_ip, disposition, dkim, spf, SUM(messages) AS messages, SUM(records) AS records
           FROM source_days GROUP BY domain, day, source_ip, disposition, dkim, spf) s
       ON s.domain = d.domain AND s.day = d.day AND s.source_ip = d.source_ip AND s.disposition = d.disposition
      AND s.dkim = d.dkim AND s.spf = d.spf
WHERE d.messages <> COALESCE(s.messages, 0) OR d.records <> COALESCE(s.records, 0);
DROP TABLE daily_rollups;

-- 3. SQLite: records, auth_results, source_days and source_reporters become WITHOUT ROWID tables, stored in the
--    B-tree of their primary key instead of a rowid table plus a primary-key index (one B-tree insert per row
--    instead of two). Rebuilt by renaming the old table, copying, and dropping it. The record-level foreign keys
--    are not carried over, as on PostgreSQL since schema 6 (same reasoning: the store writes a report with its
--    records and auth results in one transaction; KillDuringImportTest checks for orphans after a kill -9).
--    PostgreSQL tables are heaps with separate indexes whatever the declaration: nothing to do there.
${sqlite} ALTER TABLE auth_results RENAME TO auth_results_v7;
${sqlite} ALTER TABLE records RENAME TO records_v7;
${sqlite} ALTER TABLE source_days RENAME TO source_days_v7;
${sqlite} ALTER TABLE source_reporters RENAME TO source_reporters_v7;
${sqlite} CREATE TABLE records (report_id BIGINT NOT NULL, seq INTEGER NOT NULL, domain TEXT NOT NULL, day INTEGER NOT NULL, source_ip TEXT NOT NULL, messages BIGINT NOT NULL, disposition TEXT, dkim TEXT, spf TEXT, reasons TEXT, header_from TEXT NOT NULL, envelope_from TEXT, envelope_to TEXT, PRIMARY KEY (report_id, seq)) WITHOUT ROWID;
${sqlite} CREATE TABLE auth_results (report_id BIGINT NOT NULL, seq INTEGER NOT NULL, method VARCHAR(4) NOT NULL, n INTEGER NOT NULL, domain TEXT NOT NULL, selector TEXT, result TEXT, human_result TEXT, PRIMARY KEY (report_id, seq, method, n)) WITHOUT ROWID;
${sqlite} CREATE TABLE source_days (domain TEXT NOT NULL, day INTEGER NOT NULL, source_ip TEXT NOT NULL, k VARCHAR(32) NOT NULL, header_from TEXT NOT NULL, disposition TEXT NOT NULL, dkim TEXT NOT NULL, spf TEXT NOT NULL, dkim_aligned SMALLINT NOT NULL, spf_aligned SMALLINT NOT NULL, dkim_auth TEXT NOT NULL, spf_auth TEXT NOT NULL, reasons TEXT NOT NULL, messages BIGINT NOT NULL, records BIGINT NOT NULL, PRIMARY KEY (domain, day, source_ip, k)) WITHOUT ROWID;
${sqlite} CREATE TABLE source_reporters (domain TEXT NOT NULL, day INTEGER NOT NULL, source_ip TEXT NOT NULL, org_name TEXT NOT NULL, reports BIGINT NOT NULL, messages BIGINT NOT NULL, PRIMARY KEY (domain, source_ip, day, org_name)) WITHOUT ROWID;
${sqlite} INSERT INTO records SELECT report_id, seq, domain, day, source_ip, messages, disposition, dkim, spf, reasons, header_from, envelope_from, envelope_to FROM records_v7 ORDER BY report_id, seq;
${sqlite} INSERT INTO auth_results SELECT report_id, seq, method, n, domain, selector, result, human_result FROM auth_results_v7 ORDER BY report_id, seq, method, n;
${sqlite} INSERT INTO source_days SELECT domain, day, source_ip, k, header_from, disposition, dkim, spf, dkim_aligned, spf_aligned, dkim_auth, spf_auth, reasons, messages, records FROM source_days_v7 ORDER BY domain, day, source_ip, k;
${sqlite} INSERT INTO source_reporters SELECT domain, day, source_ip, org_name, reports, messages FROM source_reporters_v7 ORDER BY domain, source_ip, day, org_name;
${sqlite} DROP TABLE auth_results_v7;
${sqlite} DROP TABLE records_v7;
${sqlite} DROP TABLE source_days_v7;
${sqlite} DROP TABLE source_reporters_v7;
${sqlite} CREATE INDEX records_source_newest ON records (domain, source_ip, day DESC, report_id DESC, seq);
${sqlite} CREATE INDEX source_days_ip ON source_days (domain, source_ip, day);
