package dev.aligned.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored aggregate report record as read back from the store's {@code record_packs} table (schema 9): the
 * values as written, absent where the report left them out. Readers that query the table themselves (the web
 * pages) decode its {@code packed} column with {@link #unpack}.
 *
 * <pre>{@code
 * for (StoredRecord r : StoredRecord.unpack(rs.getLong("report_id"), rs.getString("source_ip"), rs.getBytes("packed"))) {
 *     ... r.seq(), r.messages(), r.dkimResults() ...
 * }
 * }</pre>
 *
 * @param seq the record's position in its report, from 1
 * @param reasons the policy override reasons as {@code type: comment} lines
 * @param dkimResults the DKIM auth results in report order ({@link Auth#selector()} is the selector)
 * @param spfResults the SPF auth results in report order ({@link Auth#selector()} is the scope)
 */
public record StoredRecord(int seq, long messages, Optional<String> disposition, Optional<String> dkim,
        Optional<String> spf, Optional<String> reasons, String headerFrom, Optional<String> envelopeFrom,
        Optional<String> envelopeTo, List<Auth> dkimResults, List<Auth> spfResults) {
    public StoredRecord {
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(reasons, "reasons");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        dkimResults = List.copyOf(dkimResults);
        spfResults = List.copyOf(spfResults);
    }

    /**
     * One DKIM or SPF auth result.
     *
     * @param selector the DKIM selector, or the SPF scope
     */
    public record Auth(String domain, Optional<String> selector, Optional<String> result,
            Optional<String> humanResult) {
        public Auth {
            Objects.requireNonNull(domain, "domain");
            Objects.requireNonNull(selector, "selector");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(humanResult, "humanResult");
        }
    }

    /**
     * The records of one {@code record_packs} row, in seq order.
     *
     * @throws StoreException naming the report and source IP when {@code packed} is corrupt
     */
    public static List<StoredRecord> unpack(long reportId, String sourceIp, byte[] packed) {
        Objects.requireNonNull(packed, "packed");
        return RecordPack.decode(packed, reportId, sourceIp);
    }
}
