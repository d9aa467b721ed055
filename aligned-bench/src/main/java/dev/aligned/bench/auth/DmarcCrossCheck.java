package dev.aligned.bench.auth;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.dmarc.DmarcEvaluator;
import dev.aligned.dmarc.DmarcInput;
import dev.aligned.dmarc.DmarcMode;
import dev.aligned.dmarc.SpfOutcome;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Aligned's side of the DMARC cross-check (aligned-bench/peers/dmarc-crosscheck): evaluates every scenario of a
 * scenarios.json with {@link DmarcEvaluator} in both modes and prints one JSON line per scenario and mode.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.auth.DmarcCrossCheck scenarios.json
 * </pre>
 */
public final class DmarcCrossCheck {
    private DmarcCrossCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DmarcCrossCheck SCENARIOS.json");
            System.exit(2);
        }
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        Map<?, ?> root = (Map<?, ?>) ZoneData.yaml().load(text);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (Object o : (List<?>) root.get("scenarios")) {
            Map<?, ?> sc = (Map<?, ?>) o;
            for (DmarcMode mode : DmarcMode.values()) {
                out.println(evaluate(sc, mode));
            }
        }
        out.flush();
    }

    static String evaluate(Map<?, ?> sc, DmarcMode mode) {
        String id = (String) sc.get("id");
        FixtureResolver zone = ZoneData.fromMap((Map<?, ?>) sc.get("zonedata"), id);
        DmarcInput input = DmarcInput.of(DomainName.of((String) sc.get("from")));
        if (sc.get("spf") instanceof Map<?, ?> spf) {
            input = input.withSpf(SpfOutcome.mailFrom(DomainName.of((String) spf.get("domain")),
                    result(spf.get("result"))));
        }
        for (Object d : (List<?>) sc.get("dkim")) {
            Map<?, ?> dkim = (Map<?, ?>) d;
            input = input.withDkim(DkimOutcome.of(DomainName.of((String) dkim.get("domain")),
                    result(dkim.get("result"))));
        }
        // pct sampling is deterministic in the scenarios (pct=0 or pct=100), the seed only fixes the rest
        DmarcEvaluator evaluator = DmarcEvaluator.builder(zone).mode(mode).random(new Random(1)).build();
        DmarcEvaluation e = evaluator.evaluate(input);
        StringBuilder sb = new StringBuilder("{");
        field(sb, "id", id).append(',');
        field(sb, "mode", mode.keyword()).append(',');
        field(sb, "result", e.result().keyword()).append(',');
        field(sb, "policy", e.policy().map(p -> p.keyword()).orElse(null)).append(',');
        field(sb, "policy_source", e.policySource().orElse(null)).append(',');
        field(sb, "disposition", e.disposition().keyword()).append(',');
        field(sb, "policy_domain", e.policyDomain().map(DomainName::toString).orElse(null)).append(',');
        sb.append("\"testing\":").append(e.testing()).append(',');
        sb.append("\"queries\":[");
        List<FixtureResolver.Query> qs = zone.queries();
        for (int i = 0; i < qs.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(qs.get(i).toString()));
        }
        sb.append("],\"reasons\":[");
        for (int i = 0; i < e.reasons().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(quote(e.reasons().get(i)));
        }
        return sb.append("]}").toString();
    }

    private static AuthResult result(Object keyword) {
        return AuthResult.parse((String) keyword)
                .orElseThrow(() -> new IllegalArgumentException("unknown result " + keyword));
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append(quote(name)).append(':').append(value == null ? "null" : quote(value));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
