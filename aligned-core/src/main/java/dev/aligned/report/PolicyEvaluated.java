package dev.aligned.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code policy_evaluated}: the disposition applied and the aligned DKIM/SPF results, with override reasons. */
public record PolicyEvaluated(
        Optional<ActionDisposition> disposition,
        Optional<DmarcResult> dkim,
        Optional<DmarcResult> spf,
        List<OverrideReason> reasons) {

    public PolicyEvaluated {
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        reasons = List.copyOf(reasons);
    }
}
