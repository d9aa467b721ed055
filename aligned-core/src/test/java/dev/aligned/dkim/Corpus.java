package dev.aligned.dkim;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** Reads the DKIM conformance data under src/test/resources/corpora/dkim. */
final class Corpus {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);

    private Corpus() {
    }

    static byte[] bytes(String path) {
        try (InputStream in = Corpus.class.getResourceAsStream("/corpora/dkim/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource corpora/dkim/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }

    /** A fixture resolver from mailauth's dns.json: name -> {TXT: [[strings...], ...]}. */
    @SuppressWarnings("unchecked")
    static FixtureResolver.Builder dnsJson(String path) {
        Map<String, Map<String, List<List<String>>>> json = new Yaml().load(text(path));
        FixtureResolver.Builder b = FixtureResolver.builder();
        json.forEach((name, types) -> {
            List<List<String>> txts = types.get("TXT");
            if (txts != null) {
                b.add(DomainName.of(name), txts.stream().map(strings -> (DnsRecord) new DnsRecord.Txt(DnsType.TXT,
                        strings.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList())).toList());
            }
        });
        return b;
    }

    /** A resolver with one key record (the file's text, trimmed) at {@code name}. */
    static FixtureResolver keyAt(String name, String keyFile) {
        return FixtureResolver.builder().add(name, DnsRecord.Txt.of(text(keyFile).strip())).build();
    }
}
