package dev.aligned.server.analysis;

import dev.aligned.server.analysis.SendingServiceCatalog.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Classifies one source from its summed facts. The rules, in order (docs/analysis.md):
 * <ol>
 * <li>a forward-confirmed PTR name under a known forwarder, or receiver override reasons (forwarded,
 * trusted_forwarder, mailing_list) on most messages: {@link Classification.Forwarded};
 * <li>DMARC passes for at least {@link #PASS_SHARE} of the messages: {@link Classification.Authenticated}, unless
 * no service is recognised and SPF fails while DKIM passes aligned (a forwarder keeping the signature):
 * {@link Classification.Forwarded};
 * <li>a recognised service (confirmed PTR, default MAIL FROM or DKIM domain), or the domain's own servers
 * (PTR under the domain): {@link Classification.ServiceFailing} with the fixes the auth results call for;
 * <li>otherwise {@link Classification.Unknown}.
 * </ol>
 */
final class Classifier {
    /** The share of messages that must pass DMARC for a source to count as authenticated. */
    static final double PASS_SHARE = 0.9;

    private final SendingServiceCatalog catalog;

    Classifier(SendingServiceCatalog catalog) {
        this.catalog = catalog;
    }

    SendingServiceCatalog catalog() {
        return catalog;
    }

    record Auth(String domain, String selector, String result) {
    }

    static List<Auth> parseDkim(String text) {
        List<Auth> out = new ArrayList<>();
        for (String e : text.split(" ")) {
            int slash = e.indexOf('/');
            int eq = e.lastIndexOf('=');
            if (slash > 0 && eq > slash) {
                out.add(new Auth(e.substring(0, slash), e.substring(slash + 1, eq), e.substring(eq + 1)));
            }
        }
        return out;
    }

    static List<Auth> parseSpf(String text) {
        List<Auth> out = new ArrayList<>();
        for (String e : text.split(" ")) {
            int eq = e.lastIndexOf('=');
            if (eq > 0) {
                out.add(new Auth(e.substring(0, eq), "", e.substring(eq + 1)));
            }
        }
        return out;
    }

    /** The service a source is recognised as, and how. */
    record Match(Service service, String by) {
    }

    Optional<Match> service(Queries.SourceFacts f, ReverseName rn) {
        if (rn.forwardConfirmed()) {
            Optional<Service> s = catalog.byReverseName(rn.name());
            if (s.isPresent()) {
                return Optional.of(new Match(s.get(), "reverse DNS " + rn.name()));
            }
        }
        for (Auth a : parseSpf(f.spfAuth())) {
            Optional<Service> s = catalog.byMailFrom(a.domain());
            if (s.isPresent()) {
                return Optional.of(new Match(s.get(), "MAIL FROM " + a.domain()));
            }
        }
        for (Auth a : parseDkim(f.dkimAuth())) {
            Optional<Service> s = catalog.byDkimDomain(a.domain());
            if (s.isPresent()) {
                return Optional.of(new Match(s.get(), "DKIM d=" + a.domain()));
            }
        }
        return Optional.empty();
    }

    SourceRow row(String domain, Queries.SourceFacts f, ReverseName rn) {
        Optional<Match> m = service(f, rn);
        Classification c = classify(domain, f, rn, m);
        String service = m.map(x -> x.service().name()).orElse(ownServer(domain, rn) ? "own servers" : "");
        return new SourceRow(f.ip(), rn, service, c.category(), c, f.volume(), List.of(f.dkimAuth().split(" ")).stream()
                .filter(s -> !s.isEmpty()).toList(), List.of(f.spfAuth().split(" ")).stream()
                .filter(s -> !s.isEmpty()).toList());
    }

    private static boolean ownServer(String domain, ReverseName rn) {
        return rn.forwardConfirmed() && (rn.name().equals(domain) || rn.name().endsWith("." + domain));
    }

    Classification classify(String domain, Queries.SourceFacts f, ReverseName rn, Optional<Match> m) {
        Volume v = f.volume();
        long failing = v.messages() - v.dmarcPass();
        if (v.messages() == 0) {
            return new Classification.Unknown("no messages in the period");
        }
        if (rn.forwardConfirmed()) {
            Optional<Service> fw = catalog.forwarderByReverseName(rn.name());
            if (fw.isPresent()) {
                return new Classification.Forwarded("known forwarder " + fw.get().name() + " (" + rn.name() + ")");
            }
        }
        if (f.forwardedReason() * 2 > v.messages()) {
            return new Classification.Forwarded("the receivers report a forwarding override (forwarded, "
                    + "trusted_forwarder or mailing_list)");
        }
        boolean passes = v.dmarcPass() >= PASS_SHARE * v.messages();
        boolean own = ownServer(domain, rn);
        if (passes) {
            if (m.isEmpty() && !own && v.spfAligned() * 10 < v.messages() && f.spfPassAny() * 10 < v.messages()
                    && v.dkimAligned() * 2 >= v.messages()) {
                return new Classification.Forwarded("SPF fails for this IP while the DKIM signature still passes "
                        + "aligned: the message was relayed");
            }
            String via = v.dkimAligned() * 2 >= v.messages() && v.spfAligned() * 2 >= v.messages() ? "DKIM and SPF"
                    : v.dkimAligned() >= v.spfAligned() ? "DKIM" : "SPF";
            return new Classification.Authenticated(m.map(x -> x.service().name()).orElse(own ? "own servers" : ""),
                    via);
        }
        if (m.isPresent() || own) {
            String name = m.map(x -> x.service().name()).orElse("own servers");
            return new Classification.ServiceFailing(name, fixes(domain, f, m.map(Match::service), failing));
        }
        if (v.dkimAligned() * 2 >= v.messages() && f.spfPassAny() * 10 < v.messages()) {
            return new Classification.Forwarded("SPF fails while DKIM passes aligned: relayed mail");
        }
        if (f.dkimPassAny() * 2 >= v.messages() || f.spfPassAny() * 2 >= v.messages()) {
            return new Classification.Unknown("authenticates for another domain ("
                    + firstNonEmpty(parseDkim(f.dkimAuth()), parseSpf(f.spfAuth())) + ") but not aligned with "
                    + domain + "; not a recognised service");
        }
        return new Classification.Unknown("fails SPF and DKIM for " + domain + " and is not a recognised service: "
                + "likely spoofing");
    }

    private static String firstNonEmpty(List<Auth> dkim, List<Auth> spf) {
        for (Auth a : dkim) {
            if (a.result().equals("pass")) {
                return "DKIM d=" + a.domain();
            }
        }
        for (Auth a : spf) {
            if (a.result().equals("pass")) {
                return "SPF " + a.domain();
            }
        }
        return "?";
    }

    /** The fixes for a recognised sender failing DMARC, most effective first. */
    static List<Fix> fixes(String domain, Queries.SourceFacts f, Optional<Service> service, long failing) {
        List<Fix> out = new ArrayList<>();
        String name = service.map(Service::name).orElse("your mail server");
        List<Auth> spf = parseSpf(f.spfAuth());
        List<Auth> dkim = parseDkim(f.dkimAuth());
        Volume v = f.volume();
        if (v.spfAligned() * 2 < v.messages()) {
            Optional<Auth> alignedSpf = spf.stream().filter(a -> Align.relaxed(a.domain(), domain)).findFirst();
            if (alignedSpf.isPresent() && !alignedSpf.get().result().equals("pass")) {
                String include = service.map(Service::spf).orElse("");
                out.add(new Fix(include.isEmpty()
                        ? "authorise " + f.ip() + " in the SPF record of " + alignedSpf.get().domain()
                        : "add include:" + include + " to the SPF record of " + alignedSpf.get().domain(),
                        "SPF " + alignedSpf.get().result() + " for MAIL FROM " + alignedSpf.get().domain()
                                + " from " + name, failing));
            } else if (!spf.isEmpty() && !Align.relaxed(spf.get(0).domain(), domain)) {
                out.add(new Fix("align the MAIL FROM (Return-Path) domain with " + domain + ": set a custom "
                        + "return-path (bounce) domain under " + domain + " in " + name,
                        "MAIL FROM is " + spf.get(0).domain() + ", not aligned with " + domain, failing));
            }
        }
        if (v.dkimAligned() * 2 < v.messages()) {
            Optional<Auth> alignedDkim = dkim.stream().filter(a -> Align.relaxed(a.domain(), domain)).findFirst();
            if (alignedDkim.isPresent() && !alignedDkim.get().result().equals("pass")) {
                Auth a = alignedDkim.get();
                String sel = a.selector().isEmpty() ? service.flatMap(s -> s.selectors().stream().findFirst())
                        .orElse("SELECTOR") : a.selector();
                out.add(new Fix("publish DKIM for selector " + sel + " at " + sel + "._domainkey." + a.domain()
                        + " (the public key " + name + " signs with)", "DKIM d=" + a.domain() + " s=" + sel + " "
                        + (a.result().isEmpty() ? "no result" : a.result()), failing));
            } else if (!dkim.isEmpty()) {
                Auth a = dkim.get(0);
                String sel = service.flatMap(s -> s.selectors().stream().findFirst()).orElse(
                        a.selector().isEmpty() ? "SELECTOR" : a.selector());
                out.add(new Fix("sign with d=" + domain + " in " + name + " (custom DKIM domain) and publish DKIM "
                        + "for selector " + sel + " at " + sel + "._domainkey." + domain,
                        "DKIM signs with d=" + a.domain() + ", not aligned with " + domain, failing));
            } else {
                String sel = service.flatMap(s -> s.selectors().stream().findFirst()).orElse("SELECTOR");
                out.add(new Fix("turn on DKIM signing for " + domain + " in " + name + " and publish DKIM for "
                        + "selector " + sel + " at " + sel + "._domainkey." + domain, "no DKIM signature reported",
                        failing));
            }
        }
        return List.copyOf(out);
    }
}
