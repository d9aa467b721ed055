/**
 * Receiver-side reporting: the evaluations a receiver records ({@link dev.aligned.server.reporting.Evaluation},
 * {@link dev.aligned.server.reporting.EvaluationLog}), the RFC 9990 aggregate reports and RFC 9991 failure
 * reports made from them, and their delivery to the domain owners' {@code rua}/{@code ruf} addresses.
 */
package dev.aligned.server.reporting;
