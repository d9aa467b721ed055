/**
 * The analysis stage: what the dashboard and the JSON API show, read from the daily rollups the store keeps
 * ({@link dev.aligned.server.analysis.Analysis}), reverse-DNS and sending-service enrichment after storage,
 * source classification, policy readiness, DKIM selectors for the domain checker, and alerts
 * ({@link dev.aligned.server.analysis.AlertSink}).
 */
package dev.aligned.server.analysis;
