package dev.aligned.server.web;

import dev.aligned.server.web.Queries.Period;
import dev.aligned.store.IngestResult;
import dev.aligned.store.ReportOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API under {@code /api/v1}: the same records the pages render. Authenticated by the session cookie (POSTs
 * then need {@code X-CSRF-Token}) or {@code Authorization: Bearer <token>}; documented by {@link OpenApi}.
 */
final class Api {
    /** The query parameters each GET route reads (for the OpenAPI document). */
    static final Map<String, List<String>> QUERY = Map.ofEntries(
            Map.entry("/api/v1/overview", List.of("days", "domain")),
            Map.entry("/api/v1/domains/{domain}", List.of("days")),
            Map.entry("/api/v1/domains/{domain}/sources", List.of("days")),
            Map.entry("/api/v1/domains/{domain}/sources/{ip}", List.of("days")),
            Map.entry("/api/v1/domains/{domain}/readiness", List.of("days")),
            Map.entry("/api/v1/domains/{domain}/disagreements", List.of("days")),
            Map.entry("/api/v1/reports", List.of("days", "domain", "org")),
            Map.entry("/api/v1/reporters", List.of("days", "domain")),
            Map.entry("/api/v1/failures", List.of("days", "domain")),
            Map.entry("/api/v1/ingest", List.of("errors")),
            Map.entry("/api/v1/upload", List.of("name")));

    private final WebServer web;
    private final Pages pages;

    Api(WebServer web) {
        this.web = web;
        this.pages = new Pages(web);
    }

    void register() {
        WebServer.Access user = WebServer.Access.USER;
        WebServer.Access admin = WebServer.Access.ADMIN;
        web.route("GET", "/api/v1/openapi.json", WebServer.Access.PUBLIC, "This document.",
                r -> Resp.json(200, OpenApi.document(web.routes)));
        web.route("GET", "/api/v1/me", user, "The caller: user name, role, domains.", this::me);
        web.route("GET", "/api/v1/overview", user, "Every visible domain over the period, with daily totals.", this::overview);
        web.route("GET", "/api/v1/domains", user, "Names of the visible domains that have reports.",
                r -> Resp.json(200, Map.of("domains", web.queries.domainNames(r.scope()))));
        web.route("GET", "/api/v1/domains/{domain}", user, "One domain: summary, days, readiness.", this::domain);
        web.route("GET", "/api/v1/domains/{domain}/sources", user, "Sending sources of a domain with classification.",
                this::sources);
        web.route("GET", "/api/v1/domains/{domain}/sources/{ip}", user, "One source: reporters, records, auth results.",
                this::source);
        web.route("GET", "/api/v1/domains/{domain}/readiness", user, "Policy readiness: the period replayed under the next step.",
                this::readiness);
        web.route("GET", "/api/v1/domains/{domain}/disagreements", user, "Records where the receiver's "
                + "policy_evaluated disagrees with alignment recomputed from auth_results.", this::disagreements);
        web.route("GET", "/api/v1/domains/{domain}/checks", user, "History of live DNS checks of the domain.",
                this::checks);
        web.route("POST", "/api/v1/domains/{domain}/checks", user, "Run a live DNS check (DomainChecker) now.",
                this::runCheck);
        web.route("GET", "/api/v1/reports", user, "Aggregate reports (filter by domain, reporter, period).", this::reports);
        web.route("GET", "/api/v1/reporters", user, "Reporters with report and message counts.", this::reporters);
        web.route("GET", "/api/v1/reports/{id}", user, "One aggregate report with its records.", this::report);
        web.route("GET", "/api/v1/blobs/{sha}", user, "The original archived bytes of an input.", this::blob);
        web.route("GET", "/api/v1/failures", user, "Failure reports.", this::failures);
        web.route("GET", "/api/v1/failures/{id}", user, "One failure report with fields and headers.", this::failure);
        web.route("GET", "/api/v1/ingest", admin, "Ingestion log: attempts, outcomes, errors.", r ->
                Resp.json(200, Map.of("attempts", web.queries.ingestLog(r.q("errors").isPresent()))));
        web.route("POST", "/api/v1/upload", admin, true, "Upload one report file as the request body "
                + "(xml, gz, zip, e-mail) or as multipart field 'file'.", this::upload);
        web.route("GET", "/api/v1/tokens", user, "The caller's API tokens (never the secrets).",
                r -> Resp.json(200, Map.of("tokens", web.accounts.tokens(r.user))));
        web.route("GET", "/api/v1/users", admin, "Every user with role and domains.",
                r -> Resp.json(200, Map.of("users", web.accounts.users())));
    }

    private Resp notFound() {
        return Resp.error(404, "no such domain or item, or you have no access to it");
    }

    private static Map<String, Object> period(Period p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("days", p.days());
        m.put("from", p.from().toString());
        m.put("to", p.to().toString());
        return m;
    }

    private Resp me(Req r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", r.user.username());
        m.put("admin", r.user.admin());
        m.put("domains", r.user.admin() ? List.of("*") : List.copyOf(r.user.domains()));
        m.put("via", r.via.name().toLowerCase(java.util.Locale.ROOT));
        return Resp.json(200, m);
    }

    private Resp overview(Req r) {
        Period p = pages.period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> Pages.domainParam(r, d));
        List<Queries.DomainSummary> domains = web.insights.domains(r.scope(), p);
        if (domain.isPresent()) {
            domains = domains.stream().filter(d -> d.domain().equals(domain.get())).toList();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", period(p));
        m.put("domains", domains);
        m.put("days", web.insights.days(domains.stream().map(Queries.DomainSummary::domain).toList(), p));
        return Resp.json(200, m);
    }

