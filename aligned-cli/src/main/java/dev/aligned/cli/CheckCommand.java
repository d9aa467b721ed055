package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dns.DomainName;
import dev.aligned.record.Area;
import dev.aligned.record.CheckReport;
import dev.aligned.record.DomainChecker;
import dev.aligned.record.Finding;
import dev.aligned.record.RuleCheck;
import dev.aligned.record.Severity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned check DOMAIN...}: a domain's SPF, DMARC, DKIM, MX, BIMI, MTA-STS and TLS-RPT records, with
 * findings, fixes, provider rules and a grade. Many domains are checked concurrently; on a pipe they come out
 * as JSON lines, on a terminal with a progress line.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check a domain's mail records (SPF, DMARC, DKIM, MX, BIMI, MTA-STS, TLS-RPT): what is wrong, "
                + "what to publish instead, and whether Gmail, Yahoo and Microsoft's sender rules are met."},
        footer = {"", "Examples:",
                "  aligned check example.com",
                "  aligned check example.com --dkim-selector s2024 --ip 192.0.2.25",
                "  aligned check example.com --dns draft.zone       # try records before publishing them",
                "  aligned check --file domains.txt > results.jsonl # one JSON object per line",
                "", "Finding codes and the JSON schema: docs/check.md.",
                "Exit codes: 0 checked (whatever was found), 1 runtime failure, 2 usage error."})
