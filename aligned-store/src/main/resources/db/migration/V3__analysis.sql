-- Aligned schema 3: what the analysis stage (dev.aligned.server.analysis) reads and keeps. See docs/analysis.md.
-- The two rollups are written by the store in the transaction that stores a report (like daily_rollups); the
-- other tables are the analysis stage's own state (reverse DNS cache, alert deduplication, last seen records).

-- Messages per domain and day without the source IP: the overview and trend read only this (a few rows per day).
-- dkim/spf are policy_evaluated as reported; dkim_aligned/spf_aligned are recomputed from auth_results
-- (1 = a passing result whose domain is aligned with header_from under the published adkim/aspf).
CREATE TABLE daily_totals (
    domain       TEXT     NOT NULL,
    day          INTEGER  NOT NULL,
    disposition  TEXT     NOT NULL,
    dkim         TEXT     NOT NULL,
    spf          TEXT     NOT NULL,
    dkim_aligned SMALLINT NOT NULL,
    spf_aligned  SMALLINT NOT NULL,
    messages     BIGINT   NOT NULL,
    records      BIGINT   NOT NULL,
    PRIMARY KEY (domain, day, disposition, dkim, spf, dkim_aligned, spf_aligned)
);

-- Messages per domain, day, source IP and authentication detail: sources, classification, readiness,
-- disagreements and selectors read this. k is a hash of the detail columns (they are too long for a key).
-- dkim_auth: up to 4 signatures "d/selector=result" separated by spaces, report order; spf_auth: up to 2
-- "domain=result" (MAIL FROM first); reasons: override reason types, comma-separated.
CREATE TABLE source_days (
    domain       TEXT        NOT NULL,
    day          INTEGER     NOT NULL,
    source_ip    TEXT        NOT NULL,
    k            VARCHAR(32) NOT NULL,
    header_from  TEXT        NOT NULL,
    disposition  TEXT        NOT NULL,
    dkim         TEXT        NOT NULL,
    spf          TEXT        NOT NULL,
    dkim_aligned SMALLINT    NOT NULL,
    spf_aligned  SMALLINT    NOT NULL,
    dkim_auth    TEXT        NOT NULL,
    spf_auth     TEXT        NOT NULL,
    reasons      TEXT        NOT NULL,
    messages     BIGINT      NOT NULL,
    records      BIGINT      NOT NULL,
    PRIMARY KEY (domain, day, source_ip, k)
);
CREATE INDEX source_days_ip ON source_days (domain, source_ip, day);

-- DKIM selectors seen per policy domain: signatures whose d= is the domain or below it, one count per record.
CREATE TABLE dkim_selectors (
    domain     TEXT    NOT NULL,
    d          TEXT    NOT NULL,
    selector   TEXT    NOT NULL,
    messages   BIGINT  NOT NULL,
    passed     BIGINT  NOT NULL,
    last_day   INTEGER NOT NULL,
    PRIMARY KEY (domain, d, selector)
);

-- Sources of a domain over a standard window (last 7/30/90/365 days), summed and ranked ahead of page views
-- by the analysis refresh (after ingest): the top rows and one line for the rest. A big domain sees hundreds of
-- thousands of IPs a year; grouping them per page view would not fit a page's time budget.
CREATE TABLE source_windows (
    domain         TEXT    NOT NULL,
    from_day       INTEGER NOT NULL,
    to_day         INTEGER NOT NULL,
    version        BIGINT  NOT NULL,   -- the domain's highest report id when computed
    computed_at    BIGINT  NOT NULL,
    total_sources  BIGINT  NOT NULL,
    other_sources  BIGINT  NOT NULL,
    other_messages BIGINT  NOT NULL,
    other_pass     BIGINT  NOT NULL,
    PRIMARY KEY (domain, from_day, to_day)
);
CREATE TABLE source_window_rows (
    domain        TEXT    NOT NULL,
    from_day      INTEGER NOT NULL,
    to_day        INTEGER NOT NULL,
    rank          INTEGER NOT NULL,
    source_ip     TEXT    NOT NULL,
    messages      BIGINT  NOT NULL,
    dmarc_pass    BIGINT  NOT NULL,
    dkim_aligned  BIGINT  NOT NULL,
    spf_aligned   BIGINT  NOT NULL,
    forwarded     BIGINT  NOT NULL,
    dkim_pass_any BIGINT  NOT NULL,
    spf_pass_any  BIGINT  NOT NULL,
    dkim_auth     TEXT    NOT NULL,
    spf_auth      TEXT    NOT NULL,
    header_from   TEXT    NOT NULL,
    PRIMARY KEY (domain, from_day, to_day, rank)
);

-- The newest report of a domain (cache versions, latest policy).
CREATE INDEX reports_domain_id ON reports (domain, id);

-- The records of one source IP (the source detail page reads at most a period of one IP's records).
CREATE INDEX records_source ON records (domain, source_ip, day);

-- Reverse DNS of source IPs (PTR, forward-confirmed), cached until expires_at.
CREATE TABLE reverse_dns (
    ip          TEXT        NOT NULL PRIMARY KEY,
    name        TEXT        NOT NULL,   -- '' when none
    confirmed   SMALLINT    NOT NULL,
    state       VARCHAR(16) NOT NULL,   -- confirmed | unconfirmed | none | unavailable
    checked_at  BIGINT      NOT NULL,
    expires_at  BIGINT      NOT NULL
);
CREATE INDEX reverse_dns_expires ON reverse_dns (expires_at);

-- Alerts already raised: one row per (kind, domain, key); an alert is sent once.
CREATE TABLE alerts_sent (
    kind     VARCHAR(32) NOT NULL,
    domain   TEXT        NOT NULL,
    akey     TEXT        NOT NULL,
    title    TEXT        NOT NULL,
    sent_at  BIGINT      NOT NULL,
    PRIMARY KEY (kind, domain, akey)
);

-- Source IPs already known per domain (for the new-source alert).
CREATE TABLE known_sources (
    domain     TEXT    NOT NULL,
    source_ip  TEXT    NOT NULL,
    first_day  INTEGER NOT NULL,
    PRIMARY KEY (domain, source_ip)
);

-- The last seen text of a domain's DNS records (for the DNS-changed alert). rtype: spf | dmarc | dkim:SELECTOR.
CREATE TABLE dns_snapshots (
    domain   TEXT        NOT NULL,
    rtype    VARCHAR(80) NOT NULL,
    text     TEXT        NOT NULL,
    seen_at  BIGINT      NOT NULL,
    PRIMARY KEY (domain, rtype)
);

-- Existing rollups carry no auth detail: seed the totals from daily_rollups (recomputed alignment unknown,
-- taken as policy_evaluated); source_days fills from reports stored from now on.
INSERT INTO daily_totals (domain, day, disposition, dkim, spf, dkim_aligned, spf_aligned, messages, records)
SELECT domain, day, disposition, dkim, spf,
       CASE WHEN dkim = 'pass' THEN 1 ELSE 0 END, CASE WHEN spf = 'pass' THEN 1 ELSE 0 END,
       SUM(messages), SUM(records)
FROM daily_rollups
GROUP BY domain, day, disposition, dkim, spf;
