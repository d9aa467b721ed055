package dev.aligned.dns;

/**
 * Looks up one (name, type) pair. Implementations never return {@code null} and never throw for what the DNS
 * answers or fails to answer: every outcome is a {@link DnsAnswer}. They are safe for concurrent use.
 *
 * <pre>{@code
 * DnsResolver dns = DnsjavaResolver.builder().build();
 * switch (dns.lookup(DomainName.of("example.com"), DnsType.TXT)) {
 *     case DnsAnswer.Records r -> r.of(DnsRecord.Txt.class).forEach(t -> System.out.println(t.text()));
 *     case DnsAnswer.NxDomain n -> System.out.println("no such domain");
 *     case DnsAnswer.NoData n -> System.out.println("no TXT records");
 *     case DnsAnswer.TempFailure f -> System.out.println("try again: " + f.reason());
 * }
 * }</pre>
 */
@FunctionalInterface
public interface DnsResolver {

    /** Asks for the records of {@code type} at {@code name}; CNAMEs are followed for types other than CNAME. */
    DnsAnswer lookup(DomainName name, DnsType type);
}
