/** Import throughput of the report store (SQLite, PostgreSQL) next to parse-only throughput: {@code StoreImportBench}. */
package dev.aligned.bench.store;
