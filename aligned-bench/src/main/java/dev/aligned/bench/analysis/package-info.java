/** Latency of the dashboard's analysis queries on a large synthetic store ({@link dev.aligned.bench.analysis.AnalysisLatency}). */
package dev.aligned.bench.analysis;
