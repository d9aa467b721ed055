package dev.aligned.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.DumperOptions;

/**
 * Loads DNS fixtures written in the OpenSPF test suite's {@code zonedata} form (YAML or JSON) into a
 * {@link FixtureResolver}. This is how users try records before publishing them ({@code --dns FILE.yml}).
 *
 * <pre>{@code
 * # example.yml: a mapping of names to lists of records
 * example.com:
 *   - TXT: "v=spf1 mx include:_spf.example.net -all"
 *   - MX: [10, mail.example.com]
 * mail.example.com:
 *   - A: 192.0.2.10
 * slow.example.net:
 *   - TIMEOUT
 * }</pre>
 *
 * <p>The suite's conventions all hold: {@code TIMEOUT} makes queries fail temporarily for every type that
 * has no record listed before it; {@code SPF} records are also served as TXT when the name lists no TXT;
 * {@code TXT: NONE} means no TXT and no copying; a list value of TXT or SPF is one record of several
 * strings ({@code SPF: []} is a record with no strings); {@code MX: [preference, host]}. A document may be the
 * mapping itself or a suite scenario holding it under {@code zonedata}; several documents are merged.
 *
 * <p>Scalars are read as text (no YAML 1.1 number or boolean guessing, so {@code 1:2:3:4} stays an address).
 * TXT text made only of characters up to U+00FF is stored byte for byte (so YAML escapes such as
 * {@code "\xEF"} give that byte); any other text is stored as UTF-8.
 */
public final class ZoneData {
    private static final int MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;

    private ZoneData() {
    }

