package dev.aligned.dmarc;

import java.util.List;
import java.util.Objects;

/** What {@link DmarcRecordParser} made of a text: a usable record (with problems noted) or not a DMARC record. */
public sealed interface DmarcParseResult {

    /** The problems found, in record order (errors and warnings, capped). */
    List<DmarcProblem> problems();

    /** The text starts with {@code v=DMARC1}: a DMARC record, possibly with discarded values (see problems). */
    record Valid(DmarcRecord record, List<DmarcProblem> problems) implements DmarcParseResult {
        public Valid {
            Objects.requireNonNull(record, "record");
            problems = List.copyOf(problems);
        }
    }

    /**
     * The text is not a DMARC record (no {@code v=DMARC1} first, or over the length limit): RFC 9989 section 4.7
     * says the entire record must be ignored. {@code problems} holds at least one error saying why.
     */
    record NotDmarc(List<DmarcProblem> problems) implements DmarcParseResult {
        public NotDmarc {
            problems = List.copyOf(problems);
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("NotDmarc needs the problem that makes it so");
            }
        }

        /** The first (deciding) problem. */
        public DmarcProblem reason() {
            return problems.get(0);
        }
    }
}
