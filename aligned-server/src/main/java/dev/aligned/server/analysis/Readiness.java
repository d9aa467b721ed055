package dev.aligned.server.analysis;

import java.util.List;

/**
 * Whether a domain can move to the next policy step, from replaying the last days of reports under it.
 *
 * @param current the policy of the latest report ({@code none} when unknown)
 * @param next the step that was replayed
 * @param ready true when no legitimate mail (authenticated, known services, forwarders) would be hit beyond the
 *     tolerance; {@code why} says what decided
 * @param legitimateAffected messages from known services and forwarders that fail DMARC and would be
 *     quarantined or rejected under {@code next}
 * @param unknownAffected failing messages from unknown sources (likely spoofing): what the step stops
 * @param fixFirst what to fix, most affected messages first
 */
public record Readiness(String domain, Period period, PolicyStep current, PolicyStep next, boolean ready,
        String why, Volume volume, long legitimateAffected, long unknownAffected, List<Fix> fixFirst) {
    public Readiness {
        fixFirst = List.copyOf(fixFirst);
    }
}
