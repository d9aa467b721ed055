package dev.aligned.server.web;

import dev.aligned.server.web.Queries.Period;
import dev.aligned.store.IngestResult;
import dev.aligned.store.ReportOutcome;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The HTML pages. Every value from the store goes through {@link Html} and so is escaped. */
final class Pages {
    static final Pattern DOMAIN = Pattern.compile("[a-z0-9_][a-z0-9_.-]{0,252}");
    private final WebServer web;

    Pages(WebServer web) {
        this.web = web;
    }

    void register() {
        WebServer.Access user = WebServer.Access.USER;
        WebServer.Access admin = WebServer.Access.ADMIN;
        web.route("GET", "/login", WebServer.Access.PUBLIC, "Login page.", this::loginPage);
        web.route("POST", "/login", WebServer.Access.PUBLIC, "Log in (form: username, password, pre).", this::login);
        web.route("POST", "/logout", user, "Log out.", this::logout);
        web.route("GET", "/", user, "Overview of every domain.", this::overview);
        web.route("GET", "/domains/{domain}", user, "One domain: trends, sources, readiness.", this::domain);
        web.route("GET", "/domains/{domain}/sources/{ip}", user, "One sending source of a domain.", this::source);
        web.route("GET", "/domains/{domain}/records", user, "Domain records: last check and history.", this::records);
        web.route("POST", "/domains/{domain}/records/check", user, "Run a live domain check.", this::runCheck);
        web.route("GET", "/reports", user, "Aggregate reports, by reporter.", this::reports);
        web.route("GET", "/reports/{id}", user, "One aggregate report.", this::report);
        web.route("GET", "/reports/{id}/raw", user, "The original bytes of a report, as text.", this::raw);
        web.route("GET", "/blobs/{sha}/download", user, "Download the original archived bytes.", this::download);
        web.route("GET", "/failures", user, "Failure reports.", this::failures);
        web.route("GET", "/failures/{id}", user, "One failure report with its headers.", this::failure);
        web.route("GET", "/ingest", admin, "Ingestion log with errors.", this::ingest);
        web.route("GET", "/upload", admin, "Upload form.", this::uploadPage);
        web.route("POST", "/upload", admin, true, "Upload a report file (multipart).", this::upload);
        web.route("GET", "/settings", user, "Users and API tokens.", this::settings);
        web.route("POST", "/settings/tokens", user, "Create an API token.", this::createToken);
        web.route("POST", "/settings/tokens/{id}/revoke", user, "Revoke an API token.", this::revokeToken);
        web.route("POST", "/settings/users", admin, "Create a user.", this::createUser);
        web.route("POST", "/settings/users/{id}/delete", admin, "Delete a user.", this::deleteUser);
        web.route("POST", "/settings/password", user, "Change your password.", this::changePassword);
    }

    // ------------------------------------------------------------------ helpers

    Period period(Req r) {
        int days = 30;
        try {
            days = Integer.parseInt(r.q("days").orElse("30"));
        } catch (NumberFormatException e) {
            // not a number: the default period
        }
        days = Math.max(0, Math.min(days, 3660));
        return Period.lastDays(days, LocalDate.now(web.clock));
    }

    /** The domain path parameter when well-formed and visible to the viewer. */
    static Optional<String> domainParam(Req r, String raw) {
        String d = raw.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return DOMAIN.matcher(d).matches() && r.scope().allows(d) ? Optional.of(d) : Optional.empty();
    }

    private Resp page(int status, String title, Req r, Html main) {
        return Resp.html(status, Layout.page(title, r, main));
    }

    private Resp notFound(Req r) {
        return web.problem(false, 404, "no such page, or you have no access to it");
    }

    private static String q(Period p) {
        return "?days=" + p.days();
    }

    // ------------------------------------------------------------------ login

    private Resp loginPage(Req r) {
        return loginForm(r, 200, null);
    }

    private Resp loginForm(Req r, int status, String error) {
        String pre = r.cookie(WebServer.PRE_COOKIE).filter(v -> v.matches("[A-Za-z0-9_-]{20,64}"))
                .orElseGet(() -> Passwords.randomToken(web.random(), 24));
        String next = r.q("next").orElse(r.field("next"));
        Html h = new Html();
        h.open("section", "class", "login");
        h.el("h1", "Log in to Aligned");
        if (error != null) {
            h.el("p", error, "class", "error", "id", "login-error");
        }
        h.open("form", "method", "post", "action", "/login", "id", "login-form");
        h.empty("input", "type", "hidden", "name", "pre", "value", pre);
        h.empty("input", "type", "hidden", "name", "next", "value", next);
        h.open("label").text("User name").empty("input", "type", "text", "name", "username", "id", "username",
                "autocomplete", "username", "required", "required").close();
        h.open("label").text("Password").empty("input", "type", "password", "name", "password", "id", "password",
                "autocomplete", "current-password", "required", "required").close();
        h.el("button", "Log in", "type", "submit", "id", "login-button");
        h.close();
        h.close();
        return page(status, "Log in", r, h).header("Set-Cookie", web.cookie(WebServer.PRE_COOKIE, pre, 3600));
    }

