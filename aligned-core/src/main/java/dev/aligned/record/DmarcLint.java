package dev.aligned.record;

import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcEvaluator;
import dev.aligned.dmarc.DmarcInput;
import dev.aligned.dmarc.DmarcParseResult;
import dev.aligned.dmarc.DmarcProblem;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcRecord.Policy;
import dev.aligned.dmarc.DmarcRecordParser;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The DMARC part of a domain check: the record at {@code _dmarc.<domain>}, the policy that applies (found by
 * {@link DmarcEvaluator}'s RFC 9989 tree walk) and the external report destinations' authorisation records.
 */
final class DmarcLint {
    private final DnsResolver dns;
    private final PublicSuffixList psl;
    final List<Finding> findings = new ArrayList<>();
    Optional<String> recordText = Optional.empty();
    Optional<DmarcRecord> applicable = Optional.empty();
    Optional<DomainName> policyDomain = Optional.empty();
    Optional<String> policy = Optional.empty();
    Optional<String> policySource = Optional.empty();
    List<String> walk = List.of();

    DmarcLint(DnsResolver dns, PublicSuffixList psl) {
        this.dns = dns;
        this.psl = psl;
    }

    void check(DomainName domain) {
        DomainName name = DomainName.parse("_dmarc." + domain.name()).orElse(domain);
        DnsAnswer answer = dns.lookup(name, DnsType.TXT);
        Optional<DmarcParseResult.Valid> own = Optional.empty();
        if (answer instanceof DnsAnswer.TempFailure f) {
            findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "DMARC could not be checked: TXT " + name + ": "
                    + f.reason() + ".", "Run the check again; if it persists, ask your DNS provider why its servers "
                    + "do not answer."));
            return;
        }
        if (answer instanceof DnsAnswer.Records r) {
            List<DnsRecord.Txt> txts = r.of(DnsRecord.Txt.class);
            List<DmarcParseResult.Valid> valid = new ArrayList<>();
            List<DmarcParseResult.NotDmarc> notDmarc = new ArrayList<>();
            for (DnsRecord.Txt t : txts) {
                switch (DmarcRecordParser.parse(t.text())) {
                    case DmarcParseResult.Valid v -> valid.add(v);
                    case DmarcParseResult.NotDmarc n -> notDmarc.add(n);
                }
            }
            if (valid.size() > 1) {
                findings.add(new Finding(FindingCode.DMARC_MULTIPLE, name + " has " + valid.size()
                        + " DMARC records; receivers discard them all, so no policy applies.",
                        "Keep one record (see `aligned record dmarc`) and delete the others."));
            } else if (valid.size() == 1) {
                own = Optional.of(valid.get(0));
                recordText = Optional.of(valid.get(0).record().text());
                problems(valid.get(0));
            } else if (!notDmarc.isEmpty()) {
                DmarcProblem p = notDmarc.get(0).reason();
                findings.add(new Finding(FindingCode.DMARC_SYNTAX, "The TXT record at " + name + " is not a DMARC "
                        + "record: " + p + ".", "Publish \"v=DMARC1; p=none; rua=mailto:dmarc@" + domain
                        + "\" and tighten p= once reports show your mail passes."));
            }
        }
        DmarcEvaluation e = DmarcEvaluator.builder(dns).build().evaluate(DmarcInput.of(domain));
        walk = e.reasons();
        policyDomain = e.policyDomain();
        policy = e.policy().map(Policy::keyword);
        policySource = e.policySource();
        applicable = e.record();
        if (e.result() instanceof DmarcResult.TempError t) {
            findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "DMARC policy discovery failed temporarily: "
                    + String.join("; ", e.reasons()) + ".", "Run the check again."));
            return;
        }
        if (e.record().isEmpty() || e.policy().isEmpty()) {
            if (!has(FindingCode.DMARC_MULTIPLE) && !has(FindingCode.DMARC_SYNTAX)) {
                findings.add(new Finding(FindingCode.DMARC_NONE, "No DMARC policy applies to " + domain
                        + (e.reasons().isEmpty() ? "." : ": " + String.join("; ", e.reasons()) + "."),
                        "Publish at " + name + ": \"v=DMARC1; p=none; rua=mailto:dmarc-reports@" + domain
                        + "\", read the reports for a few weeks, then move to p=quarantine and p=reject."));
            }
            return;
        }
        DmarcRecord rec = e.record().get();
        if (own.isEmpty()) {
            findings.add(new Finding(FindingCode.DMARC_INHERITED, "No DMARC record at " + name + "; the policy of "
                    + e.policyDomain().map(DomainName::name).orElse("a parent domain") + " applies ("
                    + e.policySource().orElse("p") + "=" + policy.get() + "), found by the RFC 9989 tree walk.",
                    ""));
        }
        Policy applies = e.policy().get();
        if (applies == Policy.NONE) {
            findings.add(new Finding(FindingCode.DMARC_POLICY_NONE, "The policy for " + domain + " is none ("
                    + e.policySource().orElse("p") + "=none at " + e.policyDomain().map(DomainName::name).orElse("?")
                    + "): monitoring only; receivers deliver mail that fails DMARC.",
                    "Once aggregate reports show all your legitimate mail passing, move to p=quarantine, then "
                    + "p=reject."));
        }
        rec.policy().ifPresent(p -> {
            weaker(p, rec.subdomainPolicy(), "sp", "subdomains");
            weaker(p, rec.nonExistentPolicy(), "np", "non-existent subdomains");
        });
        if (rec.testing()) {
            findings.add(new Finding(FindingCode.DMARC_TESTING, "t=y: receivers apply the policy one level lower "
                    + "(reject as quarantine, quarantine as none).", "Remove t=y when you are ready to enforce."));
        }
        reports(domain, rec, own.isPresent());
    }

    private void weaker(Policy p, Optional<Policy> sub, String tag, String what) {
        if (sub.isPresent() && sub.get().ordinal() < p.ordinal()) {
            findings.add(new Finding(FindingCode.DMARC_WEAKER_SUBDOMAIN_POLICY, tag + "=" + sub.get().keyword()
                    + " is weaker than p=" + p.keyword() + ": spoofed mail from " + what + " gets through more "
                    + "easily than from the domain itself.", "Set " + tag + "=" + p.keyword() + ", or remove " + tag
                    + "= so that p= applies."));
        }
    }

    private void problems(DmarcParseResult.Valid v) {
        for (DmarcProblem p : v.problems()) {
            if (p.severity() == DmarcProblem.Severity.ERROR) {
                findings.add(new Finding(FindingCode.DMARC_SYNTAX, p + ".", "Correct the value or remove the tag."));
            } else if (p.message().contains("removed by RFC 9989")) {
                findings.add(new Finding(FindingCode.DMARC_RFC7489_TAG, p + ".", replacement(p.message())));
            } else {
                findings.add(new Finding(FindingCode.DMARC_RECORD_WARNING, p + ".", ""));
            }
        }
    }

    private static String replacement(String message) {
        if (message.startsWith("pct=")) {
            return "Remove pct=; to try a stricter policy on part of your mail use t=y, which applies it one "
                    + "level lower.";
        }
        if (message.startsWith("rf=")) {
            return "Remove rf=; failure reports always use the RFC 6591 format.";
        }
        return "Remove ri=; receivers send aggregate reports daily.";
    }

    private void reports(DomainName domain, DmarcRecord rec, boolean own) {
        if (rec.rua().isEmpty()) {
            findings.add(new Finding(FindingCode.DMARC_NO_RUA, "The DMARC record has no rua=, so nobody receives "
                    + "aggregate reports; you cannot see who sends mail as " + domain + ".",
                    "Add rua=mailto:dmarc-reports@" + domain + " (an address whose mail `aligned import` reads)."));
        }
        DomainName policyDomain = this.policyDomain.orElse(domain);
        Set<DomainName> asked = new LinkedHashSet<>();
        List<DmarcRecord.ReportUri> all = new ArrayList<>(rec.rua());
        all.addAll(rec.ruf());
        for (DmarcRecord.ReportUri u : all) {
            if (!u.scheme().equals("mailto")) {
                if (!u.scheme().equals("https")) {
                    findings.add(new Finding(FindingCode.DMARC_REPORT_URI, "'" + u.uri() + "' (column " + u.column()
                            + ") uses the " + u.scheme() + ": scheme; receivers send reports by e-mail.",
                            "Use a mailto: address."));
                }
                continue;
            }
            String mailbox = u.mailbox().orElse("");
            int at = mailbox.lastIndexOf('@');
            Optional<DomainName> dest = at > 0 ? DomainName.parse(mailbox.substring(at + 1)) : Optional.empty();
            if (dest.isEmpty()) {
                findings.add(new Finding(FindingCode.DMARC_REPORT_URI, "'" + u.uri() + "' (column " + u.column()
                        + ") is not a usable address.", "Write it as mailto:name@domain."));
                continue;
            }
            if (sameOrganisation(policyDomain, dest.get()) || !asked.add(dest.get())) {
                continue;
            }
            Optional<DomainName> auth = DomainName.parse(policyDomain.name() + "._report._dmarc." + dest.get().name());
            if (auth.isEmpty()) {
                continue;
            }
            DnsAnswer a = dns.lookup(auth.get(), DnsType.TXT);
            boolean ok = a instanceof DnsAnswer.Records r && r.of(DnsRecord.Txt.class).stream()
                    .anyMatch(t -> t.text().regionMatches(true, 0, "v=DMARC1", 0, 8));
            if (a instanceof DnsAnswer.TempFailure f) {
                findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "Could not check " + auth.get() + ": "
                        + f.reason() + ".", "Run the check again."));
            } else if (!ok) {
                findings.add(new Finding(FindingCode.DMARC_REPORT_UNAUTHORISED, "Reports for " + policyDomain
                        + " go to " + dest.get() + ", which has not published " + auth.get() + " TXT \"v=DMARC1\"; "
                        + "receivers will not send them there (RFC 9989 section 3.2.4).",
                        "Ask the operator of " + dest.get() + " to publish " + auth.get() + ". IN TXT \"v=DMARC1\" "
                        + "(report services usually do this when you register the domain)."));
            }
        }
    }

    private boolean sameOrganisation(DomainName a, DomainName b) {
        if (a.equals(b) || a.isSubdomainOf(b) || b.isSubdomainOf(a)) {
            return true;
        }
        Optional<DomainName> oa = psl.registrableDomain(a);
        Optional<DomainName> ob = psl.registrableDomain(b);
        return oa.isPresent() && oa.equals(ob);
    }

    private boolean has(FindingCode code) {
        return findings.stream().anyMatch(f -> f.code() == code);
    }
}
