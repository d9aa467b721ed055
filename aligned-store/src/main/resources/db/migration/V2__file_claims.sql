-- Aligned report store, schema 2: work claims for watched directories shared by several nodes.
-- A node lists a directory, inserts one row per file it found (ignoring rows that exist), then claims a batch
-- with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction it keeps open while it ingests and moves those
-- files; it deletes each row once the file is stored and moved, and commits. A node that dies mid-batch loses
-- its connection, the transaction rolls back, and another node claims the rows (a file already moved is gone:
-- its row is deleted; a file already stored is recognised by its bytes). Used on PostgreSQL; on SQLite (one
-- machine) a lock file per directory serves instead and this table stays empty.
CREATE TABLE file_claims (
    id         ${id},                              -- offer order
    claim_key  VARCHAR(64) NOT NULL UNIQUE,        -- hex SHA-256 of directory NUL name
    dir_key    VARCHAR(64) NOT NULL,               -- hex SHA-256 of the directory's absolute path
    name       TEXT        NOT NULL,               -- path relative to the directory, '/'-separated
    found_at   BIGINT      NOT NULL
);
CREATE INDEX file_claims_dir ON file_claims (dir_key, id);

-- records_domain_day served no query (records are read through their report, by report_id) and cost a third
-- B-tree per record on every import; the domain and day columns stay as the partitioning/distribution keys.
DROP INDEX records_domain_day;
