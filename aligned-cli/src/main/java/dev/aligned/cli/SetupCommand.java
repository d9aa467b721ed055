package dev.aligned.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dkim.DkimKeys;
import dev.aligned.dns.DomainName;
import dev.aligned.record.DmarcBuilder;
import dev.aligned.record.SendingServices;
import dev.aligned.record.SpfBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned setup DOMAIN}: every DNS record a domain needs to send authenticated mail (DKIM key, SPF,
 * DMARC at {@code p=none} with reports), in publishing order, as a table and a zone-file fragment. Asks
 * questions when run on a terminal with {@code --interactive}; otherwise takes flags.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Generate the DNS records a domain needs for SPF, DKIM and DMARC, in the order to publish them."},
        footer = {"", "Examples:",
                "  aligned setup example.com --service \"Google Workspace\" --service sendgrid --ip4 192.0.2.25",
                "  aligned setup example.com --mx --selector mail2026 --algorithm ed25519 --key-dir keys/",
                "  aligned setup example.com --interactive",
                "", "Services: " + "see `aligned setup --list-services`.",
                "Exit codes: 0 records printed, 1 refused or runtime failure, 2 usage error."})
final class SetupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Parameters(paramLabel = "DOMAIN", arity = "0..1", description = "The domain that sends mail.")
    String domain;

    @Option(names = "--service", paramLabel = "NAME",
            description = "A service that sends mail as the domain (repeatable), e.g. 'Google Workspace', sendgrid.")
    List<String> services = new ArrayList<>();

    @Option(names = "--ip4", paramLabel = "NET", description = "Your own sending servers (repeatable).")
    List<String> ip4 = new ArrayList<>();

    @Option(names = "--ip6", paramLabel = "NET", description = "Your own sending servers (repeatable).")
    List<String> ip6 = new ArrayList<>();

    @Option(names = "--mx", description = "Your MX hosts send mail too.")
    boolean mx;

    @Option(names = "--selector", paramLabel = "S", description = "DKIM selector for your own signer "
            + "(default: aligned + the year and month, e.g. aligned202611).")
    String selector;

    @Option(names = "--algorithm", paramLabel = "rsa|ed25519", defaultValue = "rsa",
            description = "DKIM key algorithm (default: ${DEFAULT-VALUE}; many receivers verify only RSA).")
    String algorithm;

    @Option(names = "--no-dkim-key", description = "Do not generate a key (only services sign for the domain).")
    boolean noKey;

    @Option(names = "--key-dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where to write the private key (default: the current directory).")
    Path keyDir;

    @Option(names = "--rua", paramLabel = "ADDR", description = "Where aggregate reports go "
            + "(default: dmarc-reports@DOMAIN).")
    String rua;

    @Option(names = "--interactive", description = "Ask the questions on the terminal.")
    boolean interactive;

    @Option(names = "--list-services", description = "List the services known by name and exit.")
    boolean listServices;

    @Option(names = "--json", description = "Print the records as JSON.")
    boolean json;

    /** One record to publish. */
    record Row(String type, String name, String value, List<String> strings, String why) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listServices) {
            for (SendingServices.Service s : SendingServices.bundled().all()) {
                out.printf("%-36s include:%s%n", s.name(), s.include().name());
            }
            out.flush();
            return 0;
        }
        if (interactive) {
            if (System.console() == null) {
                throw new ParameterException(spec.commandLine(), "--interactive needs a terminal; use the flags");
            }
            ask(out);
        }
        if (domain == null) {
            throw new ParameterException(spec.commandLine(), "give the DOMAIN (or --interactive)");
        }
        Optional<DomainName> d = DomainName.parse(domain);
        if (d.isEmpty() || d.get().labelCount() < 2) {
            throw new ParameterException(spec.commandLine(), "'" + domain + "' is not a domain name");
        }
        String name = d.get().name();
        List<SendingServices.Service> chosen = new ArrayList<>();
        for (String s : services) {
            chosen.add(SendingServices.bundled().byName(s).orElseThrow(() -> new ParameterException(
                    spec.commandLine(), "unknown service '" + s + "'; see --list-services, or give its SPF "
                    + "include with `aligned record spf`")));
        }
        DkimKeys.Type type = switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "rsa" -> DkimKeys.Type.RSA;
            case "ed25519" -> DkimKeys.Type.ED25519;
            default -> throw new ParameterException(spec.commandLine(), "--algorithm must be rsa or ed25519, not "
                    + algorithm);
        };
        String sel = selector != null ? selector : "aligned" + java.time.YearMonth.now(java.time.ZoneOffset.UTC)
                .toString().replace("-", "");
        if (DkimKeys.selectorProblem(sel).isPresent()) {
            throw new ParameterException(spec.commandLine(), "--selector " + sel + ": "
                    + DkimKeys.selectorProblem(sel).get());
        }
        if (chosen.isEmpty() && ip4.isEmpty() && ip6.isEmpty() && !mx) {
            throw new ParameterException(spec.commandLine(), "say who sends mail for " + name + ": --service, "
                    + "--ip4, --ip6 or --mx");
        }
        List<Row> rows = new ArrayList<>();
        // 1. DKIM first: signing can start as soon as the key is published.
        Path keyFile = null;
        if (!noKey) {
            DkimKeys keys = DkimKeys.generate(type, 0);
            keyFile = keyDir.resolve(sel + "." + name + ".pem");
            try {
                Files.createDirectories(keyDir);
                keys.writePrivateKey(keyFile);
            } catch (FileAlreadyExistsException e) {
                err.println("aligned: " + keyFile + " exists; choose another --selector or --key-dir (a key is "
                        + "never overwritten)");
                return 1;
            }
            rows.add(new Row("TXT", keys.dnsName(sel, name), keys.keyRecord(), keys.txtStrings(),
                    "DKIM public key for your own signer (private key: " + keyFile + ")"));
        }
        for (SendingServices.Service s : chosen) {
            if (!s.selectors().isEmpty()) {
                rows.add(new Row("CNAME/TXT", String.join(", ", s.selectors().stream()
                        .map(x -> x + "._domainkey." + name).toList()), "(the value " + s.name() + " shows you)",
                        List.of(), "DKIM for " + s.name() + ": copy the records from its admin console"));
            }
        }
        // 2. SPF
        SpfBuilder spf = SpfBuilder.create().all(SpfBuilder.All.SOFTFAIL);
        if (mx) {
            spf.mx();
        }
        ip4.forEach(spf::ip4);
        ip6.forEach(spf::ip6);
        chosen.stream().map(s -> s.include().name()).distinct().forEach(spf::include);
        switch (spf.build(dns.resolver())) {
            case SpfBuilder.Refused r -> {
                err.println("aligned: the SPF record would be rejected by receivers: " + r.record());
                r.reasons().forEach(x -> err.println("  " + x));
                err.flush();
                return 1;
            }
            case SpfBuilder.Built b -> rows.add(new Row("TXT", name, b.record(), b.strings(), "SPF: who may send ("
                    + b.lookups() + "/10 lookups); ~all until the reports show nothing missing, then -all"));
        }
        // 3. DMARC last, at p=none with reports
        String reports = rua != null ? rua : "dmarc-reports@" + name;
        switch (DmarcBuilder.create("none").rua(reports).build()) {
            case DmarcBuilder.Refused r -> {
                err.println("aligned: " + String.join("; ", r.reasons()));
                err.flush();
                return 1;
            }
            case DmarcBuilder.Built b -> rows.add(new Row("TXT", "_dmarc." + name, b.record(), List.of(b.record()),
                    "DMARC: monitoring with aggregate reports to " + reports));
        }
        if (json) {
            ObjectNode o = CheckCommand.JSON.createObjectNode();
            o.put("domain", name);
            o.put("private_key", keyFile == null ? null : keyFile.toString());
            ArrayNode arr = o.putArray("records");
            for (Row r : rows) {
                ObjectNode ro = arr.addObject();
                ro.put("type", r.type());
                ro.put("name", r.name());
                ro.put("value", r.value());
                r.strings().forEach(ro.putArray("strings")::add);
                ro.put("why", r.why());
            }
            out.println(o);
            out.flush();
            return 0;
        }
        out.println("Publish these records for " + name + ", in this order:");
        out.println();
        int i = 1;
        for (Row r : rows) {
            out.printf("%d. %-9s %s%n", i++, r.type(), r.name());
            out.println("   " + r.why());
            out.println("   " + r.value());
        }
        out.println();
        out.println("Zone-file fragment:");
        out.println();
        out.println("$ORIGIN " + name + ".");
        for (Row r : rows) {
            if (r.strings().isEmpty()) {
                out.println("; " + r.name() + ": " + r.value());
                continue;
            }
            String owner = r.name().equals(name) ? "@" : r.name().substring(0, r.name().length() - name.length() - 1);
            out.printf("%-30s 3600 IN TXT %s%n", owner, RecordSpfCommand.quoted(r.strings()));
        }
        out.println();
        out.println("Next steps:");
        if (keyFile != null) {
            out.println("  - Configure your mail server to sign with d=" + name + ", s=" + sel + " and the key in "
                    + keyFile + " (keep it secret).");
        }
        out.println("  - Start with p=none and the reporting address: reports show who sends as " + name + ".");
        out.println("  - After 48 hours, run `aligned check " + name + (keyFile != null ? " --dkim-selector " + sel
                : "") + "` to confirm the records are visible and correct.");
        out.println("  - When the reports show all your mail passing, move to p=quarantine, then p=reject.");
        out.flush();
        return 0;
    }

    /** Asks for what the flags would give, on the terminal. */
    private void ask(PrintWriter out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (domain == null) {
            domain = prompt(out, in, "Domain that sends mail");
        }
        out.println("Known services: " + String.join(", ", SendingServices.bundled().all().stream()
                .map(SendingServices.Service::name).toList()));
        String s = prompt(out, in, "Services that send as " + domain + " (comma-separated, empty for none)");
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                services.add(part.strip());
            }
        }
        String ips = prompt(out, in, "Your own sending servers' IPv4/IPv6 addresses (comma-separated, empty for none)");
        for (String part : ips.split(",")) {
            String p = part.strip();
            if (!p.isEmpty()) {
                (p.contains(":") ? ip6 : ip4).add(p);
            }
        }
        mx = prompt(out, in, "Do your MX hosts send mail too? (y/N)").toLowerCase(Locale.ROOT).startsWith("y");
        String r = prompt(out, in, "Address for DMARC aggregate reports (empty: dmarc-reports@" + domain + ")");
        if (!r.isBlank()) {
            rua = r.strip();
        }
    }

    private static String prompt(PrintWriter out, BufferedReader in, String question) throws IOException {
        out.print(question + ": ");
        out.flush();
        String line = in.readLine();
        return line == null ? "" : line.strip();
    }
}
