package dev.aligned.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dns.DnsResolver;
import dev.aligned.spf.SpfEvaluator;
import dev.aligned.spf.SpfLimits;
import dev.aligned.spf.SpfResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned spf check}: evaluates SPF for one client address and sender, or for every line of a JSON
 * Lines file ({@code --batch}), concurrently on virtual threads and printed in input order.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Evaluate SPF (RFC 7208) for a client IP and MAIL FROM (or HELO).",
                "Without --mail-from the HELO identity is checked; --mail-from '' (or '<>') checks "
                        + "postmaster@HELO as RFC 7208 prescribes for bounces."},
        footer = {"", "Examples:",
                "  aligned spf check --ip 192.0.2.10 --mail-from a@example.com --helo mx.example.com",
                "  aligned spf check --ip 192.0.2.10 --mail-from a@example.com --dns draft.yml --json",
                "  aligned spf check --batch conns.jsonl  # {\"ip\":..,\"mail_from\":..,\"helo\":..}",
                "", "Exit codes: 0 evaluated (whatever the result), 1 runtime failure, 2 usage error."})
final class SpfCheckCommand implements Callable<Integer> {
    /** The limits this command evaluates under, and prints beside the counts. */
    private static final SpfLimits LIMITS = SpfLimits.RFC7208;

