-- Aligned report store, schema 1. One history for SQLite and PostgreSQL: the SQL is portable except for two
-- Flyway placeholders set per database by dev.aligned.store.Dialect:
--   ${id}     an auto-generated 64-bit key (SQLite INTEGER PRIMARY KEY, PostgreSQL BIGINT identity)
--   ${bytes}  a binary column (SQLite BLOB, PostgreSQL BYTEA)
-- Times are epoch milliseconds (UTC) in BIGINT; a "day" is the UTC epoch day (days since 1970-01-01) in
-- INTEGER. Keys that big tables may later be partitioned on (day) or distributed on (domain) are carried in
-- every large table; see docs/store.md.

-- The original bytes of every input, archived (gzip) before it is parsed. Never deleted: retention only
-- drops the compressed bytes of blobs that parsed (purged_at), so the hash still deduplicates.
CREATE TABLE blobs (
    sha256        VARCHAR(64) NOT NULL PRIMARY KEY,
    size          BIGINT      NOT NULL,
    compressed    ${bytes},
    first_source  TEXT        NOT NULL,
    received_at   BIGINT      NOT NULL,
    state         VARCHAR(16) NOT NULL,   -- received | parsed | partial | failed
    reports       INTEGER     NOT NULL DEFAULT 0,
    failures      INTEGER     NOT NULL DEFAULT 0,
    parsed_at     BIGINT,
    purged_at     BIGINT
);
CREATE INDEX blobs_state ON blobs (state);
CREATE INDEX blobs_received ON blobs (received_at);

-- One row per attempt to ingest an input (a file, a message, an upload), with what came of it.
CREATE TABLE ingest_attempts (
    id                ${id},
    blob_sha256       VARCHAR(64) NOT NULL REFERENCES blobs (sha256),
    source            TEXT        NOT NULL,
    started_at        BIGINT      NOT NULL,
    finished_at       BIGINT,
    outcome           VARCHAR(16) NOT NULL,   -- archived | stored | duplicate | partial | failed
    reports_new       INTEGER     NOT NULL DEFAULT 0,
    reports_duplicate INTEGER     NOT NULL DEFAULT 0,
    reports_conflict  INTEGER     NOT NULL DEFAULT 0,
    reports_failed    INTEGER     NOT NULL DEFAULT 0
);
CREATE INDEX ingest_attempts_blob ON ingest_attempts (blob_sha256);

-- The parse errors of an attempt: the report reader's message (what, where, what to do).
CREATE TABLE ingest_errors (
    attempt_id  BIGINT  NOT NULL REFERENCES ingest_attempts (id),
    n           INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    error       TEXT    NOT NULL,
    PRIMARY KEY (attempt_id, n)
);

-- Aggregate reports. Identity: (domain, org_name, report_id) plus the hash of the parsed content; the same
-- content is stored once whatever bytes carried it. Different content under a reused identity is stored with
-- conflict_of set (flagged); in_rollups says whether its records were added to daily_rollups.
CREATE TABLE reports (
    id                ${id},
    domain            TEXT        NOT NULL,   -- policy_published/domain, lower case
    day               INTEGER     NOT NULL,   -- epoch day of date_range/begin (0 when absent)
    org_name          TEXT        NOT NULL,
    report_id         TEXT        NOT NULL,
    content_sha256    VARCHAR(64) NOT NULL,
    blob_sha256       VARCHAR(64) NOT NULL REFERENCES blobs (sha256),
    source            TEXT        NOT NULL,
    email             TEXT        NOT NULL,
    extra_contact     TEXT,
    date_begin        BIGINT,
    date_end          BIGINT,
    version           TEXT,
    generator         TEXT,
    policy_p          TEXT,
    policy_sp         TEXT,
    policy_np         TEXT,
    policy_adkim      TEXT,
    policy_aspf       TEXT,
    policy_pct        INTEGER,
    policy_fo         TEXT,
    policy_testing    TEXT,
    policy_discovery  TEXT,
    errors            TEXT,
    warnings          TEXT,
    record_count      INTEGER     NOT NULL,
    message_count     BIGINT      NOT NULL,
    conflict_of       BIGINT,
    in_rollups        SMALLINT    NOT NULL,
    stored_at         BIGINT      NOT NULL,
    records_purged_at BIGINT
);
CREATE UNIQUE INDEX reports_identity ON reports (domain, day, org_name, report_id, content_sha256);
CREATE INDEX reports_lookup ON reports (domain, org_name, report_id);
CREATE INDEX reports_blob ON reports (blob_sha256);

