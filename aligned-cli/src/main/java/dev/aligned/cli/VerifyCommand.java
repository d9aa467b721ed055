package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dkim.DkimResult;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.mail.FromHeader;
import dev.aligned.mail.HeaderField;
import dev.aligned.mail.RawMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code aligned verify MESSAGE.eml --ip IP}: SPF, DKIM and DMARC for a whole message; prints the
 * Authentication-Results header field (everything with {@code --json}).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Authenticate a message (SPF, DKIM, DMARC) and print its Authentication-Results.")
final class VerifyCommand implements Callable<Integer> {
    private static final Pattern BRACKETED_IP = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final long MAX_MESSAGE_BYTES = 64L << 20;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dns;

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "The message file (.eml, as received).")
    Path message;

    @Option(names = "--ip", paramLabel = "IP", description = "The SMTP client's IP address (needed for SPF).")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR",
            description = "The SMTP MAIL FROM address (default: the Return-Path header; '<>' for none).")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", description = "The SMTP HELO/EHLO name.")
    String helo;

    @Option(names = "--authserv-id", paramLabel = "HOST", defaultValue = "localhost",
            description = "The authserv-id written into Authentication-Results (default: ${DEFAULT-VALUE}).")
    String authservId;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "rfc9989",
            description = "DMARC mode: rfc9989 (default) or rfc7489.")
    String mode;

    @Option(names = "--json", description = "Print every result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        DmarcMode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "rfc9989", "9989" -> DmarcMode.RFC9989;
            case "rfc7489", "7489" -> DmarcMode.RFC7489;
            default -> throw usage("--mode must be rfc9989 or rfc7489, not '" + mode + "'");
        };
        byte[] bytes;
        try {
            if (Files.size(message) > MAX_MESSAGE_BYTES) {
                throw new IOException(message + ": larger than " + (MAX_MESSAGE_BYTES >> 20) + " MB");
            }
            bytes = Files.readAllBytes(message);
        } catch (NoSuchFileException e) {
            throw new IOException(message + ": no such file", e);
        }
        RawMessage raw = RawMessage.parse(bytes);
        PrintWriter err = spec.commandLine().getErr();
        if (ip == null) {
            Optional<String> offered = topmostReceivedIp(raw);
            throw usage("--ip is missing: SPF needs the IP address of the SMTP client that sent the message. "
                    + offered.map(a -> "The topmost Received header names " + a + "; to use it: aligned verify "
                            + message + " --ip " + a).orElse("No Received header in the message names one."));
        }
        InetAddress client = literal(ip).orElseThrow(() -> usage("--ip: '" + ip + "' is not an IPv4 or IPv6 address"));
        String from = mailFrom;
        if (from == null) {
            from = raw.header().first("Return-Path").map(f -> f.valueUtf8().strip()).orElse("");
            err.println("note: no --mail-from; using " + (from.isEmpty() ? "the null sender <>" : "Return-Path " + from));
        }
        if (from.startsWith("<") && from.endsWith(">")) {
            from = from.substring(1, from.length() - 1);
        }
        EmailAuthenticator auth;
        try {
            auth = EmailAuthenticator.builder(dns.resolver()).authservId(authservId).dmarcMode(m).build();
        } catch (IllegalArgumentException e) {
            throw usage("--authserv-id: " + e.getMessage());
        }
        AuthenticationResult r = auth.authenticate(bytes, client, helo == null ? "" : helo, from);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(r)));
        } else {
            out.println(r.authenticationResults().replace("\r\n", "\n"));
        }
        out.flush();
        return 0;
    }

    private static Map<String, Object> toJson(AuthenticationResult r) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("authentication_results", r.authenticationResults());
        j.put("received_spf", r.receivedSpf());
        Map<String, Object> spf = new LinkedHashMap<>();
        spf.put("result", r.spf().code());
        spf.put("domain", r.spf().details().domain());
        spf.put("sender", r.spf().details().sender());
        spf.put("problem", r.spf().problem().orElse(null));
        j.put("spf", spf);
        List<Map<String, Object>> dkim = new ArrayList<>();
        for (DkimResult k : r.dkim()) {
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("result", k.keyword());
            dj.put("domain", k.signature().domain());
            dj.put("selector", k.signature().selector());
            dj.put("algorithm", k.signature().algorithm());
            dj.put("reason", k.reason());
            dkim.add(dj);
        }
        j.put("dkim", dkim);
        j.put("from", switch (r.from()) {
            case FromHeader.Author a -> a.domain().name();
            case FromHeader.NoFrom n -> null;
            case FromHeader.MultipleFields mf -> null;
            case FromHeader.MultipleDomains md -> null;
            case FromHeader.Malformed mal -> null;
        });
        if (r.evaluation().isPresent()) {
            j.put("dmarc", DmarcEvalCommand.toJson(r.evaluation().get()));
        } else {
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("result", r.dmarc().keyword());
            dj.put("reasons", List.of(switch (r.dmarc()) {
                case dev.aligned.dmarc.DmarcResult.None n -> n.reason();
                case dev.aligned.dmarc.DmarcResult.PermError p -> p.reason();
                case dev.aligned.dmarc.DmarcResult.TempError t -> t.reason();
                case dev.aligned.dmarc.DmarcResult.Pass p -> "pass";
                case dev.aligned.dmarc.DmarcResult.Fail f -> "fail";
            }));
            j.put("dmarc", dj);
        }
        return j;
    }

    /** The client IP named by the topmost Received field ("from host ([192.0.2.1])"), when it names one. */
    static Optional<String> topmostReceivedIp(RawMessage raw) {
        Optional<HeaderField> received = raw.header().first("Received");
        if (received.isEmpty()) {
            return Optional.empty();
        }
        String v = received.get().valueUtf8();
        int by = v.indexOf(" by ");
        Matcher mt = BRACKETED_IP.matcher(by > 0 ? v.substring(0, by) : v);
        while (mt.find()) {
            Optional<InetAddress> a = literal(mt.group(1));
            if (a.isPresent()) {
                return Optional.of(mt.group(1));
            }
        }
        return Optional.empty();
    }

    /** Parses an IP literal without ever asking the DNS (host names are refused). */
    static Optional<InetAddress> literal(String text) {
        String t = text.strip();
        boolean v4 = IPV4.matcher(t).matches()
                && java.util.Arrays.stream(t.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        boolean v6 = t.contains(":") && t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
