package dev.aligned.server.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 document of {@code /api/v1}, generated from the route table itself: every API route appears,
 * with its path and query parameters, its security and its responses.
 */
final class OpenApi {
    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)\\}");
    private static final Map<String, String> QUERY_HELP = Map.of(
            "days", "Period: the last N days (7, 30, 90, 365); 0 for everything. Default 30.",
            "domain", "Only this domain.",
            "org", "Only this reporter (org_name).",
            "errors", "Present: only attempts with errors.",
            "name", "File name recorded with the upload.");

    private OpenApi() {
    }

    static Map<String, Object> document(List<WebServer.Route> routes) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Aligned dashboard API", "version", "1",
                "description", "The data of the Aligned dashboard as JSON. Authenticate with "
                        + "'Authorization: Bearer TOKEN' (tokens are created under Settings) or the session cookie "
                        + "(POST then needs the X-CSRF-Token header). Non-admin users see only their domains; "
                        + "other domains answer 404."));
        doc.put("servers", List.of(Map.of("url", "/")));
        Map<String, Object> paths = new LinkedHashMap<>();
        for (WebServer.Route rt : routes) {
            if (!rt.api()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(rt.template(), k -> new LinkedHashMap<>());
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", rt.summary());
            op.put("operationId", operationId(rt));
            List<Map<String, Object>> params = new ArrayList<>();
            Matcher m = PARAM.matcher(rt.template());
            while (m.find()) {
                params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
            }
            if (rt.method().equals("GET") || rt.upload()) {
                for (String q : Api.QUERY.getOrDefault(rt.template(), List.of())) {
                    params.add(Map.of("name", q, "in", "query", "required", false, "description", QUERY_HELP.get(q),
                            "schema", Map.of("type", q.equals("days") ? "integer" : "string")));
                }
            }
            if (!params.isEmpty()) {
                op.put("parameters", params);
            }
            if (rt.upload()) {
                op.put("requestBody", Map.of("required", true, "content", Map.of(
                        "application/octet-stream", Map.of("schema", Map.of("type", "string", "format", "binary")),
                        "multipart/form-data", Map.of("schema", Map.of("type", "object", "properties",
                                Map.of("file", Map.of("type", "string", "format", "binary")))))));
            }
            Map<String, Object> responses = new LinkedHashMap<>();
            String okType = rt.template().startsWith("/api/v1/blobs/") ? "application/octet-stream" : "application/json";
            responses.put("200", Map.of("description", "OK", "content", Map.of(okType, Map.of("schema",
                    Map.of("type", okType.equals("application/json") ? "object" : "string")))));
            if (rt.access() != WebServer.Access.PUBLIC) {
                responses.put("401", Map.of("description", "Not authenticated"));
                op.put("security", List.of(Map.of("bearer", List.of()), Map.of("session", List.of())));
            }
            if (rt.access() == WebServer.Access.ADMIN) {
                responses.put("403", Map.of("description", "Administrators only"));
            }
            if (rt.template().contains("{")) {
                responses.put("404", Map.of("description", "Unknown, or not visible to the caller"));
            }
            if (rt.upload()) {
                responses.put("413", Map.of("description", "Over the upload size limit"));
                responses.put("422", Map.of("description", "Nothing in the file could be read (kept with its error)"));
                responses.put("429", Map.of("description", "Upload rate limit"));
            }
            op.put("responses", responses);
            item.put(rt.method().toLowerCase(java.util.Locale.ROOT), op);
        }
        doc.put("paths", paths);
        doc.put("components", Map.of("securitySchemes", Map.of(
                "bearer", Map.of("type", "http", "scheme", "bearer"),
                "session", Map.of("type", "apiKey", "in", "cookie", "name", WebServer.SESSION_COOKIE))));
        return doc;
    }

    private static String operationId(WebServer.Route rt) {
        StringBuilder b = new StringBuilder(rt.method().toLowerCase(java.util.Locale.ROOT));
        for (String part : rt.template().substring("/api/v1/".length()).split("[/.]")) {
            if (part.isEmpty()) {
                continue;
            }
            String p = part.replace("{", "").replace("}", "");
            b.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1));
        }
        return b.toString();
    }
}
