package dev.aligned.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the OpenSPF suites (src/test/resources/corpora/spf). Driver conventions as the suites' own drivers:
 * the default explanation is "DEFAULT", an empty mailfrom means postmaster@helo, SPF records are served as
 * TXT where a name has no TXT (done by {@link ZoneData}), TIMEOUT fails queries temporarily.
 */
class SpfConformanceTest {

    /**
     * RFC 4408 suite cases where RFC 7208 changed the answer. In every one the RFC 4408 suite accepted several
     * answers and RFC 7208 keeps only some (no case flips to an answer RFC 4408 refused). These cases run with
     * the RFC 7208 answer, which is stricter than the RFC 4408 expectation; the reasons are also in
     * docs/spf-conformance.md.
     */
    static final Map<String, Divergence> RFC4408_DIVERGENCES = Map.ofEntries(
            Map.entry("txtonly", new Divergence(Set.of("fail"),
                    "RFC 7208 3.1, 4.4: only TXT is looked up; a TXT-only record is found (4408 allowed none)")),
            Map.entry("spfonly", new Divergence(Set.of("none"),
                    "RFC 7208 3.1, 4.4: type SPF (99) is not looked up; a record only there is not seen")),
            Map.entry("spftimeout", new Divergence(Set.of("fail"),
                    "RFC 7208 3.1, 4.4: type SPF is not looked up, so its time-out does not matter")),
            Map.entry("txttimeout", new Divergence(Set.of("temperror"),
                    "RFC 7208 4.4: a TXT time-out is temperror; there is no fallback to type SPF")),
            Map.entry("nospftxttimeout", new Divergence(Set.of("temperror"),
                    "RFC 7208 4.4: a TXT time-out is temperror (4408 allowed none)")),
            Map.entry("spfoverride", new Divergence(Set.of("fail"),
                    "RFC 7208 3.1: type SPF records no longer override TXT")),
            Map.entry("multitxt1", new Divergence(Set.of("permerror"),
                    "RFC 7208 3.1, 4.5: two v=spf1 TXT records are a permerror; type SPF does not rescue them")),
            Map.entry("multispf2", new Divergence(Set.of("pass"),
                    "RFC 7208 3.1, 4.5: duplicate type SPF records are ignored; the single TXT record decides")),
            Map.entry("exists-dnserr", new Divergence(Set.of("temperror"),
                    "RFC 7208 5: a DNS error while evaluating a mechanism is temperror (4408 allowed fail)")),
            Map.entry("cidr6-0-ip4", new Divergence(Set.of("neutral"),
                    "RFC 7208 5.6: ip6 never matches an IPv4 client")),
            Map.entry("cidr6-ip4", new Divergence(Set.of("neutral"),
                    "RFC 7208 5 (5/9/2): an IPv4-mapped IPv6 client is IPv4 and never matches ip6")),
            Map.entry("mx-limit", new Divergence(Set.of("permerror"),
                    "RFC 7208 4.6.4: more than 10 MX names is a permerror (4408 allowed neutral or pass)")));

    record Divergence(Set<String> rfc7208Results, String reason) {
    }

    record Case(String scenario, String name, String host, String mailfrom, String helo, Set<String> results,
                String explanation, FixtureResolver dns) {
        String id() {
            return scenario + "/" + name;
        }
    }

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    static List<Case> load(String resource) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = SpfConformanceTest.class.getResourceAsStream("/corpora/spf/" + resource)) {
            assertNotNull(in, resource);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Object doc : ZoneData.yaml().loadAll(text)) {
                if (!(doc instanceof Map<?, ?> scenario)) {
                    continue;
                }
                String title = String.valueOf(scenario.get("description"));
                Object zd = scenario.get("zonedata");
                FixtureResolver dns = ZoneData.fromMap(zd == null ? Map.of() : (Map<?, ?>) zd, resource);
                Map<?, ?> tests = (Map<?, ?>) scenario.get("tests");
                for (Map.Entry<?, ?> e : tests.entrySet()) {
                    Map<?, ?> t = (Map<?, ?>) e.getValue();
                    Object r = t.get("result");
                    Set<String> results = new LinkedHashSet<>();
                    if (r instanceof List<?> l) {
                        l.forEach(x -> results.add(String.valueOf(x)));
                    } else {
                        results.add(String.valueOf(r));
                    }
                    Object exp = t.get("explanation");
                    cases.add(new Case(title, String.valueOf(e.getKey()), String.valueOf(t.get("host")),
                            t.get("mailfrom") == null ? "" : String.valueOf(t.get("mailfrom")),
                            String.valueOf(t.get("helo")), results, exp == null ? null : String.valueOf(exp), dns));
                }
            }
        }
        return cases;
    }

    static SpfResult run(Case c) {
        SpfEvaluator spf = SpfEvaluator.builder().resolver(c.dns()).defaultExplanation("DEFAULT").clock(CLOCK).build();
        InetAddress ip = Ip.parseClient(c.host());
        assertNotNull(ip, "client address " + c.host());
        return spf.checkMailFrom(ip, c.mailfrom(), c.helo());
    }

    static void check(Case c, Set<String> expected, String expectedExplanation) {
        SpfResult r = run(c);
        if (!expected.contains(r.code())) {
            fail(c.id() + ": expected " + expected + " but got " + r.code() + " " + r.problem().orElse("")
                    + "\n" + String.join("\n", r.details().trace().stream().map(Object::toString).toList()));
        }
        if (expectedExplanation != null) {
            String got = r instanceof SpfResult.Fail f ? f.explanation().orElse(null) : null;
            assertEquals(expectedExplanation, got, c.id() + ": explanation");
        }
    }

    @TestFactory
    Stream<DynamicTest> rfc7208Suite() throws IOException {
        List<Case> cases = load("rfc7208-tests.yml");
        assertEquals(203, cases.size(), "the RFC 7208 suite holds 203 cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id(),
                () -> check(c, c.results(), c.explanation())));
    }

    @TestFactory
    Stream<DynamicTest> rfc4408SuiteAsRegression() throws IOException {
        List<Case> cases = load("rfc4408-tests.yml");
        assertEquals(191, cases.size(), "the RFC 4408 suite holds 191 cases");
        return cases.stream().map(c -> {
            Divergence d = RFC4408_DIVERGENCES.get(c.name());
            if (d == null) {
                return DynamicTest.dynamicTest(c.id(), () -> check(c, c.results(), c.explanation()));
            }
            // RFC 7208 changed the answer: assert the RFC 7208 one (the reason is in the map and the docs).
            return DynamicTest.dynamicTest(c.id() + " [RFC 7208 differs: " + d.reason() + "]",
                    () -> check(c, d.rfc7208Results(), null));
        });
    }

    @Test
    void everyListedDivergenceNarrowsWhatTheRfc4408SuiteAccepted() throws IOException {
        List<Case> cases = load("rfc4408-tests.yml");
        for (Map.Entry<String, Divergence> e : RFC4408_DIVERGENCES.entrySet()) {
            Case c = cases.stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElse(null);
            assertNotNull(c, "divergence names no RFC 4408 case: " + e.getKey());
            Set<String> rfc7208 = e.getValue().rfc7208Results();
            assertTrue(c.results().containsAll(rfc7208) && !rfc7208.containsAll(c.results()),
                    e.getKey() + ": RFC 4408 accepts " + c.results() + ", RFC 7208 " + rfc7208);
        }
    }
}
