package dev.aligned.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.record.DmarcBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aligned record dmarc}: an RFC 9989 DMARC record from flags, refusing combinations that do not work. */
@Command(name = "dmarc", mixinStandardHelpOptions = true,
        description = {"Build an RFC 9989 DMARC record (refused when a combination does not work)."},
        footer = {"", "Examples:",
                "  aligned record dmarc --policy none --rua mailto:dmarc@example.com",
                "  aligned record dmarc --policy reject --sp quarantine --adkim s --rua dmarc@example.com",
                "", "Exit codes: 0 record printed, 1 refused, 2 usage error."})
final class RecordDmarcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "none|quarantine|reject", description = "p=")
    String policy;

    @Option(names = "--rua", paramLabel = "URI", description = "Aggregate report address (repeatable).")
    List<String> rua = new ArrayList<>();

    @Option(names = "--ruf", paramLabel = "URI", description = "Failure report address (repeatable).")
    List<String> ruf = new ArrayList<>();

    @Option(names = "--sp", paramLabel = "POLICY", description = "Policy for subdomains (sp=).")
    String sp;

    @Option(names = "--np", paramLabel = "POLICY", description = "Policy for non-existent subdomains (np=).")
    String np;

    @Option(names = "--adkim", paramLabel = "r|s", description = "DKIM alignment: relaxed or strict.")
    String adkim;

    @Option(names = "--aspf", paramLabel = "r|s", description = "SPF alignment: relaxed or strict.")
    String aspf;

    @Option(names = "--testing", description = "t=y: apply the policy one level lower while testing.")
    boolean testing;

    @Option(names = "--fo", paramLabel = "0|1|d|s", description = "Failure reporting options (needs --ruf).")
    String fo;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Show the record's name for this domain.")
    String domain;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        DmarcBuilder b = DmarcBuilder.create(policy).subdomainPolicy(sp).nonExistentPolicy(np).dkimAlignment(adkim)
                .spfAlignment(aspf).testing(testing).failureOptions(fo);
        rua.forEach(b::rua);
        ruf.forEach(b::ruf);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = domain == null ? "_dmarc" : "_dmarc." + domain + ".";
        switch (b.build()) {
            case DmarcBuilder.Built built -> {
                if (json) {
                    ObjectNode o = CheckCommand.JSON.createObjectNode();
                    o.put("name", name);
                    o.put("record", built.record());
                    built.notes().forEach(o.putArray("notes")::add);
                    out.println(o);
                } else {
                    out.println(built.record());
                    out.println();
                    out.println("Zone     " + name + " IN TXT \"" + built.record() + "\"");
                    for (String n : built.notes()) {
                        out.println("Note     " + n);
                    }
                }
                out.flush();
                return 0;
            }
            case DmarcBuilder.Refused refused -> {
                if (json) {
                    ObjectNode o = CheckCommand.JSON.createObjectNode();
                    refused.reasons().forEach(o.putArray("reasons")::add);
                    out.println(o);
                    out.flush();
                } else {
                    err.println("aligned: refused:");
                    refused.reasons().forEach(r -> err.println("  " + r));
                    err.flush();
                }
                return 1;
            }
        }
    }
}
