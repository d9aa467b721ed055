package dev.aligned.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dns.DomainName;
import dev.aligned.record.SpfBuilder;
import dev.aligned.record.SpfFlattener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned record spf}: builds an SPF record from its parts, counting the lookups of its includes in the
 * DNS and refusing one over the limits; or, with {@code --flatten DOMAIN}, computes a published record's
 * flattened equivalent.
 */
@Command(name = "spf", mixinStandardHelpOptions = true,
        description = {"Build an SPF record (refused when receivers would reject it), or flatten a published one."},
        footer = {"", "Examples:",
                "  aligned record spf --mx --include _spf.google.com --ip4 192.0.2.0/24 --all fail",
                "  aligned record spf --flatten example.com",
                "", "Exit codes: 0 record printed, 1 refused or runtime failure, 2 usage error."})
final class RecordSpfCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Option(names = "--include", paramLabel = "DOMAIN", description = "include:DOMAIN (repeatable).")
    List<String> includes = new ArrayList<>();

    @Option(names = "--ip4", paramLabel = "NET", description = "ip4:NET, an address or a network/prefix (repeatable).")
    List<String> ip4 = new ArrayList<>();

    @Option(names = "--ip6", paramLabel = "NET", description = "ip6:NET (repeatable).")
    List<String> ip6 = new ArrayList<>();

    @Option(names = "--mx", description = "Let the domain's MX hosts send (mx).")
    boolean mx;

    @Option(names = "--a", description = "Let the domain's own addresses send (a).")
    boolean a;

    @Option(names = "--all", paramLabel = "fail|softfail", defaultValue = "fail",
            description = "How the record ends: fail (-all) or softfail (~all). Default: ${DEFAULT-VALUE}.")
    String all;

    @Option(names = "--flatten", paramLabel = "DOMAIN",
            description = "Instead: print the flattened equivalent of DOMAIN's published record (ip4/ip6 only).")
    String flatten;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (flatten != null) {
            if (!includes.isEmpty() || !ip4.isEmpty() || !ip6.isEmpty() || mx || a) {
                throw new ParameterException(spec.commandLine(), "--flatten reads the published record; do not "
                        + "combine it with --include, --ip4, --ip6, --mx or --a");
            }
            Optional<DomainName> d = DomainName.parse(flatten);
            if (d.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--flatten: '" + flatten + "' is not a domain: "
                        + DomainName.problem(flatten));
            }
            return flatten(out, err, d.get());
        }
        if (includes.isEmpty() && ip4.isEmpty() && ip6.isEmpty() && !mx && !a) {
            throw new ParameterException(spec.commandLine(), "say who may send: --mx, --a, --ip4, --ip6 or "
                    + "--include (or use --flatten DOMAIN)");
        }
        SpfBuilder.All end = SpfBuilder.All.of(all).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--all must be fail or softfail, not " + all));
        SpfBuilder b = SpfBuilder.create().all(end);
        if (mx) {
            b.mx();
        }
        if (a) {
            b.a();
        }
        ip4.forEach(b::ip4);
        ip6.forEach(b::ip6);
        includes.forEach(b::include);
        SpfBuilder.Result r = b.build(dns.resolver());
        switch (r) {
            case SpfBuilder.Built built -> {
                if (json) {
                    ObjectNode o = CheckCommand.JSON.createObjectNode();
                    o.put("record", built.record());
                    strings(o.putArray("strings"), built.strings());
                    o.put("lookups", built.lookups());
                    ObjectNode costs = o.putObject("include_costs");
                    built.includeCosts().forEach(costs::put);
                    strings(o.putArray("notes"), built.notes());
                    out.println(o);
                } else {
                    out.println(built.record());
                    out.println();
                    out.println("Lookups  " + built.lookups() + "/10" + costs(built));
                    out.println("Zone     @ IN TXT " + quoted(built.strings()));
                    for (String n : built.notes()) {
                        out.println("Note     " + n);
                    }
                    out.println("Next     publish it as the only v=spf1 TXT record of the domain, then run "
                            + "`aligned check DOMAIN`.");
                }
                out.flush();
                return 0;
            }
            case SpfBuilder.Refused refused -> {
                if (json) {
                    ObjectNode o = CheckCommand.JSON.createObjectNode();
                    o.put("refused", refused.record());
                    o.put("lookups", refused.lookups());
                    strings(o.putArray("reasons"), refused.reasons());
                    out.println(o);
                    out.flush();
                } else {
                    err.println("aligned: refused: " + refused.record());
                    for (String reason : refused.reasons()) {
                        err.println("  " + reason);
                    }
                    err.flush();
                }
                return 1;
            }
        }
    }

    private static String costs(SpfBuilder.Built b) {
        if (b.includeCosts().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("  (");
        b.includeCosts().forEach((k, v) -> sb.append(sb.length() > 3 ? ", " : "").append(k).append(' ').append(v));
        return sb.append(')').toString();
    }

    static String quoted(List<String> strings) {
        StringBuilder sb = new StringBuilder();
        for (String s : strings) {
            sb.append(sb.isEmpty() ? "" : " ").append('"').append(s).append('"');
        }
        return strings.size() > 1 ? "( " + sb + " )" : sb.toString();
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private int flatten(PrintWriter out, PrintWriter err, DomainName domain) {
        switch (SpfFlattener.flatten(dns.resolver(), domain)) {
            case SpfFlattener.NotFlattened n -> {
                err.println("aligned: cannot flatten " + domain + ": " + n.reason());
                err.flush();
                return 1;
            }
            case SpfFlattener.Flattened f -> {
                if (json) {
                    ObjectNode o = CheckCommand.JSON.createObjectNode();
                    o.put("original", f.original());
                    o.put("record", f.record());
                    strings(o.putArray("strings"), f.strings());
                    o.put("lookups_before", f.lookupsBefore());
                    strings(o.putArray("networks"), f.networks());
                    strings(o.putArray("sources"), f.sources());
                    strings(o.putArray("caveats"), f.caveats());
                    out.println(o);
                } else {
                    out.println(f.record());
                    out.println();
                    out.println("Before   " + f.original() + "  (" + f.lookupsBefore() + " lookups)");
                    out.println("After    " + f.networks().size() + " networks, 0 lookups for the flattened part");
                    out.println("Zone     @ IN TXT " + quoted(f.strings()));
                    for (String c : f.caveats()) {
                        out.println("Caveat   " + c);
                    }
                    out.println("Upkeep   the networks come from " + String.join(", ", f.sources()) + "; providers "
                            + "change them without notice. Re-run this daily (or from cron) and publish when it "
                            + "changes, or keep the includes you can afford and flatten only the costliest.");
                }
                out.flush();
                return 0;
            }
        }
    }
}
