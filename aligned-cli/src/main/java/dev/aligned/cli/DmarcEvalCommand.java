package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcEvaluator;
import dev.aligned.dmarc.DmarcInput;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dmarc.DmarcResult;
import dev.aligned.dmarc.IdentifierCheck;
import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DomainName;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned dmarc eval}: DMARC alone, from given SPF and DKIM outcomes ("what would DMARC say if...").
 *
 * <pre>
 * aligned dmarc eval --header-from example.com --spf bounce.example.com=pass --dkim example.net=pass
 * aligned dmarc eval --header-from example.com --dkim example.com=fail --dns zone.yml --json
 * </pre>
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate DMARC for a From domain given SPF and DKIM outcomes.")
final class DmarcEvalCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Option(names = "--header-from", required = true, paramLabel = "DOMAIN",
            description = "The RFC5322.From domain (an address is accepted; its domain is used).")
    String headerFrom;

    @Option(names = "--spf", paramLabel = "DOMAIN=RESULT",
            description = "The SPF MAIL FROM domain and its result (pass, fail, softfail, neutral, none, "
                    + "temperror, permerror).")
    String spf;

    @Option(names = "--dkim", paramLabel = "DOMAIN=RESULT",
            description = "A DKIM signature's d= domain and its result; repeatable.")
    List<String> dkim = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "rfc9989",
            description = "rfc9989 (DNS tree walk, the default) or rfc7489 (Public Suffix List, pct=).")
    String mode;

    @Option(names = "--psl", paramLabel = "FILE",
            description = "A public_suffix_list.dat to use instead of the bundled one (rfc7489 mode).")
    Path psl;

    @Option(names = "--json", description = "Print the evaluation as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        DmarcMode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "rfc9989", "9989" -> DmarcMode.RFC9989;
            case "rfc7489", "7489" -> DmarcMode.RFC7489;
            default -> throw usage("--mode must be rfc9989 or rfc7489, not '" + mode + "'");
        };
        String from = headerFrom.contains("@") ? headerFrom.substring(headerFrom.lastIndexOf('@') + 1) : headerFrom;
        DomainName author = domain("--header-from", from);
        if (author.isRoot()) {
            throw usage("--header-from: the DNS root is not a From domain");
        }
        DmarcInput input = DmarcInput.of(author);
        if (spf != null) {
            String[] p = pair("--spf", spf);
            input = input.withSpf(SpfOutcome.mailFrom(domain("--spf", p[0]), result("--spf", p[1])));
        }
        for (String k : dkim) {
            String[] p = pair("--dkim", k);
            input = input.withDkim(DkimOutcome.of(domain("--dkim", p[0]), result("--dkim", p[1])));
        }
        DmarcEvaluator.Builder b = DmarcEvaluator.builder(dns.resolver()).mode(m)
                .alwaysFindOrganizationalDomain(true);
        if (psl != null) {
            if (m != DmarcMode.RFC7489) {
                throw usage("--psl is only used with --mode rfc7489");
            }
            b.publicSuffixList(PublicSuffixList.load(psl));
        }
        DmarcEvaluation e = b.build().evaluate(input);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(toJson(e)));
        } else {
            printHuman(out, e);
        }
        out.flush();
        return 0;
    }

    static Map<String, Object> toJson(DmarcEvaluation e) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("result", e.result().keyword());
        j.put("policy", e.policy().map(p -> p.keyword()).orElse(null));
        j.put("disposition", e.disposition().keyword());
        j.put("policy_domain", e.policyDomain().map(DomainName::name).orElse(null));
        j.put("organizational_domain", e.organizationalDomain().map(DomainName::name).orElse(null));
        j.put("spf_aligned", e.spfAligned());
        j.put("dkim_aligned", e.dkimAligned());
        j.put("testing", e.testing());
        j.put("reasons", e.reasons());
        j.put("author_domain", e.authorDomain().name());
        j.put("mode", e.mode().keyword());
        j.put("policy_source", e.policySource().orElse(null));
        j.put("record", e.record().map(r -> r.text()).orElse(null));
        j.put("record_problems", e.recordProblems().stream().map(Object::toString).toList());
        List<Map<String, Object>> checks = new ArrayList<>();
        for (IdentifierCheck c : e.checks()) {
            Map<String, Object> cj = new LinkedHashMap<>();
            cj.put("mechanism", c.mechanism().keyword());
            cj.put("domain", c.domain().name());
            cj.put("result", c.result().keyword());
            cj.put("alignment", c.status().name().toLowerCase(Locale.ROOT));
            cj.put("organizational_domain", c.organizationalDomain().map(DomainName::name).orElse(null));
            cj.put("detail", c.detail());
            checks.add(cj);
        }
        j.put("checks", checks);
        return j;
    }

    private static void printHuman(PrintWriter out, DmarcEvaluation e) {
        out.println("DMARC " + e.result().keyword() + " for " + e.authorDomain()
                + (e.mode() == DmarcMode.RFC7489 ? " (RFC 7489 mode)" : ""));
        String at = "_dmarc." + e.policyDomain().map(DomainName::name).orElse("?");
        row(out, "policy", e.policy().map(p -> p.keyword() + (e.policySource().orElse("").equals("p-fallback")
                ? " (no valid p= at " + at + "; acting as p=none)"
                : " (" + e.policySource().orElse("?") + "= at " + at + ")")).orElse("-"));
        row(out, "disposition", e.disposition().keyword() + (e.testing() ? " (testing: lowered one level)" : ""));
        e.organizationalDomain().ifPresent(o -> row(out, "org domain", o.name()));
        for (IdentifierCheck c : e.checks()) {
            row(out, c.mechanism().keyword(), c.domain() + " " + c.result().keyword() + ", "
                    + c.status().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + c.detail());
        }
        for (var p : e.recordProblems()) {
            row(out, "record", p.toString());
        }
        out.println("why:");
        for (String r : e.reasons()) {
            out.println("  - " + r);
        }
        out.println("next: " + advice(e));
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("  %-12s %s%n", label, value);
    }

    private static String advice(DmarcEvaluation e) {
        String d = e.authorDomain().name();
        boolean relaxed = e.record().map(r -> r.dkimAlignment() == DmarcRecord.AlignmentMode.RELAXED).orElse(true);
        String base = relaxed ? e.organizationalDomain().orElse(e.authorDomain()).name() : d;
        return switch (e.result()) {
            case DmarcResult.Pass p -> "nothing to do; keep SPF or DKIM aligned with " + d + ".";
            case DmarcResult.Fail f -> relaxed
                    ? "sign with DKIM d=" + base + " (or a name under it), or send with a MAIL FROM under " + base
                      + " that SPF authorises."
                    : "strict alignment: sign with DKIM d=" + d + " exactly, or send with MAIL FROM @" + d
                      + " authorised by SPF.";
            case DmarcResult.None n -> e.record().isPresent()
                    ? "add p=none (or quarantine/reject) to the record at _dmarc." + e.policyDomain().map(
                            DomainName::name).orElse(d) + "."
                    : "publish a record such as \"v=DMARC1; p=none; rua=mailto:dmarc@" + d + "\" at _dmarc." + d + ".";
            case DmarcResult.TempError t -> "retry later; if it persists, check the DNS servers for " + d + ".";
            case DmarcResult.PermError p -> "fix the DMARC record (see why above); "
                    + "`aligned check` lints it.";
        };
    }

    private String[] pair(String option, String value) {
        int eq = value.lastIndexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw usage(option + " expects DOMAIN=RESULT (e.g. example.com=pass), not '" + value + "'");
        }
        return new String[] {value.substring(0, eq), value.substring(eq + 1)};
    }

    private DomainName domain(String option, String text) {
        Optional<DomainName> d = DomainName.parse(text.strip());
        String problem = DomainName.problem(text.strip());
        if (d.isEmpty() || text.isBlank()) {
            throw usage(option + ": '" + text + "' is not a domain name" + (problem == null ? "" : " (" + problem + ")"));
        }
        return d.get();
    }

    private AuthResult result(String option, String text) {
        return AuthResult.parse(text).orElseThrow(() -> usage(option + ": '" + text + "' is not a result; use pass, "
                + "fail, softfail, neutral, none, temperror, permerror or policy"));
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
