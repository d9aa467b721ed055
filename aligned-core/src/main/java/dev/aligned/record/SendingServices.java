package dev.aligned.record;

import dev.aligned.dns.DomainName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The sending services Aligned recognises from SPF include targets (the bundled {@code services.txt}): name,
 * include domain and the DKIM selectors the service usually signs with.
 *
 * <pre>{@code
 * SendingServices.bundled().match(DomainName.of("_spf.google.com")).map(Service::name);   // Google Workspace
 * }</pre>
 */
public final class SendingServices {
    private static final SendingServices BUNDLED = load();

    /**
     * One service.
     *
     * @param include   the SPF include domain it publishes
     * @param name      its name
     * @param selectors DKIM selectors it usually uses
     */
    public record Service(DomainName include, String name, List<String> selectors) {
        public Service {
            selectors = List.copyOf(selectors);
        }
    }

    private final List<Service> services;

    private SendingServices(List<Service> services) {
        this.services = List.copyOf(services);
    }

    /** The bundled list. */
    public static SendingServices bundled() {
        return BUNDLED;
    }

    /** Every service, in file order. */
    public List<Service> all() {
        return services;
    }

    /** The service whose include domain is {@code target} or a parent of it. */
    public Optional<Service> match(DomainName target) {
        for (Service s : services) {
            if (target.equals(s.include()) || target.isSubdomainOf(s.include())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The service with this name or include domain (case-insensitive), e.g. for {@code setup --service}. */
    public Optional<Service> byName(String nameOrInclude) {
        String n = nameOrInclude.strip();
        for (Service s : services) {
            if (s.name().equalsIgnoreCase(n) || s.include().name().equalsIgnoreCase(n)
                    || s.name().toLowerCase(java.util.Locale.ROOT).startsWith(n.toLowerCase(java.util.Locale.ROOT) + " ")
                    || s.name().replace(" ", "").equalsIgnoreCase(n.replace(" ", "").replace("-", ""))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static SendingServices load() {
        try (InputStream in = SendingServices.class.getResourceAsStream("services.txt")) {
            if (in == null) {
                throw new IllegalStateException("services.txt is missing from the aligned-core jar");
            }
            List<Service> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\|", -1);
                List<String> selectors = parts.length > 2
                        ? Arrays.stream(parts[2].split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                        : List.of();
                out.add(new Service(DomainName.of(parts[0].strip()), parts[1].strip(), selectors));
            }
            return new SendingServices(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
