package dev.aligned.server.analysis;

import java.time.Instant;

/**
 * Something worth telling the domain owner about.
 *
 * @param kind {@code new-source}, {@code pass-rate-drop}, {@code parse-failure} or {@code dns-changed}
 * @param domain the domain concerned (empty for a report that failed to parse before its domain was known)
 * @param key what makes this alert distinct within its kind and domain (deduplication key)
 * @param title one line
 * @param detail the details, plain text
 */
public record Alert(String kind, String domain, String key, String title, String detail, Instant at) {
}
