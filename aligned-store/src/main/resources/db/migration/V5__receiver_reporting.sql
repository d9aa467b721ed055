-- Receiver-side reporting (dev.aligned.server.reporting): what this receiver evaluated, the aggregate reports
-- made from it and their delivery. Same conventions as V1: times are epoch milliseconds (UTC), "day" is the UTC
-- epoch day, big tables carry (domain, day) so they partition like the rest.

-- Evaluated messages, one row per distinct evaluation of a policy domain and day (the aggregate report record);
-- identical evaluations add to "messages". row_key is the SHA-256 of every column that makes a record distinct.
CREATE TABLE evaluations (
    domain         TEXT        NOT NULL,   -- policy domain (where the DMARC record was found), lower case
    day            INTEGER     NOT NULL,   -- UTC epoch day the message was received
    row_key        VARCHAR(64) NOT NULL,
    source_ip      TEXT        NOT NULL,
    header_from    TEXT        NOT NULL,
    envelope_from  TEXT,
    envelope_to    TEXT,
    policy_record  TEXT        NOT NULL,   -- the DMARC record as published
    mode           VARCHAR(16) NOT NULL,   -- rfc9989 | rfc7489
    disposition    VARCHAR(16) NOT NULL,   -- none | quarantine | reject (applied)
    overrides      TEXT        NOT NULL,   -- type|comment;...
    dmarc          VARCHAR(16) NOT NULL,   -- pass | fail | none | temperror | permerror
    dmarc_reason   TEXT        NOT NULL,
    dkim_aligned   INTEGER     NOT NULL,
    spf_aligned    INTEGER     NOT NULL,
    dkim           TEXT        NOT NULL,   -- domain|selector|result;...
    spf            TEXT        NOT NULL,   -- domain|result|identity
    messages       BIGINT      NOT NULL,
    first_seen     BIGINT      NOT NULL,
    last_seen      BIGINT      NOT NULL,
    PRIMARY KEY (domain, day, row_key)
);
CREATE INDEX evaluations_day ON evaluations (day);

-- Aggregate reports generated: one row per (policy domain, period); its existence means the period was handled
-- (the deliveries below were created in the same transaction), so neither a restart nor a second node generates
-- it again.
CREATE TABLE report_runs (
    domain         TEXT        NOT NULL,
    day            INTEGER     NOT NULL,   -- UTC epoch day of the period's start
    report_id      TEXT        NOT NULL,
    period_begin   BIGINT      NOT NULL,
    period_end     BIGINT      NOT NULL,
    records        INTEGER     NOT NULL,
    messages       BIGINT      NOT NULL,
    created_at     BIGINT      NOT NULL,
    PRIMARY KEY (domain, day)
);

-- One message to send to one destination. The complete message is kept so a retry sends the same bytes; state
-- moves pending -> sent, or pending -> failed after the last attempt; refused destinations are recorded as
-- skipped (not authorised, too large, suppressed) so that it is visible why nothing went there.
CREATE TABLE report_deliveries (
    id             ${id},
    kind           VARCHAR(16) NOT NULL,   -- aggregate | failure
    domain         TEXT        NOT NULL,
    day            INTEGER     NOT NULL,
    report_id      TEXT        NOT NULL,
    destination    TEXT        NOT NULL,   -- the rua/ruf URI
    recipient      TEXT        NOT NULL,   -- the mailbox
    message_id     TEXT        NOT NULL,
    message        ${bytes},
    size           BIGINT      NOT NULL,
    state          VARCHAR(16) NOT NULL,   -- pending | sent | failed | skipped
    detail         TEXT        NOT NULL,   -- why skipped, the last error, or the server's answer
    attempts       INTEGER     NOT NULL DEFAULT 0,
    next_attempt   BIGINT      NOT NULL,
    created_at     BIGINT      NOT NULL,
    sent_at        BIGINT,
    UNIQUE (kind, report_id, destination, recipient)
);
CREATE INDEX report_deliveries_due ON report_deliveries (state, next_attempt);
CREATE INDEX report_deliveries_domain ON report_deliveries (domain, day);