    private Resp login(Req r) {
        if (!web.loginLimiter.tryAcquire(r.clientIp)) {
            web.metrics.rateLimited.increment();
            long after = web.loginLimiter.retryAfterSeconds(r.clientIp);
            return loginForm(r, 429, "Too many login attempts from your address; wait " + after + " s.")
                    .header("Retry-After", Long.toString(after));
        }
        String pre = r.cookie(WebServer.PRE_COOKIE).orElse("");
        if (pre.isEmpty() || !java.security.MessageDigest.isEqual(pre.getBytes(StandardCharsets.UTF_8),
                r.field("pre").getBytes(StandardCharsets.UTF_8))) {
            return loginForm(r, 403, "The login form expired; log in again.");
        }
        var user = web.accounts.authenticate(r.field("username"), r.field("password"));
        if (user.isEmpty()) {
            web.metrics.loginFailures.increment();
            return loginForm(r, 401, "Wrong user name or password.");
        }
        String session = web.accounts.startSession(user.get());
        String next = r.field("next");
        String target = Html.sameOrigin(next) && next.startsWith("/") && !next.startsWith("/login") ? next : "/";
        return Resp.redirect(target)
                .header("Set-Cookie", web.cookie(WebServer.SESSION_COOKIE, session, -1) + "\n"
                        + web.cookie(WebServer.PRE_COOKIE, "", 0));
    }

    private Resp logout(Req r) {
        if (r.session != null) {
            web.accounts.endSession(r.session);
        }
        return Resp.redirect("/login").header("Set-Cookie", web.cookie(WebServer.SESSION_COOKIE, "", 0));
    }

    // ------------------------------------------------------------------ overview and domain

