package dev.aligned.server.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response before it is sent: status, type, body and extra headers. */
record Resp(int status, String contentType, byte[] body, Map<String, String> headers) {

    static Resp html(int status, String html) {
        return new Resp(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }

    static Resp text(int status, String contentType, String text) {
        return new Resp(status, contentType, text.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }

    static Resp json(int status, Object value) {
        return new Resp(status, "application/json; charset=utf-8", Json.write(value), new LinkedHashMap<>());
    }

    static Resp error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    static Resp redirect(String location) {
        Resp r = new Resp(303, "text/plain; charset=utf-8", new byte[0], new LinkedHashMap<>());
        r.headers.put("Location", location);
        return r;
    }

    Resp header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
