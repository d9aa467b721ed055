package dev.aligned.bench;

import dev.aligned.dns.FixtureResolver;
import dev.aligned.dns.ZoneData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the benchmark workloads under {@code src/main/resources/workloads}, shared with the peer harnesses. */
public final class Workloads {
    private Workloads() {
    }

    /** One SPF case: the client, the identities and the results the workload accepts. */
    public record SpfCase(String name, String ip, String mailFrom, String helo, List<String> expected,
            FixtureResolver dns) {
    }

    /** The cases of an SPF workload ({@code spf-suite.json}, {@code spf-realistic.json}), with their DNS. */
    public static List<SpfCase> spf(String resource) {
        Map<?, ?> root = (Map<?, ?>) ZoneData.yaml().load(read(resource));
        List<SpfCase> out = new ArrayList<>();
        for (Object s : (List<?>) root.get("scenarios")) {
            Map<?, ?> scenario = (Map<?, ?>) s;
            FixtureResolver dns = FixtureResolver.builder().recording(false)
                    .addAll(ZoneData.fromMap((Map<?, ?>) scenario.get("zonedata"), resource)).build();
            for (Object c : (List<?>) scenario.get("cases")) {
                Map<?, ?> m = (Map<?, ?>) c;
                List<String> expected = ((List<?>) m.get("expected")).stream().map(String::valueOf).toList();
                out.add(new SpfCase(String.valueOf(m.get("name")), String.valueOf(m.get("ip")),
                        String.valueOf(m.get("mail_from")), String.valueOf(m.get("helo")), expected, dns));
            }
        }
        return out;
    }

    static String read(String resource) {
        try (InputStream in = Workloads.class.getResourceAsStream("/workloads/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no workload " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
