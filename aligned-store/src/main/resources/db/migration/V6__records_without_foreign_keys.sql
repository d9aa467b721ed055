-- Schema 6: the record-level foreign keys go (PostgreSQL). records -> reports and auth_results -> records were
-- checked for every row by an RI trigger, the largest cost of an import on PostgreSQL. The store is the only
-- writer of these tables and writes a report, its records and their auth results in one transaction (retention
-- deletes them in one transaction too), so a row whose parent is missing cannot be committed; KillDuringImportTest
-- checks that no such row exists after a kill -9. On SQLite the keys stay (checked in-process, cheap there, and
-- SQLite cannot drop a constraint without rebuilding the table): the placeholders expand to a no-op.
${dropAuthResultsForeignKey};
${dropRecordsForeignKey};