-- The <record> rows of aggregate reports.
CREATE TABLE records (
    report_id     BIGINT  NOT NULL REFERENCES reports (id),
    seq           INTEGER NOT NULL,
    domain        TEXT    NOT NULL,
    day           INTEGER NOT NULL,
    source_ip     TEXT    NOT NULL,
    messages      BIGINT  NOT NULL,
    disposition   TEXT,
    dkim          TEXT,
    spf           TEXT,
    reasons       TEXT,
    header_from   TEXT    NOT NULL,
    envelope_from TEXT,
    envelope_to   TEXT,
    PRIMARY KEY (report_id, seq)
);
CREATE INDEX records_domain_day ON records (domain, day);

-- The auth_results of each record: every DKIM signature and SPF check as reported.
CREATE TABLE auth_results (
    report_id     BIGINT     NOT NULL,
    seq           INTEGER    NOT NULL,
    method        VARCHAR(4) NOT NULL,   -- dkim | spf
    n             INTEGER    NOT NULL,
    domain        TEXT       NOT NULL,
    selector      TEXT,                  -- DKIM selector, or SPF scope
    result        TEXT,
    human_result  TEXT,
    PRIMARY KEY (report_id, seq, method, n),
    FOREIGN KEY (report_id, seq) REFERENCES records (report_id, seq)
);

-- Failure reports (ARF / RFC 9991), stored once per content hash.
CREATE TABLE failure_reports (
    id                     ${id},
    domain                 TEXT        NOT NULL,   -- first Reported-Domain, else DKIM-Domain, else ''
    day                    INTEGER     NOT NULL,   -- epoch day of Arrival-Date (0 when absent or unreadable)
    content_sha256         VARCHAR(64) NOT NULL,
    blob_sha256            VARCHAR(64) NOT NULL REFERENCES blobs (sha256),
    source                 TEXT        NOT NULL,
    format                 TEXT        NOT NULL,
    feedback_type          TEXT        NOT NULL,
    user_agent             TEXT,
    arrival_date           TEXT,
    source_ip              TEXT,
    original_mail_from     TEXT,
    original_rcpt_to       TEXT,
    reported_domain        TEXT,
    reported_uri           TEXT,
    authentication_results TEXT,
    auth_failure           TEXT,
    identity_alignment     TEXT,
    delivery_result        TEXT,
    dkim_domain            TEXT,
    dkim_identity          TEXT,
    dkim_selector          TEXT,
    spf_dns                TEXT,
    other_fields           TEXT,
    original_headers       TEXT,
    warnings               TEXT,
    stored_at              BIGINT      NOT NULL
);
CREATE UNIQUE INDEX failure_reports_identity ON failure_reports (domain, day, content_sha256);

-- What the dashboard reads: messages per domain, day, source IP and result, summed from record counts.
-- Updated in the transaction that stores the report.
CREATE TABLE daily_rollups (
    domain      TEXT    NOT NULL,
    day         INTEGER NOT NULL,
    source_ip   TEXT    NOT NULL,
    disposition TEXT    NOT NULL,   -- '' when the report did not say
    dkim        TEXT    NOT NULL,   -- aligned DKIM: pass | fail | ''
    spf         TEXT    NOT NULL,   -- aligned SPF: pass | fail | ''
    dmarc       TEXT    NOT NULL,   -- pass when dkim or spf passed, else fail
    messages    BIGINT  NOT NULL,
    records     BIGINT  NOT NULL,
    PRIMARY KEY (domain, day, source_ip, disposition, dkim, spf)
);
