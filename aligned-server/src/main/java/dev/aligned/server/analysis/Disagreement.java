package dev.aligned.server.analysis;

import java.time.LocalDate;

/**
 * Report records where the receiver's {@code policy_evaluated} DKIM or SPF result differs from the alignment
 * recomputed from {@code auth_results} (relaxed/strict as published, organizational domains from the public
 * suffix list), summed per day, source and difference.
 *
 * @param field {@code dkim} or {@code spf}
 * @param reported what {@code policy_evaluated} says ({@code pass}/{@code fail})
 * @param recomputed what the auth results say ({@code pass}/{@code fail})
 */
public record Disagreement(LocalDate day, String sourceIp, String headerFrom, String field, String reported,
        String recomputed, long messages) {
}
