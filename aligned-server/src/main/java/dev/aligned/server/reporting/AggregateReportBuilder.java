package dev.aligned.server.reporting;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dns.DomainName;
import dev.aligned.report.ActionDisposition;
import dev.aligned.report.AggregateReport;
import dev.aligned.report.Alignment;
import dev.aligned.report.DateRange;
import dev.aligned.report.DiscoveryMethod;
import dev.aligned.report.Disposition;
import dev.aligned.report.DkimAuthResult;
import dev.aligned.report.DkimResult;
import dev.aligned.report.Identifiers;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyEvaluated;
import dev.aligned.report.PolicyOverride;
import dev.aligned.report.PolicyPublished;
import dev.aligned.report.ReportMetadata;
import dev.aligned.report.ReportRecord;
import dev.aligned.report.Row;
import dev.aligned.report.SpfAuthResult;
import dev.aligned.report.SpfResult;
import dev.aligned.report.SpfScope;
import dev.aligned.report.Testing;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Turns one policy domain's tallies for one UTC day into an RFC 9990 aggregate report: identical rows (same
 * source IP, policy evaluation, identifiers and raw results) become one record with the summed count;
 * {@code policy_published} is the last policy seen that day (RFC 9990 section 2.1: "the final configuration
 * observed"); at most 100 DKIM results per record, passing aligned ones first (RFC 9990 section 2.1.2).
 */
final class AggregateReportBuilder {
    static final int MAX_DKIM_PER_RECORD = 100;
    /** Written for a signature whose {@code s=} could not be read: the schema requires a selector. */
    static final String NO_SELECTOR = "unknown";

    private AggregateReportBuilder() {
    }

    /** The reporting period of {@code day}: 00:00:00 to 23:59:59 UTC. */
    static DateRange period(LocalDate day) {
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return DateRange.ofEpochSeconds(begin, begin + 86_399);
    }

    static AggregateReport build(ReportingConfig cfg, DomainName domain, LocalDate day, String reportId,
            List<EvaluationLog.Tally> tallies) {
        if (tallies.isEmpty()) {
            throw new IllegalArgumentException("no evaluations for " + domain + " on " + day);
        }
        EvaluationLog.Tally last = tallies.stream().max(Comparator.comparing(EvaluationLog.Tally::lastSeen)).get();
        DmarcRecord rec = last.evaluation().policy();
        DmarcMode mode = last.evaluation().mode();
        Map<ReportRecord, Long> rows = new LinkedHashMap<>();
        for (EvaluationLog.Tally t : tallies) {
            rows.merge(record(t.evaluation(), 0), t.messages(), Long::sum);
        }
        List<ReportRecord> records = new ArrayList<>();
        rows.forEach((r, n) -> records.add(withCount(r, n)));
        records.sort(Comparator.comparingLong((ReportRecord r) -> -r.row().count())
                .thenComparing(r -> r.row().sourceIp()).thenComparing(r -> r.identifiers().headerFrom()));
        ReportMetadata meta = new ReportMetadata(cfg.orgName(), cfg.email(), cfg.extraContactInfo(), reportId,
                Optional.of(period(day)), List.of(), Optional.of("Aligned"));
        return new AggregateReport(Optional.of("1.0"), meta, published(domain, rec, mode), records, List.of());
    }

    static PolicyPublished published(DomainName domain, DmarcRecord rec, DmarcMode mode) {
        Disposition p = rec.needsPolicyFallback() ? Disposition.NONE : disposition(rec.policy().get());
        Optional<Disposition> sp = rec.subdomainPolicy().map(AggregateReportBuilder::disposition)
                .or(() -> Optional.of(p));
        Optional<Disposition> np = rec.nonExistentPolicy().map(AggregateReportBuilder::disposition);
        String fo = rec.failureOptions().stream().sorted().map(DmarcRecord.FailureOption::keyword)
                .collect(Collectors.joining(":"));
        return new PolicyPublished(domain.name(), Optional.of(alignment(rec.dkimAlignment())),
                Optional.of(alignment(rec.spfAlignment())), Optional.of(p), sp, np,
                mode == DmarcMode.RFC7489 ? rec.percent() : OptionalInt.empty(),
                fo.isEmpty() ? Optional.empty() : Optional.of(fo),
                Optional.of(rec.testing() ? Testing.Y : Testing.N),
                Optional.of(mode == DmarcMode.RFC7489 ? DiscoveryMethod.PSL : DiscoveryMethod.TREEWALK));
    }

    /** The report record of one evaluation (count as given). */
    static ReportRecord record(Evaluation e, long count) {
        PolicyEvaluated pe = new PolicyEvaluated(Optional.of(action(e)),
                Optional.of(aligned(e.dkimAligned())), Optional.of(aligned(e.spfAligned())),
                e.overrides().stream().map(AggregateReportBuilder::rfc9990Reason).toList());
        Identifiers ids = new Identifiers(e.envelopeTo().map(DomainName::name),
                Optional.of(e.envelopeFrom().map(DomainName::name).orElse("")), e.headerFrom().name());
        List<DkimOutcome> dkim = new ArrayList<>(e.dkim());
        dkim.sort(Comparator.comparingInt(d -> dkimRank(d, e.headerFrom())));
        List<DkimAuthResult> dk = dkim.stream().limit(MAX_DKIM_PER_RECORD)
                .map(d -> new DkimAuthResult(d.domain().name(), Optional.of(d.selector().orElse(NO_SELECTOR)),
                        Optional.of(dkimResult(d.result())), Optional.empty())).toList();
        List<SpfAuthResult> spf = e.spf().map(s -> List.of(new SpfAuthResult(s.domain().name(),
                Optional.of(SpfScope.MFROM), Optional.of(spfResult(s.result())), Optional.empty()))).orElse(List.of());
        return new ReportRecord(new Row(e.sourceIp(), count, pe), ids, dk, spf, List.of());
    }

    private static dev.aligned.report.DmarcResult aligned(boolean pass) {
        return pass ? dev.aligned.report.DmarcResult.PASS : dev.aligned.report.DmarcResult.FAIL;
    }

    private static ReportRecord withCount(ReportRecord r, long count) {
        return new ReportRecord(new Row(r.row().sourceIp(), count, r.row().policyEvaluated()), r.identifiers(),
                r.dkim(), r.spf(), r.extensions());
    }

    /** RFC 9990's {@code pass}: no action because DMARC passed under an enforcing policy. */
    static ActionDisposition action(Evaluation e) {
        return switch (e.disposition()) {
            case QUARANTINE -> ActionDisposition.QUARANTINE;
            case REJECT -> ActionDisposition.REJECT;
            case NONE -> e.dmarc() instanceof DmarcResult.Pass && requested(e) != DmarcRecord.Policy.NONE
                    ? ActionDisposition.PASS : ActionDisposition.NONE;
        };
    }

    /** The policy the record asks for the From domain ({@code p} for the policy domain itself, else {@code sp}). */
    static DmarcRecord.Policy requested(Evaluation e) {
        DmarcRecord r = e.policy();
        if (r.needsPolicyFallback()) {
            return DmarcRecord.Policy.NONE;
        }
        if (e.headerFrom().equals(e.policyDomain())) {
            return r.policy().get();
        }
        return r.subdomainPolicy().orElse(r.policy().get());
    }

    /** RFC 7489-only override types have no RFC 9990 value: they become {@code other} with the old name. */
    private static OverrideReason rfc9990Reason(OverrideReason r) {
        if (r.type().isPresent() && (r.type().get() == PolicyOverride.SAMPLED_OUT
                || r.type().get() == PolicyOverride.FORWARDED)) {
            String c = r.type().get().token() + r.comment().map(x -> ": " + x).orElse("");
            return new OverrideReason(Optional.of(PolicyOverride.OTHER), Optional.of(c));
        }
        return r;
    }

    private static int dkimRank(DkimOutcome d, DomainName from) {
        if (d.result() != AuthResult.PASS) {
            return 3;
        }
        if (d.domain().equals(from)) {
            return 0;
        }
        return from.isSubdomainOf(d.domain()) || d.domain().isSubdomainOf(from) ? 1 : 2;
    }

    private static Disposition disposition(DmarcRecord.Policy p) {
        return switch (p) {
            case NONE -> Disposition.NONE;
            case QUARANTINE -> Disposition.QUARANTINE;
            case REJECT -> Disposition.REJECT;
        };
    }

    private static Alignment alignment(DmarcRecord.AlignmentMode m) {
        return m == DmarcRecord.AlignmentMode.STRICT ? Alignment.S : Alignment.R;
    }

    static DkimResult dkimResult(AuthResult r) {
        return switch (r) {
            case PASS -> DkimResult.PASS;
            case FAIL, SOFTFAIL -> DkimResult.FAIL;
            case NEUTRAL -> DkimResult.NEUTRAL;
            case NONE -> DkimResult.NONE;
            case TEMPERROR -> DkimResult.TEMPERROR;
            case PERMERROR -> DkimResult.PERMERROR;
            case POLICY -> DkimResult.POLICY;
        };
    }

    static SpfResult spfResult(AuthResult r) {
        return switch (r) {
            case PASS -> SpfResult.PASS;
            case FAIL -> SpfResult.FAIL;
            case SOFTFAIL -> SpfResult.SOFTFAIL;
            case NEUTRAL -> SpfResult.NEUTRAL;
            case NONE -> SpfResult.NONE;
            case TEMPERROR -> SpfResult.TEMPERROR;
            case PERMERROR -> SpfResult.PERMERROR;
            case POLICY -> SpfResult.POLICY;
        };
    }
}