    private Resp domain(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound();
        }
        Period p = pages.period(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domain", d.get());
        m.put("period", period(p));
        m.put("days", web.insights.days(List.of(d.get()), p));
        m.put("readiness", web.insights.readiness(d.get(), p));
        return Resp.json(200, m);
    }

    private Resp sources(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound();
        }
        Period p = pages.period(r);
        return Resp.json(200, Map.of("domain", d.get(), "period", period(p), "sources", web.insights.sources(d.get(), p)));
    }

    private Resp source(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        if (d.isEmpty() || !r.param(1).matches("[0-9a-fA-F:.]{2,45}")) {
            return notFound();
        }
        Period p = pages.period(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period", period(p));
        m.put("summary", web.insights.source(d.get(), r.param(1), p).orElse(null));
        m.put("detail", web.queries.source(d.get(), r.param(1), p));
        return Resp.json(200, m);
    }

    private Resp readiness(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        return d.isEmpty() ? notFound() : Resp.json(200, web.insights.readiness(d.get(), pages.period(r)));
    }

    private Resp disagreements(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        Period p = pages.period(r);
        return d.isEmpty() ? notFound() : Resp.json(200, Map.of("domain", d.get(), "period", period(p),
                "disagreements", web.insights.disagreements(d.get(), p)));
    }

    private Resp checks(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound();
        }
        return Resp.json(200, Map.of("domain", d.get(), "selectorsSeen", web.insights.selectors(d.get()),
                "checks", web.queries.checks(d.get())));
    }

    private Resp runCheck(Req r) {
        Optional<String> d = Pages.domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound();
        }
        if (web.resolver == null) {
            return Resp.error(503, "no DNS resolver is configured for checks");
        }
        return Resp.json(200, Checks.run(web, d.get()));
    }

    private Resp reports(Req r) {
        Period p = pages.period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> Pages.domainParam(r, d));
        if (r.q("domain").isPresent() && domain.isEmpty()) {
            return notFound();
        }
        return Resp.json(200, Map.of("period", period(p), "reports", web.queries.reports(r.scope(), domain, r.q("org"), p)));
    }

    private Resp reporters(Req r) {
        Period p = pages.period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> Pages.domainParam(r, d));
        if (r.q("domain").isPresent() && domain.isEmpty()) {
            return notFound();
        }
        return Resp.json(200, Map.of("period", period(p), "reporters", web.queries.reporters(r.scope(), domain, p)));
    }

    private Resp report(Req r) {
        return Pages.parseId(r.param(0)).flatMap(web.queries::report).filter(x -> r.scope().allows(x.report().domain()))
                .map(x -> Resp.json(200, x)).orElseGet(this::notFound);
    }

    private Resp blob(Req r) {
        String sha = r.param(0);
        if (!sha.matches("[0-9a-f]{64}")) {
            return notFound();
        }
        if (!pages.blobVisible(r, sha)) {
            return notFound();
        }
        return web.store.originalBytes(sha).map(b -> new Resp(200, "application/octet-stream", b, new LinkedHashMap<>())
                .header("Content-Disposition", "attachment; filename=\"" + sha + "\"")).orElseGet(this::notFound);
    }

    private Resp failures(Req r) {
        Period p = pages.period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> Pages.domainParam(r, d));
        if (r.q("domain").isPresent() && domain.isEmpty()) {
            return notFound();
        }
        return Resp.json(200, Map.of("period", period(p), "failures", web.queries.failures(r.scope(), domain, p)));
    }

    private Resp failure(Req r) {
        return Pages.parseId(r.param(0)).flatMap(web.queries::failure).filter(x -> r.scope().allows(x.summary().domain()))
                .map(x -> Resp.json(200, x)).orElseGet(this::notFound);
    }

    private Resp upload(Req r) {
        byte[] bytes = r.body;
        String name = r.q("name").orElse("");
        if (r.multipart != null) {
            if (r.multipart.files().isEmpty()) {
                web.metrics.uploadRejected.increment();
                return Resp.error(400, "no file part in the multipart form; send the report as field 'file'");
            }
            bytes = r.multipart.files().get(0).bytes();
            name = r.multipart.files().get(0).filename();
        } else {
            var boundary = Multipart.boundary(r.header("Content-Type"));
            if (boundary.isPresent()) {
                var form = Multipart.parse(bytes, boundary.get());
                if (form.isEmpty() || form.get().files().isEmpty()) {
                    web.metrics.uploadRejected.increment();
                    return Resp.error(400, "unreadable multipart form; send the report as field 'file' or as the body");
                }
                bytes = form.get().files().get(0).bytes();
                name = form.get().files().get(0).filename();
            }
        }
        if (bytes.length > web.maxUploadBytes) {
            web.metrics.uploadRejected.increment();
            return Resp.error(413, "the file is " + bytes.length + " bytes, more than the limit of " + web.maxUploadBytes);
        }
        if (bytes.length == 0) {
            web.metrics.uploadRejected.increment();
            return Resp.error(400, "empty upload; send the report (xml, gz, zip or e-mail) as the request body");
        }
        IngestResult res = Uploads.ingest(web, r, name, bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("new", res.newReports());
        m.put("duplicate", res.duplicates());
        m.put("failed", res.failures().size());
        m.put("records", res.records());
        List<Map<String, String>> failures = new ArrayList<>();
        for (ReportOutcome.Failed f : res.failures()) {
            failures.add(Map.of("source", f.source(), "error", f.error()));
        }
        m.put("failures", failures);
        return Resp.json(res.newReports() + res.duplicates() > 0 ? 200 : 422, m);
    }
}
