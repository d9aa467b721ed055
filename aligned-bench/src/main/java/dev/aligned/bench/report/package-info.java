/** Report parsing benchmarks and the synthetic aggregate report generator other benchmarks reuse. */
package dev.aligned.bench.report;