    private static final int WINDOW = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Option(names = "--ip", paramLabel = "IP", description = "The SMTP client's address (IPv4 or IPv6).")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR",
            description = "The MAIL FROM address; '' or '<>' for a bounce (checks postmaster@HELO).")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", description = "The HELO/EHLO name the client gave.")
    String helo;

    @Option(names = "--receiver", paramLabel = "NAME", defaultValue = "unknown",
            description = "This host's name, for %%{r} in explanations (default: ${DEFAULT-VALUE}).")
    String receiver;

    @Option(names = "--batch", paramLabel = "FILE.jsonl",
            description = "Check every line of this JSON Lines file ('-' for standard input); prints one JSON "
                    + "result per line, in order.")
    Path batch;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--trace", description = "Also print every step of the evaluation (human output).")
    boolean trace;

    @Override
    public Integer call() throws IOException {
        if (batch != null) {
            if (ip != null || mailFrom != null || helo != null) {
                throw new ParameterException(spec.commandLine(),
                        "--batch reads ip, mail_from and helo from each line; do not combine it with --ip, "
                                + "--mail-from or --helo");
            }
            return runBatch();
        }
        if (ip == null) {
            throw new ParameterException(spec.commandLine(), "give the client address with --ip (or use --batch)");
        }
        if (mailFrom == null && helo == null) {
            throw new ParameterException(spec.commandLine(),
                    "give --mail-from ADDR (and --helo NAME), or --helo NAME alone to check the HELO identity");
        }
        InetAddress address = parseIp(ip);
        if (address == null) {
            throw new ParameterException(spec.commandLine(), "--ip: '" + ip + "' is not an IPv4 or IPv6 address");
        }
        SpfEvaluator spf = evaluator(dns.resolver());
        SpfResult r = mailFrom != null ? spf.checkMailFrom(address, mailFrom, helo == null ? "" : helo)
                : spf.checkHelo(address, helo);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(toJson(r)));
        } else {
            human(out, r);
        }
        out.flush();
        return 0;
    }

    private SpfEvaluator evaluator(DnsResolver resolver) {
        return SpfEvaluator.builder().resolver(resolver).receiver(receiver).limits(LIMITS).build();
    }

    // ---------------------------------------------------------------- batch

    private int runBatch() throws IOException {
        BufferedReader in;
        if (batch.toString().equals("-")) {
            in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        } else {
            try {
                in = Files.newBufferedReader(batch, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                spec.commandLine().getErr().println("aligned: " + batch + ": no such file");
                return 1;
            }
        }
        SpfEvaluator spf = evaluator(dns.resolver());
        PrintWriter out = spec.commandLine().getOut();
        ArrayDeque<Future<String>> pending = new ArrayDeque<>();
        try (in; ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                int n = ++number;
                String text = line;
                pending.add(pool.submit(() -> batchLine(spf, n, text)));
                if (pending.size() >= WINDOW) {
                    out.println(await(pending.poll()));
                }
            }
            while (!pending.isEmpty()) {
                out.println(await(pending.poll()));
            }
        }
        out.flush();
        return 0;
    }

    private static String await(Future<String> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** One batch line to one JSON line; never throws for bad input. */
    static String batchLine(SpfEvaluator spf, int number, String line) {
        ObjectNode o;
        try {
            JsonNode in;
            try {
                in = JSON.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return error(number, "not valid JSON: " + e.getOriginalMessage());
            }
            if (in == null || !in.isObject()) {
                return error(number, "expected a JSON object such as {\"ip\":\"192.0.2.1\",\"mail_from\":"
                        + "\"a@example.com\",\"helo\":\"mail.example.com\"}");
            }
            JsonNode ipNode = in.get("ip");
            if (ipNode == null || !ipNode.isTextual()) {
                return error(number, "missing \"ip\" (a string)");
            }
            InetAddress address = parseIp(ipNode.asText());
            if (address == null) {
                return error(number, "\"ip\": '" + ipNode.asText() + "' is not an IPv4 or IPv6 address");
            }
            JsonNode mf = in.get("mail_from");
            JsonNode h = in.get("helo");
            if (mf != null && !mf.isTextual() && !mf.isNull()) {
                return error(number, "\"mail_from\" must be a string");
            }
            if (h != null && !h.isTextual() && !h.isNull()) {
                return error(number, "\"helo\" must be a string");
            }
            String heloText = h == null || h.isNull() ? "" : h.asText();
            SpfResult r;
            if (mf != null && !mf.isNull()) {
                r = spf.checkMailFrom(address, mf.asText(), heloText);
            } else if (!heloText.isEmpty()) {
                r = spf.checkHelo(address, heloText);
            } else {
                return error(number, "give \"mail_from\" and/or \"helo\"");
            }
            o = JSON.createObjectNode();
            o.put("line", number);
            o.setAll(toJson(r));
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            return error(number, "cannot write the result: " + e.getMessage());
        }
    }

    private static String error(int line, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("line", line);
        o.put("error", message);
        return o.toString();
    }

    // ---------------------------------------------------------------- output

    static ObjectNode toJson(SpfResult r) {
        ObjectNode o = JSON.createObjectNode();
        SpfResult.Details d = r.details();
        o.put("result", r.code());
        o.put("domain", d.domain());
        o.put("identity", d.identity().keyword());
        o.put("ip", d.clientIpText());
        o.put("sender", d.sender());
        o.put("helo", d.helo());
        var m = r.mechanism();
        if (m.isPresent()) {
            o.put("mechanism", m.get().term());
            o.put("mechanism_domain", m.get().domain());
            o.put("mechanism_column", m.get().column());
        } else {
            o.putNull("mechanism");
        }
        if (r instanceof SpfResult.Fail f) {
            o.put("explanation", f.explanation().orElse(null));
        } else {
            o.putNull("explanation");
        }
        o.put("dns_lookups", d.dnsLookups());
        o.put("void_lookups", d.voidLookups());
        switch (r) {
            case SpfResult.PermError e -> {
                o.put("error", e.error());
                e.hint().ifPresent(h -> o.put("fix", h));
            }
            case SpfResult.TempError t -> o.put("error", t.error());
            case SpfResult.None n -> o.put("reason", n.reason());
            default -> {
            }
        }
        ArrayNode steps = o.putArray("trace");
        for (SpfResult.Step s : d.trace()) {
            ObjectNode step = steps.addObject();
            step.put("depth", s.depth());
            step.put("domain", s.domain());
            step.put("step", s.text());
        }
        return o;
    }

    private void human(PrintWriter out, SpfResult r) {
        SpfResult.Details d = r.details();
        String ipText = d.clientIpText();
        row(out, "Result", r.code());
        row(out, "Identity", (d.identity() == SpfResult.Identity.HELO ? "HELO " + d.helo() : "MAIL FROM " + d.sender())
                + " (domain " + d.domain() + ")");
        row(out, "Client", ipText);
        r.mechanism().ifPresent(m -> row(out, r instanceof SpfResult.PermError ? "At" : "Decided by",
                m.term() + "  (" + m.domain() + ", column " + m.column() + ")"));
        if (r.mechanism().isEmpty() && r instanceof SpfResult.Neutral) {
            row(out, "Decided by", "nothing matched (default neutral)");
        }
        row(out, "Lookups", d.dnsLookups() + "/" + LIMITS.dnsTerms() + ", void " + d.voidLookups() + "/"
                + LIMITS.voidLookups());
        switch (r) {
            case SpfResult.Pass p -> row(out, "Next", ipText + " may send for " + d.domain() + "; nothing to change.");
            case SpfResult.Fail f -> {
                f.explanation().ifPresent(e -> row(out, "Explanation", e));
                row(out, "Next", ipText + " is not authorised by " + d.domain() + ". If it sends legitimately for "
                        + d.domain() + ", add " + (ipText.indexOf(':') < 0 ? "ip4:" : "ip6:") + ipText
                        + " (or include: the sending service's record) before " + f.match().term() + ".");
            }
            case SpfResult.SoftFail s -> row(out, "Next", ipText + " is probably not authorised. If it sends for "
                    + d.domain() + ", add it to the record; otherwise consider '-all' once all senders are listed.");
            case SpfResult.Neutral n -> row(out, "Next", d.domain() + " makes no assertion about " + ipText
                    + "; list its senders and end the record with '~all' or '-all'.");
            case SpfResult.None n -> {
                row(out, "Reason", n.reason());
                row(out, "Next", d.dnsLookups() == 0 && n.reason().contains("is not a valid domain name")
                        ? "nothing to check: SPF applies to fully qualified domain names only."
                        : "publish a TXT record at " + d.domain() + " such as 'v=spf1 mx -all' (list every "
                                + "server that sends its mail).");
            }
            case SpfResult.TempError t -> {
                row(out, "Error", t.error());
                row(out, "Next", "a DNS server did not answer; try again later or check the name servers.");
            }
            case SpfResult.PermError e -> {
                row(out, "Error", e.error());
                row(out, "Fix", e.hint().orElse("correct the record so that it follows RFC 7208; receivers treat "
                        + "a permerror like a failure of SPF."));
            }
        }
        if (trace) {
            out.println();
            out.println("Trace:");
            for (SpfResult.Step s : d.trace()) {
                out.println("  " + s);
            }
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-12s %s%n", label, value);
    }

    /** A literal IPv4 or IPv6 address, never a host name lookup; null when {@code s} is neither. */
    static InetAddress parseIp(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        boolean v4 = true;
        boolean v6 = t.indexOf(':') >= 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                v4 = false;
            }
            if (!(c == '.' || c == ':' || Character.digit(c, 16) >= 0 && c < 0x80)) {
                v6 = false;
            }
        }
        if (v4) {
            String[] parts = t.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    return null;
                }
            }
        } else if (!v6) {
            return null;
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