    /**
     * Reads a zonedata file.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file, the line and the problem when it is not valid zonedata
     */
    public static FixtureResolver load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(text, file.toString());
    }

    /** Parses zonedata from YAML or JSON text; {@code source} names it in error messages. */
    public static FixtureResolver parse(String text, String source) {
        FixtureResolver.Builder b = FixtureResolver.builder();
        try {
            for (Object doc : yaml().loadAll(text)) {
                if (doc == null) {
                    continue;
                }
                if (!(doc instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException(source + ": a zonedata document is a mapping of names to "
                            + "record lists, not " + describe(doc));
                }
                Object zone = map.containsKey("zonedata") ? map.get("zonedata") : map;
                if (zone == null) {
                    continue;
                }
                if (!(zone instanceof Map<?, ?> zoneMap)) {
                    throw new IllegalArgumentException(source + ": 'zonedata' is a mapping of names to record lists");
                }
                addTo(b, zoneMap, source);
            }
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            String where = m == null ? "" : ", line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
            throw new IllegalArgumentException(source + where + ": not valid YAML/JSON: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(source + ": not valid YAML/JSON: " + e.getMessage(), e);
        }
        return b.build();
    }

    /** Builds a resolver from one already-parsed {@code zonedata} mapping (as a YAML library gives it). */
    public static FixtureResolver fromMap(Map<?, ?> zonedata, String source) {
        FixtureResolver.Builder b = FixtureResolver.builder();
        addTo(b, zonedata, source);
        return b.build();
    }

    /** A YAML loader that reads every scalar as text and refuses custom tags and huge documents. */
    public static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        options.setNestingDepthLimit(50);
        Resolver textOnly = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                // Every scalar is a string: "1:2:3:4" must not become a YAML 1.1 sexagesimal number.
            }
        };
        return new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, textOnly);
    }

    private static void addTo(FixtureResolver.Builder b, Map<?, ?> zone, String source) {
        for (Map.Entry<?, ?> e : zone.entrySet()) {
            String nameText = String.valueOf(e.getKey());
            String problem = DomainName.problem(nameText);
            if (problem != null) {
                throw new IllegalArgumentException(source + ": name '" + nameText + "': " + problem);
            }
            DomainName name = DomainName.of(nameText);
            Object value = e.getValue();
            List<?> entries = value == null ? List.of() : value instanceof List<?> l ? l : List.of(value);
            addName(b, name, entries, source + ": " + nameText);
        }
    }

    private static void addName(FixtureResolver.Builder b, DomainName name, List<?> entries, String where) {
        List<DnsRecord> records = new ArrayList<>();
        List<DnsRecord> spfAsTxt = new ArrayList<>();
        boolean txtListed = false;
        boolean timeoutSeen = false;
        Set<DnsType> answeredBeforeTimeout = EnumSet.noneOf(DnsType.class);
        boolean cnameBeforeTimeout = false;
        for (Object entry : entries) {
            if (entry instanceof String s) {
                if (!s.equals("TIMEOUT")) {
                    throw new IllegalArgumentException(where + ": unknown entry '" + s
                            + "' (expected TIMEOUT or a mapping such as 'TXT: ...')");
                }
                if (!timeoutSeen && !cnameBeforeTimeout) {
                    for (DnsType t : DnsType.values()) {
                        if (!answeredBeforeTimeout.contains(t)) {
                            b.timeout(name, t);
                        }
                    }
                }
                timeoutSeen = true;
                continue;
            }
            if (!(entry instanceof Map<?, ?> m) || m.size() != 1) {
                throw new IllegalArgumentException(where + ": each record is a one-key mapping such as "
                        + "'TXT: \"v=spf1 -all\"', not " + describe(entry));
            }
            Map.Entry<?, ?> rr = m.entrySet().iterator().next();
            String typeName = String.valueOf(rr.getKey()).toUpperCase(java.util.Locale.ROOT);
            Object v = rr.getValue();
            DnsType type;
            try {
                type = DnsType.valueOf(typeName);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ": unsupported record type '" + rr.getKey()
                        + "' (supported: A, AAAA, TXT, SPF, MX, PTR, CNAME, NS)");
            }
            if (type == DnsType.TXT) {
                txtListed = true;
            }
            if ("NONE".equals(v)) {
                continue;
            }
            DnsRecord record = record(type, v, where);
            records.add(record);
            if (type == DnsType.SPF) {
                spfAsTxt.add(new DnsRecord.Txt(DnsType.TXT, ((DnsRecord.Txt) record).strings()));
            }
            if (!timeoutSeen) {
                answeredBeforeTimeout.add(type);
                if (type == DnsType.CNAME) {
                    cnameBeforeTimeout = true;
                }
            }
        }
        if (!txtListed) {
            records.addAll(spfAsTxt);
        }
        if (records.isEmpty()) {
            b.exists(name);
        } else {
            b.add(name, records);
        }
    }

    private static DnsRecord record(DnsType type, Object v, String where) {
        String at = where + ": " + type + " ";
        return switch (type) {
            case TXT, SPF -> {
                List<byte[]> strings = new ArrayList<>();
                if (v instanceof List<?> parts) {
                    for (Object p : parts) {
                        strings.add(bytes(String.valueOf(p)));
                    }
                } else if (v != null) {
                    strings.add(bytes(String.valueOf(v)));
                }
                yield new DnsRecord.Txt(type, strings);
            }
            case A, AAAA -> {
                String s = String.valueOf(v).trim();
                InetAddress addr = address(s, at);
                DnsRecord r = DnsRecord.address(addr);
                if (r.type() != type) {
                    throw new IllegalArgumentException(at + "'" + s + "' is not an "
                            + (type == DnsType.A ? "IPv4" : "IPv6") + " address");
                }
                yield r;
            }
            case MX -> {
                if (!(v instanceof List<?> l) || l.size() != 2) {
                    throw new IllegalArgumentException(at + "is written [preference, host], not " + describe(v));
                }
                int pref;
                try {
                    pref = Integer.parseInt(String.valueOf(l.get(0)).trim());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException(at + "preference '" + l.get(0) + "' is not a number");
                }
                yield new DnsRecord.Mx(pref, name(String.valueOf(l.get(1)), at));
            }
            case PTR -> new DnsRecord.Ptr(name(String.valueOf(v), at));
            case CNAME -> new DnsRecord.Cname(name(String.valueOf(v), at));
            case NS -> new DnsRecord.Ns(name(String.valueOf(v), at));
        };
    }

    private static DomainName name(String s, String at) {
        if (s.isBlank() || s.trim().equals(".")) {
            return DomainName.ROOT; // e.g. the null MX of RFC 7505, "MX: [0, \"\"]"
        }
        String problem = DomainName.problem(s.trim());
        if (problem != null) {
            throw new IllegalArgumentException(at + "target '" + s + "': " + problem);
        }
        return DomainName.of(s.trim());
    }

    private static InetAddress address(String s, String at) {
        boolean literal = !s.isEmpty() && (s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
        if (!literal) {
            throw new IllegalArgumentException(at + "'" + s + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException ex) {
            throw new IllegalArgumentException(at + "'" + s + "' is not an IP address");
        }
    }

    private static byte[] bytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String describe(Object o) {
        if (o == null) {
            return "nothing";
        }
        if (o instanceof List<?>) {
            return "a list";
        }
        if (o instanceof Map<?, ?>) {
            return "a mapping";
        }
        return "'" + o + "'";
    }

}
