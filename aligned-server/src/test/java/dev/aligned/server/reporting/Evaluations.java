package dev.aligned.server.reporting;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcParseResult;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcRecordParser;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DomainName;
import dev.aligned.report.OverrideReason;
import dev.aligned.report.PolicyOverride;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** A deterministic stream of varied evaluations, as a busy receiver would record them. */
final class Evaluations {
    static final List<String> DOMAINS = List.of("example.com", "example.org", "shop.example.net");
    static final List<String> RECORDS = List.of(
            "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; fo=1; rua=mailto:dmarc@example.com; "
                    + "ruf=mailto:ruf@example.com",
            "v=DMARC1; p=none; rua=mailto:agg@reports.example.net!10m,mailto:dmarc@example.org",
            "v=DMARC1; p=quarantine; np=reject; t=y; fo=d:s; rua=mailto:dmarc@shop.example.net; "
                    + "ruf=mailto:fail@shop.example.net");

    private Evaluations() {
    }

    static DmarcRecord record(String text) {
        return switch (DmarcRecordParser.parse(text)) {
            case DmarcParseResult.Valid v -> v.record();
            case DmarcParseResult.NotDmarc n -> throw new AssertionError(n.reason().toString());
        };
    }

    /** {@code n} evaluations received between {@code from} and one day later, seeded by {@code seed}. */
    static List<Evaluation> stream(long seed, int n, Instant start) {
        Random r = new Random(seed);
        List<Evaluation> out = new ArrayList<>(n);
        String[] ips = new String[40];
        for (int i = 0; i < ips.length; i++) {
            ips[i] = i % 5 == 0 ? "2001:db8::" + Integer.toHexString(i + 1) : "192.0.2." + (i + 1);
        }
        for (int i = 0; i < n; i++) {
            int d = r.nextInt(DOMAINS.size());
            DomainName policyDomain = DomainName.of(DOMAINS.get(d));
            DmarcRecord rec = record(RECORDS.get(d));
            DomainName from = r.nextInt(4) == 0 ? policyDomain.child("mail") : policyDomain;
            boolean dkimPass = r.nextInt(3) != 0;
            boolean spfPass = r.nextInt(2) == 0;
            boolean thirdParty = r.nextInt(4) == 0;
            List<DkimOutcome> dkim = new ArrayList<>();
            if (r.nextInt(6) != 0) {
                dkim.add(new DkimOutcome(thirdParty ? DomainName.of("esp.example") : policyDomain,
                        Optional.of("s" + r.nextInt(2)), dkimPass ? AuthResult.PASS : AuthResult.FAIL));
            }
            if (r.nextInt(10) == 0) {
                dkim.add(new DkimOutcome(DomainName.of("relay.example"), Optional.empty(), AuthResult.PERMERROR));
            }
            DomainName mailFromDomain = thirdParty ? DomainName.of("bounces.esp.example") : from;
            AuthResult spfResult = spfPass ? AuthResult.PASS : (r.nextBoolean() ? AuthResult.SOFTFAIL : AuthResult.FAIL);
            Optional<SpfOutcome> spf = r.nextInt(20) == 0 ? Optional.empty()
                    : Optional.of(SpfOutcome.mailFrom(mailFromDomain, spfResult));
            boolean dkimAligned = !thirdParty && dkimPass && !dkim.isEmpty() && dkim.get(0).result() == AuthResult.PASS;
            boolean spfAligned = !thirdParty && spfPass && spf.isPresent();
            DmarcResult result = dkimAligned || spfAligned ? new DmarcResult.Pass() : new DmarcResult.Fail();
            Disposition disposition = result instanceof DmarcResult.Pass ? Disposition.NONE
                    : switch (from.equals(policyDomain) ? rec.policy().orElseThrow()
                            : rec.subdomainPolicy().orElse(rec.policy().orElseThrow())) {
                        case NONE -> Disposition.NONE;
                        case QUARANTINE -> Disposition.QUARANTINE;
                        case REJECT -> Disposition.REJECT;
                    };
            List<OverrideReason> overrides = new ArrayList<>();
            if (result instanceof DmarcResult.Fail && rec.testing()) {
                disposition = Disposition.NONE;
                overrides.add(new OverrideReason(Optional.of(PolicyOverride.POLICY_TEST_MODE), Optional.empty()));
            }
            if (result instanceof DmarcResult.Fail && r.nextInt(15) == 0) {
                disposition = Disposition.NONE;
                overrides.add(new OverrideReason(Optional.of(PolicyOverride.LOCAL_POLICY),
                        Optional.of("trusted forwarder; list | agreed")));
            }
            Instant received = start.plusMillis(r.nextInt(86_400_000));
            out.add(new Evaluation(received, ips[r.nextInt(ips.length)], from, Optional.of(mailFromDomain),
                    r.nextInt(8) == 0 ? Optional.empty() : Optional.of(DomainName.of("receiver.example")),
                    policyDomain, rec, DmarcMode.RFC9989, disposition, overrides, result, dkimAligned, spfAligned,
                    dkim, spf));
        }
        return out;
    }

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
}
