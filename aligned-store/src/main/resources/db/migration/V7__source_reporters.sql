-- Per-source reporter rollup for the dashboard's source detail page (dev.aligned.server.analysis): messages and
-- reports per (domain, day, source IP, reporter organisation), added in the transaction that stores a report
-- (AnalysisRollups), so the page never groups an IP's raw records. A report covers one day, so "reports" sums
-- exactly over days.
CREATE TABLE source_reporters (
    domain     TEXT    NOT NULL,
    day        INTEGER NOT NULL,
    source_ip  TEXT    NOT NULL,
    org_name   TEXT    NOT NULL,
    reports    BIGINT  NOT NULL,
    messages   BIGINT  NOT NULL,
    PRIMARY KEY (domain, source_ip, day, org_name)
);

-- Backfill from the reports already counted in the rollups.
INSERT INTO source_reporters (domain, day, source_ip, org_name, reports, messages)
SELECT c.domain, c.day, c.source_ip, r.org_name, COUNT(DISTINCT c.report_id), SUM(c.messages)
FROM records c JOIN reports r ON r.id = c.report_id
WHERE r.in_rollups = 1
GROUP BY c.domain, c.day, c.source_ip, r.org_name;

-- "The newest records of this IP" as an index range scan in the order the page lists them.
CREATE INDEX records_source_newest ON records (domain, source_ip, day DESC, report_id DESC, seq);
