package dev.aligned.server.web;

import com.sun.net.httpserver.HttpExchange;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request as the handlers see it: path parameters, query, cookies, the viewer and the form. */
final class Req {
    /** How the viewer proved who they are. */
    enum Via { NONE, SESSION, TOKEN }

    final HttpExchange ex;
    final String method;
    final String path;
    final List<String> params;
    final Map<String, String> query;
    final String clientIp;
    Accounts.User user;
    Accounts.Session session;
    Via via = Via.NONE;
    byte[] body;
    Multipart.Form multipart;
    private Map<String, String> form;

    Req(HttpExchange ex, String path, List<String> params) {
        this.ex = ex;
        this.method = ex.getRequestMethod();
        this.path = path;
        this.params = params;
        this.query = parseQuery(ex.getRequestURI().getRawQuery());
        this.clientIp = ex.getRemoteAddress().getAddress().getHostAddress();
    }

    String param(int i) {
        return params.get(i);
    }

    Optional<String> q(String name) {
        String v = query.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String header(String name) {
        return ex.getRequestHeaders().getFirst(name);
    }

    Optional<String> cookie(String name) {
        List<String> headers = ex.getRequestHeaders().get("Cookie");
        if (headers == null) {
            return Optional.empty();
        }
        for (String h : headers) {
            for (String part : h.split(";")) {
                String t = part.trim();
                int eq = t.indexOf('=');
                if (eq > 0 && t.substring(0, eq).equals(name)) {
                    return Optional.of(t.substring(eq + 1));
                }
            }
        }
        return Optional.empty();
    }

    /** The url-encoded form of a POST (the body must have been read). */
    Map<String, String> form() {
        if (form == null) {
            String ct = header("Content-Type");
            form = body != null && ct != null && ct.toLowerCase(java.util.Locale.ROOT)
                    .startsWith("application/x-www-form-urlencoded")
                    ? parseQuery(new String(body, StandardCharsets.UTF_8)) : Map.of();
        }
        return form;
    }

    void form(Map<String, String> fields) {
        this.form = fields;
    }

    String field(String name) {
        return form().getOrDefault(name, "");
    }

    boolean isAdmin() {
        return user != null && user.admin();
    }

    Queries.Scope scope() {
        return user == null ? new Queries.Scope(false, java.util.Set.of())
                : user.admin() ? Queries.Scope.ALL : new Queries.Scope(false, user.domains());
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        int n = 0;
        for (String kv : raw.split("&")) {
            if (++n > 64) {
                break;
            }
            int eq = kv.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: the parameter is left out
            }
        }
        return out;
    }
}
