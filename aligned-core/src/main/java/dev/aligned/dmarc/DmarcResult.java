package dev.aligned.dmarc;

import java.util.Objects;

/** The DMARC result (RFC 8601 section 2.7.1 keywords), as a closed set of cases. */
public sealed interface DmarcResult {

    /** {@code pass}, {@code fail}, {@code none}, {@code temperror} or {@code permerror}. */
    String keyword();

    /** A DMARC policy record applies and at least one authenticated identifier is aligned. */
    record Pass() implements DmarcResult {
        @Override
        public String keyword() {
            return "pass";
        }
    }

    /** A DMARC policy record applies and no authenticated identifier is aligned. */
    record Fail() implements DmarcResult {
        @Override
        public String keyword() {
            return "fail";
        }
    }

    /** DMARC does not apply: no policy record, or the record asks for no DMARC processing. */
    record None(String reason) implements DmarcResult {
        public None {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String keyword() {
            return "none";
        }
    }

    /** A DNS query needed for a definite answer failed temporarily; try again later. */
    record TempError(String reason) implements DmarcResult {
        public TempError {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String keyword() {
            return "temperror";
        }
    }

    /** The policy record (or the message) is broken in a way that retrying will not fix. */
    record PermError(String reason) implements DmarcResult {
        public PermError {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String keyword() {
            return "permerror";
        }
    }
}
