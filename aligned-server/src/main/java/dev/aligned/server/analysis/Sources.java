package dev.aligned.server.analysis;

import java.util.List;

/**
 * The sources of a domain over a period, most messages first. At most {@link Analysis#MAX_SOURCE_ROWS} rows are
 * listed; the rest are counted in {@code otherSources}/{@code otherMessages}.
 */
public record Sources(String domain, Period period, List<SourceRow> rows, long totalSources, long otherSources,
        long otherMessages) {
    public Sources {
        rows = List.copyOf(rows);
    }
}
