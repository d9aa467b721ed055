package dev.aligned.server.analysis;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;

/** The resolver used when none is configured: every lookup is a temporary failure, so names stay empty. */
enum UnavailableDns implements DnsResolver {
    INSTANCE;

    @Override
    public DnsAnswer lookup(DomainName name, DnsType type) {
        return new DnsAnswer.TempFailure(name, type, "no DNS resolver configured for the analysis stage");
    }
}