    private Resp overview(Req r) {
        Period p = period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> domainParam(r, d));
        List<String> names = web.queries.domainNames(r.scope());
        List<Queries.DomainSummary> domains = web.insights.domains(r.scope(), p);
        if (domain.isPresent()) {
            domains = domains.stream().filter(d -> d.domain().equals(domain.get())).toList();
        }
        List<Queries.DayPoint> days = web.insights.days(domains.stream().map(Queries.DomainSummary::domain).toList(), p);
        Html h = new Html();
        h.el("h1", "Overview");
        Layout.filters(h, "/", names, domain, p.days(), true);
        long messages = domains.stream().mapToLong(Queries.DomainSummary::messages).sum();
        long pass = domains.stream().mapToLong(Queries.DomainSummary::dmarcPass).sum();
        h.open("div", "class", "cards");
        card(h, "Messages", Layout.num(messages), "total-messages");
        card(h, "DMARC pass", Layout.pct(Queries.rate(pass, messages)), "total-pass");
        card(h, "Domains", Integer.toString(domains.size()), "total-domains");
        h.close();
        if (domains.isEmpty()) {
            h.el("p", "No reports in this period. Choose a longer period, or send reports to this server "
                    + "(rua= address, upload, or 'aligned import').", "class", "empty");
        } else {
            h.el("h2", "Messages per day");
            h.append(Charts.volume(days, "chart-volume"));
            h.el("h2", "Pass rates");
            h.append(Charts.rates(days, "chart-rates"));
        }
        h.el("h2", "Domains");
        h.open("table", "id", "domains", "class", "data");
        Layout.head(h, "Domain", "Messages", "DMARC pass", "SPF aligned", "DKIM aligned", "Quarantined", "Rejected",
                "Policy", "Last report");
        h.open("tbody");
        for (Queries.DomainSummary d : domains) {
            h.open("tr");
            Layout.tdLink(h, "/domains/" + Layout.seg(d.domain()) + q(p), d.domain());
            Layout.tdNum(h, d.messages());
            h.el("td", Layout.pct(d.passRate()), "class", "num");
            h.el("td", Layout.pct(Queries.rate(d.spfAligned(), d.messages())), "class", "num");
            h.el("td", Layout.pct(Queries.rate(d.dkimAligned(), d.messages())), "class", "num");
            Layout.tdNum(h, d.quarantined());
            Layout.tdNum(h, d.rejected());
            Layout.td(h, d.policy().isEmpty() ? "?" : "p=" + d.policy());
            Layout.td(h, d.lastReportDay());
            h.close();
        }
        h.close().close();
        return page(200, "Overview", r, h);
    }

    private static void card(Html h, String label, String value, String id) {
        h.open("div", "class", "card").el("div", label, "class", "label").el("div", value, "class", "value", "id", id).close();
    }

    private Resp domain(Req r) {
        Optional<String> d = domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound(r);
        }
        String domain = d.get();
        Period p = period(r);
        List<Queries.DayPoint> days = web.insights.days(List.of(domain), p);
        List<Queries.Source> sources = web.insights.sources(domain, p);
        Queries.Readiness ready = web.insights.readiness(domain, p);
        List<Queries.Disagreement> disagreements = web.insights.disagreements(domain, p);
        Html h = new Html();
        h.el("h1", domain, "id", "domain-name");
        h.open("p", "class", "links");
        h.el("a", "Reports", "href", "/reports?domain=" + Layout.seg(domain) + "&days=" + p.days());
        h.text(" \u00b7 ");
        h.el("a", "Failure reports", "href", "/failures?domain=" + Layout.seg(domain) + "&days=" + p.days());
        h.text(" \u00b7 ");
        h.el("a", "DNS records", "href", "/domains/" + Layout.seg(domain) + "/records");
        h.close();
        Layout.filters(h, "/domains/" + Layout.seg(domain), List.of(), Optional.empty(), p.days(), false);
        h.open("div", "class", "cards");
        card(h, "Messages", Layout.num(ready.messages()), "domain-messages");
        card(h, "DMARC pass", Layout.pct(ready.passRate()), "domain-pass");
        card(h, "Policy", ready.currentPolicy(), "domain-policy");
        card(h, "Sources", Integer.toString(sources.size()), "domain-sources");
        h.close();
        h.open("section", "class", "readiness " + (ready.ready() ? "ok" : "warn"), "id", "readiness");
        h.el("h2", (ready.ready() ? "Ready for " : "Not ready for ") + ready.nextPolicy());
        h.el("p", ready.verdict(), "id", "readiness-why");
        h.el("p", Layout.num(ready.legitimateAffected()) + " messages from your services and forwarders would be hit; "
                + Layout.num(ready.unknownAffected()) + " failing messages from unknown sources would be stopped.");
        if (!ready.fixFirst().isEmpty()) {
            h.el("p", "Fix first:");
            h.open("ul", "id", "fix-first");
            for (Queries.Fix f : ready.fixFirst()) {
                h.open("li").el("strong", f.action()).text(" \u2014 " + f.why() + " (" + Layout.num(f.messages())
                        + " messages)").close();
            }
            h.close();
        }
        h.close();
        if (!days.isEmpty()) {
            h.el("h2", "Messages per day");
            h.append(Charts.volume(days, "chart-volume"));
            h.el("h2", "Pass rates");
            h.append(Charts.rates(days, "chart-rates"));
        }
        h.el("h2", "Sending sources");
        h.empty("input", "type", "search", "class", "table-filter", "data-table", "sources", "placeholder",
                "filter sources", "aria-label", "filter sources");
        h.open("table", "id", "sources", "class", "data");
        Layout.head(h, "Source IP", "Reverse DNS", "Service", "Messages", "DMARC pass", "SPF aligned", "DKIM aligned",
                "Class", "What it is / what to do");
        h.open("tbody");
        for (Queries.Source s : sources) {
            h.open("tr", "class", Layout.cls(s.classification()));
            Layout.tdLink(h, "/domains/" + Layout.seg(domain) + "/sources/" + Layout.seg(s.ip()) + q(p), s.ip());
            Layout.td(h, s.reverseDns() + (s.forwardConfirmed() ? "" : s.reverseDns().isEmpty() ? "" : " (unconfirmed)"));
            Layout.td(h, s.service());
            Layout.tdNum(h, s.messages());
            h.el("td", Layout.pct(s.passRate()), "class", "num");
            h.el("td", Layout.pct(Queries.rate(s.spfAligned(), s.messages())), "class", "num");
            h.el("td", Layout.pct(Queries.rate(s.dkimAligned(), s.messages())), "class", "num");
            h.el("td", s.classification(), "class", "tag");
            Layout.td(h, s.advice());
            h.close();
        }
        h.close().close();
        if (!disagreements.isEmpty()) {
            h.el("h2", "Where receivers disagree with the recomputed alignment");
            h.open("table", "id", "disagreements", "class", "data");
            Layout.head(h, "Day", "Source IP", "Header From", "Field", "Reported", "Recomputed", "Messages");
            h.open("tbody");
            for (Queries.Disagreement x : disagreements) {
                h.open("tr");
                Layout.td(h, x.day());
                Layout.td(h, x.sourceIp());
                Layout.td(h, x.headerFrom());
                Layout.td(h, x.field());
                Layout.td(h, x.reported());
                Layout.td(h, x.recomputed());
                Layout.tdNum(h, x.messages());
                h.close();
            }
            h.close().close();
        }
        return page(200, domain, r, h);
    }

    private Resp source(Req r) {
        Optional<String> d = domainParam(r, r.param(0));
        String ip = r.param(1);
        if (d.isEmpty() || !ip.matches("[0-9a-fA-F:.]{2,45}")) {
            return notFound(r);
        }
        Period p = period(r);
        Queries.SourceDetail s = web.queries.source(d.get(), ip, p);
        Html h = new Html();
        h.open("p", "class", "crumbs").el("a", d.get(), "href", "/domains/" + Layout.seg(d.get()) + q(p)).close();
        h.el("h1", "Source " + ip, "id", "source-ip");
        Layout.filters(h, "/domains/" + Layout.seg(d.get()) + "/sources/" + Layout.seg(ip), List.of(), Optional.empty(),
                p.days(), false);
        web.insights.source(d.get(), ip, p).ifPresent(sum -> {
            Layout.facts(h, "Reverse DNS", sum.reverseDns().isEmpty() ? "(none known)" : sum.reverseDns()
                    + (sum.forwardConfirmed() ? " (forward-confirmed)" : " (not confirmed)"), "Service",
                    sum.service().isEmpty() ? "(not recognised)" : sum.service(), "Messages", Layout.num(sum.messages()),
                    "DMARC pass", Layout.pct(sum.passRate()), "SPF aligned", Layout.pct(Queries.rate(sum.spfAligned(),
                            sum.messages())), "DKIM aligned", Layout.pct(Queries.rate(sum.dkimAligned(), sum.messages())),
                    "Class", sum.classification(), "What it is", sum.advice());
            if (!sum.fixes().isEmpty()) {
                h.el("h2", "How to fix");
                h.open("ul", "id", "fixes");
                for (Queries.Fix f : sum.fixes()) {
                    h.open("li").el("strong", f.action()).text(" \u2014 " + f.why()).close();
                }
                h.close();
            }
        });
        h.el("h2", "Reporters");
        h.open("table", "class", "data", "id", "reporters");
        Layout.head(h, "Reporter", "Reports", "Messages");
        h.open("tbody");
        for (Queries.Reporter rep : s.reporters()) {
            h.open("tr");
            Layout.tdLink(h, "/reports?org=" + Layout.seg(rep.orgName()) + "&domain=" + Layout.seg(d.get()) + "&days="
                    + p.days(), rep.orgName());
            Layout.tdNum(h, rep.reports());
            Layout.tdNum(h, rep.messages());
            h.close();
        }
        h.close().close();
        h.el("h2", "Records");
        recordsTable(h, s.records(), true);
        return page(200, "Source " + ip, r, h);
    }

    private static void recordsTable(Html h, List<Queries.RecordRow> records, boolean withReport) {
        h.open("table", "class", "data", "id", "records");
        Layout.head(h, "Day", "Report", "Source IP", "Messages", "Disposition", "DKIM", "SPF", "Header From",
                "Envelope From", "Auth results", "Reasons");
        h.open("tbody");
        for (Queries.RecordRow rec : records) {
            h.open("tr");
            Layout.td(h, rec.day());
            if (withReport) {
                Layout.tdLink(h, "/reports/" + rec.report(), rec.orgName() + " " + rec.reportId());
            } else {
                Layout.td(h, "#" + rec.seq());
            }
            Layout.td(h, rec.sourceIp());
            Layout.tdNum(h, rec.messages());
            Layout.td(h, rec.disposition());
            h.el("td", rec.dkim(), "class", rec.dkim().equals("pass") ? "ok" : "bad");
            h.el("td", rec.spf(), "class", rec.spf().equals("pass") ? "ok" : "bad");
            Layout.td(h, rec.headerFrom());
            Layout.td(h, rec.envelopeFrom());
            h.open("td").open("ul", "class", "auth");
            for (Queries.Auth a : rec.auth()) {
                h.open("li").text(a.method() + " " + a.domain() + (a.selector().isEmpty() ? "" : " (" + a.selector() + ")")
                        + ": " + a.result());
                if (!a.humanResult().isEmpty()) {
                    h.el("span", " \u2014 " + a.humanResult(), "class", "human");
                }
                h.close();
            }
            h.close().close();
            Layout.td(h, rec.reasons());
            h.close();
        }
        h.close().close();
    }

    // ------------------------------------------------------------------ domain records

    private Resp records(Req r) {
        Optional<String> d = domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound(r);
        }
        List<Queries.CheckRow> history = web.queries.checks(d.get());
        List<String> selectors = web.insights.selectors(d.get());
        Html h = new Html();
        h.open("p", "class", "crumbs").el("a", d.get(), "href", "/domains/" + Layout.seg(d.get())).close();
        h.el("h1", "DNS records of " + d.get());
        h.el("p", "DKIM selectors seen in reports: " + (selectors.isEmpty() ? "none yet" : String.join(", ", selectors))
                + ". The check tries these and the common ones.");
        h.open("form", "method", "post", "action", "/domains/" + Layout.seg(d.get()) + "/records/check", "id", "check-form");
        Layout.csrf(h, r);
        h.el("button", web.resolver == null ? "Checks need DNS (not configured)" : "Check now", "type", "submit",
                "disabled", web.resolver == null ? "disabled" : null);
        h.close();
        if (!history.isEmpty()) {
            Queries.CheckRow last = history.get(0);
            h.el("h2", "Last check: grade " + last.grade() + " (" + last.checkedAt() + ")", "id", "check-grade");
            h.el("p", "Next step: " + last.nextStep());
            h.open("ul", "class", "findings", "id", "findings");
            for (String f : last.findings()) {
                h.el("li", f);
            }
            h.close();
        }
        h.el("h2", "History");
        h.open("table", "class", "data", "id", "check-history");
        Layout.head(h, "Checked at", "Grade", "Errors", "Warnings", "Next step");
        h.open("tbody");
        for (Queries.CheckRow c : history) {
            h.open("tr");
            Layout.td(h, c.checkedAt());
            Layout.td(h, c.grade());
            Layout.tdNum(h, c.errors());
            Layout.tdNum(h, c.warnings());
            Layout.td(h, c.nextStep());
            h.close();
        }
        h.close().close();
        return page(200, "DNS records of " + d.get(), r, h);
    }

    private Resp runCheck(Req r) {
        Optional<String> d = domainParam(r, r.param(0));
        if (d.isEmpty()) {
            return notFound(r);
        }
        if (web.resolver == null) {
            return web.problem(false, 503, "no DNS resolver is configured for checks");
        }
        Checks.run(web, d.get());
        return Resp.redirect("/domains/" + Layout.seg(d.get()) + "/records");
    }

    // ------------------------------------------------------------------ reports

    private Resp reports(Req r) {
        Period p = period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> domainParam(r, d));
        Optional<String> org = r.q("org").map(o -> o.length() > 200 ? o.substring(0, 200) : o);
        List<Queries.Reporter> reporters = web.queries.reporters(r.scope(), domain, p);
        List<Queries.ReportRow> reports = web.queries.reports(r.scope(), domain, org, p);
        Html h = new Html();
        h.el("h1", "Aggregate reports");
        Layout.filters(h, "/reports", web.queries.domainNames(r.scope()), domain, p.days(), true);
        org.ifPresent(o -> h.open("p").text("Reporter: " + o + " ").el("a", "(all reporters)", "href", "/reports"
                + q(p) + domain.map(x -> "&domain=" + Layout.seg(x)).orElse("")).close());
        h.el("h2", "Reporters");
        h.open("table", "class", "data", "id", "reporters");
        Layout.head(h, "Reporter", "Reports", "Messages");
        h.open("tbody");
        for (Queries.Reporter rep : reporters) {
            h.open("tr");
            Layout.tdLink(h, "/reports" + q(p) + "&org=" + Layout.seg(rep.orgName())
                    + domain.map(x -> "&domain=" + Layout.seg(x)).orElse(""), rep.orgName());
            Layout.tdNum(h, rep.reports());
            Layout.tdNum(h, rep.messages());
            h.close();
        }
        h.close().close();
        h.el("h2", "Reports");
        h.open("table", "class", "data", "id", "reports");
        Layout.head(h, "Day", "Domain", "Reporter", "Report ID", "Records", "Messages", "Policy", "");
        h.open("tbody");
        for (Queries.ReportRow rep : reports) {
            h.open("tr");
            Layout.td(h, rep.day());
            Layout.td(h, rep.domain());
            Layout.td(h, rep.orgName());
            Layout.tdLink(h, "/reports/" + rep.id(), rep.reportId());
            Layout.tdNum(h, rep.records());
            Layout.tdNum(h, rep.messages());
            Layout.td(h, rep.policy());
            Layout.td(h, rep.conflictOf() == null ? "" : "conflicts with #" + rep.conflictOf());
            h.close();
        }
        h.close().close();
        return page(200, "Reports", r, h);
    }

    private Resp report(Req r) {
        Optional<Queries.ReportDetail> rep = parseId(r.param(0)).flatMap(web.queries::report)
                .filter(x -> r.scope().allows(x.report().domain()));
        if (rep.isEmpty()) {
            return notFound(r);
        }
        Queries.ReportDetail x = rep.get();
        Queries.ReportRow row = x.report();
        Html h = new Html();
        h.el("h1", "Report " + row.reportId() + " from " + row.orgName(), "id", "report-title");
        h.open("p", "class", "links");
        h.el("a", "View the original", "href", "/reports/" + row.id() + "/raw");
        h.text(" \u00b7 ");
        h.el("a", "Download the original", "href", "/blobs/" + row.blobSha256() + "/download");
        h.close();
        StringBuilder pol = new StringBuilder();
        x.policyPublished().forEach((k, v) -> pol.append(k).append('=').append(v).append("; "));
        Layout.facts(h, "Domain", row.domain(), "Reporter", row.orgName(), "Contact", row.email(), "Period",
                row.dateBegin() + " \u2013 " + row.dateEnd(), "Policy published", pol.toString(), "Records",
                Integer.toString(row.records()), "Messages", Layout.num(row.messages()), "Generator", x.generator(),
                "Source", row.source(), "Stored", row.storedAt(), "Errors", x.errors(), "Warnings", x.warnings());
        h.el("h2", "Records" + (x.recordsTruncated() ? " (first " + Queries.MAX_ROWS + ")" : ""));
        recordsTable(h, x.records(), false);
        return page(200, "Report " + row.reportId(), r, h);
    }

    private Resp raw(Req r) {
        Optional<Queries.ReportDetail> rep = parseId(r.param(0)).flatMap(web.queries::report)
                .filter(x -> r.scope().allows(x.report().domain()));
        if (rep.isEmpty()) {
            return notFound(r);
        }
        Queries.ReportRow row = rep.get().report();
        if (!blobVisible(r, row.blobSha256())) {
            return notFound(r); // the same input (a zip, an mbox) also carries another user's domain
        }
        Optional<byte[]> bytes = web.store.originalBytes(row.blobSha256());
        Html h = new Html();
        h.open("p", "class", "crumbs").el("a", "Report " + row.reportId(), "href", "/reports/" + row.id()).close();
        h.el("h1", "Original input");
        if (bytes.isEmpty()) {
            h.el("p", "The original bytes were removed by retention.");
        } else if (binary(bytes.get())) {
            h.el("p", "The original is binary (" + bytes.get().length + " bytes, gzip or zip): download it.");
            h.open("p").el("a", "Download", "href", "/blobs/" + row.blobSha256() + "/download").close();
        } else {
            int max = 2 << 20;
            byte[] b = bytes.get();
            h.el("pre", new String(b, 0, Math.min(b.length, max), StandardCharsets.UTF_8), "class", "raw", "id", "raw");
            if (b.length > max) {
                h.el("p", "Shown: the first " + max + " of " + b.length + " bytes.");
            }
        }
        return page(200, "Original of report " + row.reportId(), r, h);
    }

    static boolean binary(byte[] b) {
        return b.length >= 2 && ((b[0] == 0x1f && (b[1] & 0xff) == 0x8b) || (b[0] == 'P' && b[1] == 'K'));
    }

    private Resp download(Req r) {
        String sha = r.param(0);
        if (!sha.matches("[0-9a-f]{64}")) {
            return notFound(r);
        }
        if (!blobVisible(r, sha)) {
            return notFound(r);
        }
        return web.store.originalBytes(sha).map(b -> new Resp(200, "application/octet-stream", b, new java.util.LinkedHashMap<>())
                .header("Content-Disposition", "attachment; filename=\"" + sha.substring(0, 16) + (binary(b)
                        ? (b[0] == 'P' ? ".zip" : ".gz") : ".txt") + "\"")).orElseGet(() -> notFound(r));
    }

    /** Admins see every input; others only inputs whose every report belongs to one of their domains. */
    boolean blobVisible(Req r, String sha) {
        if (r.isAdmin()) {
            return true;
        }
        List<String> domains = web.queries.blobDomains(sha);
        return !domains.isEmpty() && domains.stream().allMatch(r.scope()::allows);
    }

    static Optional<Long> parseId(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ failure reports

    private Resp failures(Req r) {
        Period p = period(r);
        Optional<String> domain = r.q("domain").flatMap(d -> domainParam(r, d));
        List<Queries.FailureRow> rows = web.queries.failures(r.scope(), domain, p);
        Html h = new Html();
        h.el("h1", "Failure reports");
        Layout.filters(h, "/failures", web.queries.domainNames(r.scope()), domain, p.days(), true);
        h.open("table", "class", "data", "id", "failures");
        Layout.head(h, "Day", "Domain", "Type", "Source IP", "Mail From", "Auth failure", "Delivery");
        h.open("tbody");
        for (Queries.FailureRow f : rows) {
            h.open("tr");
            Layout.tdLink(h, "/failures/" + f.id(), f.day());
            Layout.td(h, f.domain());
            Layout.td(h, f.feedbackType());
            Layout.td(h, f.sourceIp());
            Layout.td(h, f.originalMailFrom());
            Layout.td(h, f.authFailure());
            Layout.td(h, f.deliveryResult());
            h.close();
        }
        h.close().close();
        if (rows.isEmpty()) {
            h.el("p", "No failure reports in this period.", "class", "empty");
        }
        return page(200, "Failure reports", r, h);
    }

    private Resp failure(Req r) {
        Optional<Queries.FailureDetail> f = parseId(r.param(0)).flatMap(web.queries::failure)
                .filter(x -> r.scope().allows(x.summary().domain()));
        if (f.isEmpty()) {
            return notFound(r);
        }
        Queries.FailureDetail x = f.get();
        Html h = new Html();
        h.el("h1", "Failure report for " + x.summary().domain(), "id", "failure-title");
        h.open("p", "class", "links").el("a", "Download the original", "href", "/blobs/" + x.summary().blobSha256()
                + "/download").close();
        Layout.facts(h, "Feedback type", x.summary().feedbackType(), "Arrival date", x.summary().arrivalDate(),
                "Source IP", x.summary().sourceIp(), "Original Mail From", x.summary().originalMailFrom(),
                "Auth failure", x.summary().authFailure(), "Delivery result", x.summary().deliveryResult(), "Source",
                x.source());
        h.el("h2", "Report fields");
        h.open("dl", "class", "facts", "id", "failure-fields");
        x.fields().forEach((k, v) -> h.el("dt", k).el("dd", v));
        h.close();
        h.el("h2", "Headers of the reported message");
        h.el("pre", x.originalHeaders().isEmpty() ? "(not included in the report)" : x.originalHeaders(), "class", "raw",
                "id", "original-headers");
        if (!x.warnings().isEmpty()) {
            h.el("h2", "Warnings");
            h.el("pre", x.warnings(), "class", "raw");
        }
        return page(200, "Failure report", r, h);
    }

    // ------------------------------------------------------------------ ingestion log and upload

    private Resp ingest(Req r) {
        boolean errorsOnly = r.q("errors").isPresent();
        List<Queries.IngestRow> rows = web.queries.ingestLog(errorsOnly);
        Html h = new Html();
        h.el("h1", "Ingestion log");
        h.open("p").el("a", errorsOnly ? "Show everything" : "Show errors only", "href", errorsOnly ? "/ingest"
                : "/ingest?errors=1").close();
        h.open("table", "class", "data", "id", "ingest-log");
        Layout.head(h, "#", "Started", "Source", "Outcome", "New", "Duplicate", "Conflict", "Failed", "Errors", "");
        h.open("tbody");
        for (Queries.IngestRow row : rows) {
            h.open("tr", "class", row.reportsFailed() > 0 || row.outcome().equals("failed") ? "bad" : null);
            Layout.td(h, row.id());
            Layout.td(h, row.startedAt());
            Layout.td(h, row.source());
            Layout.td(h, row.outcome());
            Layout.tdNum(h, row.reportsNew());
            Layout.tdNum(h, row.reportsDuplicate());
            Layout.tdNum(h, row.reportsConflict());
            Layout.tdNum(h, row.reportsFailed());
            h.open("td").open("ul", "class", "errors");
            for (String e : row.errors()) {
                h.el("li", e);
            }
            h.close().close();
            Layout.tdLink(h, "/blobs/" + row.blobSha256() + "/download", "original");
            h.close();
        }
        h.close().close();
        return page(200, "Ingestion log", r, h);
    }

    private Resp uploadPage(Req r) {
        return uploadForm(r, 200, null);
    }

    private Resp uploadForm(Req r, int status, Html result) {
        Html h = new Html();
        h.el("h1", "Upload reports");
        h.el("p", "An aggregate report (xml, xml.gz, zip), a failure report or a whole e-mail, up to "
                + Layout.num(web.maxUploadBytes) + " bytes. It goes through the same ingestion as mailboxes: "
                + "archived first, stored once.");
        if (result != null) {
            h.append(result);
        }
        h.open("form", "method", "post", "action", "/upload", "enctype", "multipart/form-data", "id", "upload-form");
        Layout.csrf(h, r);
        h.open("label").text("Report file ").empty("input", "type", "file", "name", "file", "id", "upload-file",
                "required", "required").close();
        h.el("button", "Upload", "type", "submit", "id", "upload-button");
        h.close();
        return page(status, "Upload", r, h);
    }

    private Resp upload(Req r) {
        Multipart.Form form = r.multipart;
        if (form == null || form.files().isEmpty()) {
            web.metrics.uploadRejected.increment();
            Html e = new Html().el("p", "No file in the form; choose a report file.", "class", "error", "id", "upload-result");
            return uploadForm(r, 400, e);
        }
        Multipart.FilePart file = form.files().get(0);
        if (file.bytes().length > web.maxUploadBytes) {
            web.metrics.uploadRejected.increment();
            Html e = new Html().el("p", "The file is " + file.bytes().length + " bytes, more than the limit of "
                    + web.maxUploadBytes + ".", "class", "error", "id", "upload-result");
            return uploadForm(r, 413, e);
        }
        if (file.bytes().length == 0) {
            web.metrics.uploadRejected.increment();
            return uploadForm(r, 400, new Html().el("p", "The file is empty.", "class", "error", "id", "upload-result"));
        }
        IngestResult res = Uploads.ingest(web, r, file.filename(), file.bytes());
        Html h = new Html();
        h.open("div", "class", res.failures().isEmpty() ? "result ok" : "result warn", "id", "upload-result");
        h.el("p", file.filename() + ": " + res.newReports() + " new, " + res.duplicates() + " duplicate, "
                + res.failures().size() + " failed, " + res.records() + " records.");
        if (!res.failures().isEmpty()) {
            h.open("ul");
            for (ReportOutcome.Failed f : res.failures()) {
                h.el("li", f.error());
            }
            h.close();
        }
        h.close();
        return uploadForm(r, res.newReports() + res.duplicates() > 0 ? 200 : 422, h);
    }

    // ------------------------------------------------------------------ settings

    private Resp settings(Req r) {
        return settingsPage(r, 200, null, null);
    }

    private Resp settingsPage(Req r, int status, String message, String newToken) {
        Html h = new Html();
        h.el("h1", "Settings");
        if (message != null) {
            h.el("p", message, "class", status < 400 ? "result ok" : "error", "id", "settings-message");
        }
        if (newToken != null) {
            h.open("p", "class", "result ok").text("Your new API token (shown once): ")
                    .el("code", newToken, "id", "new-token").close();
        }
        h.el("h2", "API tokens");
        h.el("p", "Send as Authorization: Bearer TOKEN to /api/v1 (see /api/v1/openapi.json).");
        h.open("table", "class", "data", "id", "tokens");
        Layout.head(h, "Name", "Starts with", "Created", "Last used", "");
        h.open("tbody");
        for (Accounts.TokenInfo t : web.accounts.tokens(r.user)) {
            h.open("tr");
            Layout.td(h, t.name());
            Layout.td(h, t.prefix() + "\u2026");
            Layout.td(h, java.time.Instant.ofEpochMilli(t.createdAt()).toString());
            Layout.td(h, t.lastUsedAt() == null ? "never" : java.time.Instant.ofEpochMilli(t.lastUsedAt()).toString());
            h.open("td");
            if (t.revokedAt() != null) {
                h.text("revoked");
            } else {
                h.open("form", "method", "post", "action", "/settings/tokens/" + t.id() + "/revoke", "class", "confirm");
                Layout.csrf(h, r);
                h.el("button", "Revoke", "type", "submit");
                h.close();
            }
            h.close();
            h.close();
        }
        h.close().close();
        h.open("form", "method", "post", "action", "/settings/tokens", "id", "token-form");
        Layout.csrf(h, r);
        h.open("label").text("Token name ").empty("input", "type", "text", "name", "name", "required", "required",
                "maxlength", "100").close();
        h.el("button", "Create token", "type", "submit");
        h.close();
        h.el("h2", "Your password");
        h.open("form", "method", "post", "action", "/settings/password", "id", "password-form");
        Layout.csrf(h, r);
        h.open("label").text("Current password ").empty("input", "type", "password", "name", "current", "required",
                "required", "autocomplete", "current-password").close();
        h.open("label").text("New password (10+ characters) ").empty("input", "type", "password", "name", "next",
                "required", "required", "autocomplete", "new-password").close();
        h.el("button", "Change password", "type", "submit");
        h.close();
        if (r.isAdmin()) {
            h.el("h2", "Users");
            h.open("table", "class", "data", "id", "users");
            Layout.head(h, "User", "Role", "Domains", "Created", "Last login", "");
            h.open("tbody");
            for (Accounts.UserInfo u : web.accounts.users()) {
                h.open("tr");
                Layout.td(h, u.username());
                Layout.td(h, u.admin() ? "admin" : "viewer");
                Layout.td(h, u.admin() ? "all" : String.join(", ", u.domains()));
                Layout.td(h, java.time.Instant.ofEpochMilli(u.createdAt()).toString());
                Layout.td(h, u.lastLoginAt() == null ? "never" : java.time.Instant.ofEpochMilli(u.lastLoginAt()).toString());
                h.open("td");
                if (u.id() != r.user.id()) {
                    h.open("form", "method", "post", "action", "/settings/users/" + u.id() + "/delete", "class", "confirm");
                    Layout.csrf(h, r);
                    h.el("button", "Delete", "type", "submit");
                    h.close();
                }
                h.close();
                h.close();
            }
            h.close().close();
            h.el("h3", "Add a user");
            h.open("form", "method", "post", "action", "/settings/users", "id", "user-form");
            Layout.csrf(h, r);
            h.open("label").text("User name ").empty("input", "type", "text", "name", "username", "required", "required").close();
            h.open("label").text("Password (10+ characters) ").empty("input", "type", "password", "name", "password",
                    "required", "required", "autocomplete", "new-password").close();
            h.open("label").text("Domains (comma-separated) ").empty("input", "type", "text", "name", "domains").close();
            h.open("label").empty("input", "type", "checkbox", "name", "admin", "value", "1").text(" administrator").close();
            h.el("button", "Add user", "type", "submit");
            h.close();
        }
        return page(status, "Settings", r, h);
    }

    private Resp createToken(Req r) {
        String name = r.field("name").strip();
        if (name.isEmpty() || name.length() > 100) {
            return settingsPage(r, 400, "Give the token a name of 1 to 100 characters.", null);
        }
        String token = web.accounts.createToken(r.user, name);
        return settingsPage(r, 200, "Token created.", token);
    }

    private Resp revokeToken(Req r) {
        Optional<Long> id = parseId(r.param(0));
        if (id.isEmpty() || !web.accounts.revokeToken(r.user, id.get())) {
            return settingsPage(r, 404, "No such token.", null);
        }
        return Resp.redirect("/settings");
    }

    private Resp changePassword(Req r) {
        try {
            if (!web.accounts.changePassword(r.user, r.field("current"), r.field("next"), r.session)) {
                web.metrics.loginFailures.increment();
                return settingsPage(r, 403, "The current password is wrong; nothing changed.", null);
            }
        } catch (IllegalArgumentException e) {
            return settingsPage(r, 400, "Cannot change the password: " + e.getMessage(), null);
        }
        return settingsPage(r, 200, "Password changed; your other sessions were logged out.", null);
    }

    private Resp deleteUser(Req r) {
        Optional<Long> id = parseId(r.param(0));
        if (id.isPresent() && id.get() == r.user.id()) {
            return settingsPage(r, 400, "You cannot delete yourself.", null);
        }
        if (id.isEmpty() || !web.accounts.deleteUser(id.get())) {
            return settingsPage(r, 404, "No such user.", null);
        }
        return settingsPage(r, 200, "User deleted.", null);
    }

    private Resp createUser(Req r) {
        Set<String> domains = new TreeSet<>();
        for (String d : r.field("domains").split("[,\\s]+")) {
            String x = d.trim().toLowerCase(Locale.ROOT);
            if (x.isEmpty()) {
                continue;
            }
            if (!DOMAIN.matcher(x).matches()) {
                return settingsPage(r, 400, "Not a domain name: " + x, null);
            }
            domains.add(x);
        }
        try {
            web.accounts.createUser(r.field("username").strip(), r.field("password"), r.field("admin").equals("1"), domains);
        } catch (IllegalArgumentException e) {
            return settingsPage(r, 400, "Cannot add the user: " + e.getMessage(), null);
        }
        return settingsPage(r, 200, "User " + r.field("username").strip() + " added.", null);
    }
}
