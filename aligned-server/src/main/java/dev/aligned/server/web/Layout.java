package dev.aligned.server.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The page chrome (head, navigation, filter bar) and small components shared by the pages. */
final class Layout {
    static final int[] PERIODS = {7, 30, 90, 365, 0};

    private Layout() {
    }

    /** A whole page: head with the external style sheet and script only, navigation, then {@code main}. */
    static String page(String title, Req req, Html main) {
        Html h = new Html();
        h.open("html", "lang", "en");
        h.open("head");
        h.empty("meta", "charset", "utf-8");
        h.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1");
        h.el("title", title + " \u2014 Aligned");
        h.empty("link", "rel", "stylesheet", "href", "/static/app.css");
        h.open("script", "src", "/static/app.js", "defer", "defer").close();
        h.close();
        h.open("body");
        h.open("header");
        h.el("a", "Aligned", "href", "/", "class", "brand");
        if (req.user != null) {
            h.open("nav");
            link(h, "/", "Overview");
            link(h, "/reports", "Reports");
            link(h, "/failures", "Failure reports");
            if (req.isAdmin()) {
                link(h, "/ingest", "Ingestion log");
                link(h, "/upload", "Upload");
            }
            link(h, "/settings", "Settings");
            h.close();
            h.open("form", "method", "post", "action", "/logout", "class", "logout");
            csrf(h, req);
            h.el("span", req.user.username(), "class", "who");
            h.el("button", "Log out", "type", "submit");
            h.close();
        }
        h.close();
        h.open("main").append(main).close();
        h.close();
        h.close();
        return "<!DOCTYPE html>\n" + h.render();
    }

    private static void link(Html h, String href, String text) {
        h.el("a", text, "href", href);
    }

    /** The session's CSRF token as a hidden field (every POST form carries it). */
    static void csrf(Html h, Req req) {
        if (req.session != null) {
            h.empty("input", "type", "hidden", "name", "csrf", "value", req.session.csrf());
        }
    }

    /** The filter bar: domain (from the viewer's domains) and period; a GET form, submitted on change by app.js. */
    static void filters(Html h, String action, List<String> domains, Optional<String> domain, int days, boolean withDomain) {
        h.open("form", "method", "get", "action", action, "class", "filters", "id", "filters");
        if (withDomain) {
            h.open("label").text("Domain ");
            h.open("select", "name", "domain", "id", "filter-domain", "class", "autosubmit");
            h.el("option", "all domains", "value", "");
            for (String d : domains) {
                h.el("option", d, "value", d, "selected", domain.filter(d::equals).isPresent() ? "selected" : null);
            }
            h.close().close();
        }
        h.open("label").text("Period ");
        h.open("select", "name", "days", "id", "filter-days", "class", "autosubmit");
        for (int p : PERIODS) {
            h.el("option", p == 0 ? "everything" : "last " + p + " days", "value", Integer.toString(p),
                    "selected", p == days ? "selected" : null);
        }
        h.close().close();
        h.el("button", "Apply", "type", "submit");
        h.close();
    }

    /** A path segment, percent-encoded. */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String pct(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A table header row. */
    static void head(Html h, String... columns) {
        h.open("thead").open("tr");
        for (String c : columns) {
            h.el("th", c);
        }
        h.close().close();
    }

    static void td(Html h, Object text) {
        h.el("td", text);
    }

    static void tdNum(Html h, long n) {
        h.el("td", num(n), "class", "num");
    }

    static void tdLink(Html h, String href, Object text) {
        h.open("td").el("a", text, "href", href).close();
    }

    /** A definition list of label, value pairs (values escaped like everything else). */
    static void facts(Html h, String... pairs) {
        h.open("dl", "class", "facts");
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            h.el("dt", pairs[i]).el("dd", pairs[i + 1]);
        }
        h.close();
    }

    static String cls(String classification) {
        return switch (classification) {
            case "authenticated", "forwarded" -> "ok";
            case "service failing" -> "warn";
            default -> "bad";
        };
    }
}
