package dev.aligned.server.analysis;

import java.util.List;

/**
 * One source IP of a domain over a period: its row, reporters, raw auth results and its latest records (at most
 * {@link Analysis#MAX_DETAIL_RECORDS}, newest first).
 */
public record SourceDetail(String domain, Period period, SourceRow source, List<ReporterCount> reporters,
        List<AuthCount> authResults, List<RecordRow> records) {
    public SourceDetail {
        reporters = List.copyOf(reporters);
        authResults = List.copyOf(authResults);
        records = List.copyOf(records);
    }
}
