package dev.aligned.server.analysis;

/**
 * What one reverse-DNS enrichment run did.
 *
 * @param looked IPs looked up in this run
 * @param confirmed names confirmed by a forward lookup back to the IP
 * @param unconfirmed names whose forward lookup did not return the IP
 * @param none IPs without a PTR record
 * @param unavailable lookups that failed (DNS unavailable); retried on a later run
 * @param remaining IPs still waiting because the run's budget was spent
 */
public record EnrichResult(int looked, int confirmed, int unconfirmed, int none, int unavailable, int remaining) {
}
