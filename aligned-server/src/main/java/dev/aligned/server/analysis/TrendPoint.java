package dev.aligned.server.analysis;

import java.time.LocalDate;

/** One day of a domain's trend: messages and rates of that UTC report day. */
public record TrendPoint(LocalDate day, Volume volume) {
}