final class CheckCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DOMAINS = 1_000_000;
    /** Whether standard output is a terminal; replaceable by tests. */
    static BooleanSupplier terminal = () -> System.console() != null;

    @Spec
    CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Parameters(paramLabel = "DOMAIN", arity = "0..*", description = "The domains to check.")
    List<String> domains = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE",
            description = "Also check the domains in this file, one a line ('-' for standard input; # comments).")
    Path file;

    @Option(names = "--dkim-selector", paramLabel = "S",
            description = "A DKIM selector the domain signs with (repeatable); common selectors are tried too.")
    List<String> selectors = new ArrayList<>();

    @Option(names = "--no-common-selectors",
            description = "Try only the selectors given (and those of recognised services), not the common ones: "
                    + "21 fewer queries per domain in bulk checks.")
    boolean noCommonSelectors;

    @Option(names = "--ip", paramLabel = "IP",
            description = "A sending IP address, for the forward-confirmed reverse DNS rule (repeatable).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
            description = "Domains checked at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--json", description = "One JSON object per domain, one per line (schema in docs/check.md).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> all = new ArrayList<>(domains);
        if (file != null) {
            Integer failed = readFile(all);
            if (failed != null) {
                return failed;
            }
        }
        if (all.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one DOMAIN, or --file FILE");
        }
        if (concurrency < 1 || concurrency > 10_000) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1..10000, not " + concurrency);
        }
        List<InetAddress> sending = new ArrayList<>();
        for (String ip : ips) {
            Optional<InetAddress> a = parseIp(ip);
            if (a.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--ip: '" + ip + "' is not an IPv4 or IPv6 address");
            }
            sending.add(a.get());
        }
        for (String s : selectors) {
            if (!s.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
                throw new ParameterException(spec.commandLine(), "--dkim-selector: '" + s + "' is not a selector "
                        + "(letters, digits, '-', '_', dots between labels)");
            }
        }
        DomainChecker checker = DomainChecker.builder().resolver(dns.resolver()).selectors(selectors)
                .commonSelectors(!noCommonSelectors).sendingIps(sending).concurrency(concurrency).build();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean bulk = all.size() > 1;
        boolean tty = terminal.getAsBoolean();
        boolean lines = json || (bulk && !tty);
        boolean progress = bulk && tty;
        int[] done = {0};
        checker.checkAll(all.iterator(), report -> {
            done[0]++;
            if (progress) {
                err.print("\r\033[K");
            }
            if (lines) {
                out.println(toJson(report).toString());
            } else if (bulk) {
                summaryLine(out, report);
            } else {
                human(out, report);
            }
            out.flush();
            if (progress) {
                err.print(progressBar(done[0], all.size()));
                err.flush();
            }
        });
        if (progress) {
            err.print("\r\033[K");
            err.flush();
        }
        return 0;
    }

    private Integer readFile(List<String> all) throws IOException {
        BufferedReader in;
        if (file.toString().equals("-")) {
            in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } else {
            try {
                in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                spec.commandLine().getErr().println("aligned: " + file + ": no such file");
                return 1;
            }
        }
        try (in) {
            String line;
            while ((line = in.readLine()) != null) {
                int hash = line.indexOf('#');
                String d = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!d.isEmpty()) {
                    if (all.size() >= MAX_DOMAINS) {
                        spec.commandLine().getErr().println("aligned: " + file + ": more than " + MAX_DOMAINS
                                + " domains; split the file");
                        return 1;
                    }
                    all.add(d);
                }
            }
        }
        return null;
    }

    static String progressBar(int done, int total) {
        int width = 30;
        int filled = (int) ((long) done * width / Math.max(1, total));
        return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total + " domains";
    }

    private static Optional<InetAddress> parseIp(String s) {
        if (!s.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------ human

    static void summaryLine(PrintWriter out, CheckReport report) {
        switch (report) {
            case CheckReport.NotChecked n -> out.println(n.input() + "  not checked: " + n.reason());
            case CheckReport.Checked c -> out.printf("%-30s %s  %s, %s  %s%n", c.domain().name(), c.grade(),
                    plural(c.count(Severity.ERROR), "error"), plural(c.count(Severity.WARNING), "warning"),
                    c.nextStep());
        }
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    static void human(PrintWriter out, CheckReport report) {
        if (report instanceof CheckReport.NotChecked n) {
            out.println(n.input() + ": not checked: " + n.reason());
            return;
        }
        CheckReport.Checked c = (CheckReport.Checked) report;
        out.println(c.domain().name() + "  grade " + c.grade() + "  (" + plural(c.count(Severity.ERROR), "error")
                + ", " + plural(c.count(Severity.WARNING), "warning") + ")");
        out.println();
        section(out, c, Area.DOMAIN, List.of());
        List<String> spf = new ArrayList<>();
        c.spf().record().ifPresent(r -> spf.add(r));
        if (c.spf().record().isPresent()) {
            spf.add("lookups " + c.spf().lookups() + "/10, void lookups " + c.spf().voidLookups() + "/2"
                    + (c.spf().services().isEmpty() ? "" : "; services: " + String.join(", ", c.spf().services())));
            if (c.spf().tree().size() > 1) {
                spf.addAll(c.spf().tree().subList(1, c.spf().tree().size()));
            }
        }
        section(out, c, Area.SPF, spf);
        List<String> dmarc = new ArrayList<>();
        c.dmarc().record().ifPresent(dmarc::add);
        c.dmarc().policy().ifPresent(p -> dmarc.add("policy " + p + " (" + c.dmarc().policySource().orElse("p")
                + "= at _dmarc." + c.dmarc().policyDomain().map(DomainName::name).orElse("?") + ")"));
        section(out, c, Area.DMARC, dmarc);
        List<String> dkim = new ArrayList<>();
        for (CheckReport.DkimKeySummary k : c.dkim()) {
            dkim.add(k.selector() + ": " + (k.revoked() ? "revoked" : k.keyType() + (k.bits() > 0 ? " " + k.bits()
                    + " bits" : "")) + (k.testing() ? ", testing (t=y)" : ""));
        }
        section(out, c, Area.DKIM, dkim);
        section(out, c, Area.MX, c.mx());
        section(out, c, Area.BIMI, c.bimi().map(List::of).orElse(List.of()));
        section(out, c, Area.MTA_STS, c.mtaSts().map(List::of).orElse(List.of()));
        section(out, c, Area.TLS_RPT, c.tlsRpt().map(List::of).orElse(List.of()));
        out.println("Sender rules (as far as DNS shows)");
        String last = "";
        for (RuleCheck r : c.rules()) {
            String who = r.provider().equals(last) ? "" : r.provider();
            last = r.provider();
            out.printf("  %-10s %-52s %-11s %s%n", who, r.rule(), r.status().keyword(),
                    r.status() == RuleCheck.Status.MET ? "" : r.detail());
        }
        out.println("  Sources: " + sources(c.rules()));
        out.println();
        out.println("Next step: " + c.nextStep());
    }

    private static String sources(List<RuleCheck> rules) {
        return String.join("; ", rules.stream().map(RuleCheck::source).distinct().toList());
    }

    private static void section(PrintWriter out, CheckReport.Checked c, Area area, List<String> published) {
        List<Finding> fs = c.findings().stream().filter(f -> f.area() == area).toList();
        if (published.isEmpty() && fs.isEmpty() && area == Area.DOMAIN) {
            return;
        }
        String title = String.format("%-9s", area.title());
        if (published.isEmpty()) {
            out.println(title + (fs.isEmpty() ? "not published" : "none found"));
        } else {
            out.println(title + published.get(0));
            for (String p : published.subList(1, published.size())) {
                out.println("         " + p);
            }
        }
        for (Finding f : fs) {
            out.printf("  %-8s %s  %s%n", f.severity().keyword(), f.code().code(), f.message());
            if (!f.fix().isEmpty()) {
                out.println("           fix: " + f.fix());
            }
        }
        out.println();
    }

    // ------------------------------------------------------------------------------------------ JSON

    static ObjectNode toJson(CheckReport report) {
        ObjectNode o = JSON.createObjectNode();
        switch (report) {
            case CheckReport.NotChecked n -> {
                o.put("input", n.input());
                o.put("error", n.reason());
            }
            case CheckReport.Checked c -> {
                o.put("input", c.input());
                o.put("domain", c.domain().name());
                o.put("checked_at", c.checkedAt().toString());
                o.put("grade", c.grade().name());
                o.put("next_step", c.nextStep());
                ObjectNode counts = o.putObject("counts");
                for (Severity s : Severity.values()) {
                    counts.put(s.keyword(), c.count(s));
                }
                ArrayNode findings = o.putArray("findings");
                for (Finding f : c.findings()) {
                    ObjectNode fo = findings.addObject();
                    fo.put("code", f.code().code());
                    fo.put("severity", f.severity().keyword());
                    fo.put("area", f.area().keyword());
                    fo.put("message", f.message());
                    fo.put("fix", f.fix());
                }
                ObjectNode spf = o.putObject("spf");
                spf.put("record", c.spf().record().orElse(null));
                spf.put("lookups", c.spf().lookups());
                spf.put("void_lookups", c.spf().voidLookups());
                strings(spf.putArray("tree"), c.spf().tree());
                strings(spf.putArray("services"), c.spf().services());
                ObjectNode dmarc = o.putObject("dmarc");
                dmarc.put("record", c.dmarc().record().orElse(null));
                dmarc.put("policy_domain", c.dmarc().policyDomain().map(DomainName::name).orElse(null));
                dmarc.put("policy", c.dmarc().policy().orElse(null));
                dmarc.put("policy_source", c.dmarc().policySource().orElse(null));
                strings(dmarc.putArray("walk"), c.dmarc().walk());
                ArrayNode dkim = o.putArray("dkim");
                for (CheckReport.DkimKeySummary k : c.dkim()) {
                    ObjectNode ko = dkim.addObject();
                    ko.put("selector", k.selector());
                    ko.put("key_type", k.keyType());
                    ko.put("bits", k.bits());
                    ko.put("testing", k.testing());
                    ko.put("revoked", k.revoked());
                    ko.put("requested", k.requested());
                }
                strings(o.putArray("mx"), c.mx());
                o.put("bimi", c.bimi().orElse(null));
                o.put("mta_sts", c.mtaSts().orElse(null));
                o.put("tls_rpt", c.tlsRpt().orElse(null));
                ArrayNode rules = o.putArray("rules");
                for (RuleCheck r : c.rules()) {
                    ObjectNode ro = rules.addObject();
                    ro.put("provider", r.provider());
                    ro.put("rule", r.rule());
                    ro.put("status", r.status().keyword());
                    ro.put("detail", r.detail());
                    ro.put("source", r.source());
                }
            }
        }
        return o;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
