-- Schema 12: no index in source-IP order (issue 7, import throughput; see docs/benchmarks.md and docs/store.md).
-- An index that starts with (domain, source_ip) takes every imported report's rows at random places of the B-tree
-- (one page touched per row, and after each PostgreSQL checkpoint a full page image in the WAL for each); an index
-- in day order takes them at its end. The source pages' reads of one IP now search (domain, day, source_ip) day by
-- day (dev.aligned.store.IpDays).

-- the counts: the primary key (domain, day, source_ip, shape) serves the reads of one IP
DROP INDEX source_day_counts_ip;

-- the packs: one IP's packs of a day, with what the reporters read needs (covering)
DROP INDEX record_packs_source;
CREATE INDEX record_packs_day ON record_packs (domain, day, source_ip, report_id, messages);
