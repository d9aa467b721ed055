package dev.aligned.server.analysis;

/**
 * One thing to do so that a source passes DMARC.
 *
 * @param action what to do, in a sentence ("add include:_spf.google.com to the SPF record of example.com")
 * @param why what the reports show that calls for it
 * @param messages the failing messages in the period this fix would address
 */
public record Fix(String action, String why, long messages) {
}
