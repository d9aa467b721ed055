package dev.aligned.server.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The sending services and forwarders Aligned recognises, from the bundled {@code sending-services.yaml} (its
 * header says how to add one) or a file of the same shape.
 *
 * <pre>{@code
 * SendingServiceCatalog c = SendingServiceCatalog.bundled();
 * c.byReverseName("a8-12.smtp-out.amazonses.com").map(Service::name);   // Optional[Amazon SES]
 * c.byDkimDomain("example-com.20230601.gappssmtp.com").map(Service::name);   // Optional[Google Workspace]
 * }</pre>
 */
public final class SendingServiceCatalog {
    private static final String RESOURCE = "sending-services.yaml";
    private static volatile SendingServiceCatalog bundled;

    /**
     * One service.
     *
     * @param rdns base domains of its forward-confirmed PTR names
     * @param mailfrom its default MAIL FROM (bounce) domains
     * @param dkim its default DKIM {@code d=} domains
     * @param spf the SPF include domain customers publish (empty when none)
     * @param selectors DKIM selectors it uses for customer domains
     */
    public record Service(String name, List<String> rdns, List<String> mailfrom, List<String> dkim, String spf,
            List<String> selectors) {
        public Service {
            Objects.requireNonNull(name, "name");
            rdns = List.copyOf(rdns);
            mailfrom = List.copyOf(mailfrom);
            dkim = List.copyOf(dkim);
            Objects.requireNonNull(spf, "spf");
            selectors = List.copyOf(selectors);
        }
    }

    private final List<Service> services;
    private final List<Service> forwarders;

    private SendingServiceCatalog(List<Service> services, List<Service> forwarders) {
        this.services = List.copyOf(services);
        this.forwarders = List.copyOf(forwarders);
    }

    /** The bundled catalogue. */
    public static SendingServiceCatalog bundled() {
        SendingServiceCatalog b = bundled;
        if (b == null) {
            try (InputStream in = SendingServiceCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                }
                b = parse(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = b;
        }
        return b;
    }

    /**
     * Reads a catalogue in the {@code sending-services.yaml} shape.
     *
     * @throws IllegalArgumentException naming the entry and field when the file does not have that shape
     */
    public static SendingServiceCatalog parse(Reader yaml) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("sending services: expected a mapping with 'services' and "
                    + "'forwarders' at the top");
        }
        return new SendingServiceCatalog(list(m.get("services"), "services"), list(m.get("forwarders"), "forwarders"));
    }

    private static List<Service> list(Object o, String where) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("sending services: '" + where + "' must be a list");
        }
        List<Service> out = new ArrayList<>();
        int i = 0;
        for (Object e : l) {
            i++;
            if (!(e instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || name.isBlank()) {
                throw new IllegalArgumentException("sending services: " + where + " entry " + i
                        + " needs a 'name'");
            }
            out.add(new Service(name, strings(m, "rdns", name), strings(m, "mailfrom", name),
                    strings(m, "dkim", name), m.get("spf") instanceof String s ? lower(s) : "",
                    strings(m, "selectors", name)));
        }
        return out;
    }

    private static List<String> strings(Map<?, ?> m, String key, String name) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("sending services: '" + key + "' of " + name + " must be a list");
        }
        return l.stream().map(x -> lower(String.valueOf(x))).toList();
    }

    private static String lower(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** The services, in file order. */
    public List<Service> services() {
        return services;
    }

    /** The forwarders, in file order. */
    public List<Service> forwarders() {
        return forwarders;
    }

    private static boolean under(String name, String base) {
        return name.equals(base) || name.endsWith("." + base);
    }

    private static Optional<Service> find(List<Service> in, String name,
            java.util.function.Function<Service, List<String>> field) {
        String n = lower(name);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        Service best = null;
        int bestLen = -1;
        for (Service s : in) {
            for (String base : field.apply(s)) {
                if (under(n, base) && base.length() > bestLen) {
                    best = s;
                    bestLen = base.length();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The service whose reverse-DNS base domain covers {@code ptrName} (the longest base wins). */
    public Optional<Service> byReverseName(String ptrName) {
        return find(services, ptrName, Service::rdns);
    }

    /** The service whose default MAIL FROM domain covers {@code domain}. */
    public Optional<Service> byMailFrom(String domain) {
        return find(services, domain, Service::mailfrom);
    }

    /** The service whose default DKIM domain covers {@code domain}. */
    public Optional<Service> byDkimDomain(String domain) {
        return find(services, domain, Service::dkim);
    }

    /** The forwarder whose reverse-DNS base domain covers {@code ptrName}. */
    public Optional<Service> forwarderByReverseName(String ptrName) {
        return find(forwarders, ptrName, Service::rdns);
    }

    /** The service with this name. */
    public Optional<Service> named(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
