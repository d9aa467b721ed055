package dev.aligned.server.analysis;

/**
 * Messages by the disposition the receiver applied ({@code none}, {@code quarantine}, {@code reject}, or
 * {@code pass} for RFC 9990 reports; empty when the report did not say).
 */
public record DispositionCount(String disposition, long messages) {
}
