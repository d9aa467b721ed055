package dev.aligned.server.analysis;

import java.time.LocalDate;

/**
 * A DKIM selector seen in reports for a domain (signatures whose {@code d=} is the domain or below it).
 *
 * @param domain the signing domain ({@code d=})
 * @param passed messages whose signature with this selector passed
 */
public record SelectorSeen(String domain, String selector, long messages, long passed, LocalDate lastSeen) {
}
