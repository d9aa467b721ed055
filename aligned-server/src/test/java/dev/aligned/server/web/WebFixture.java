package dev.aligned.server.web;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dashboard on 127.0.0.1 (any free port) over a fresh SQLite store with the demo data loaded, and a small HTTP
 * client that logs in like a browser (pre-login cookie, session cookie, CSRF token read from the page).
 */
final class WebFixture implements AutoCloseable {
    static final String ADMIN_PASSWORD = "admin-password-for-tests";
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final Path dir;
    final MutableClock clock = new MutableClock(NOW);
    final ReportStore store;
    final Ingestor ingestor;
    final WebServer web;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final String url;

    WebFixture(Consumer<WebServer.Builder> customise) throws IOException {
        this(true, customise);
    }

    WebFixture(boolean demo, Consumer<WebServer.Builder> customise) throws IOException {
        this(null, demo, customise);
    }

    /** On the database at {@code jdbcUrl} (null: a new SQLite file). */
    WebFixture(String jdbcUrl, boolean demo, Consumer<WebServer.Builder> customise) throws IOException {
        dir = Files.createTempDirectory("aligned-web-test");
        url = jdbcUrl != null ? jdbcUrl : "jdbc:sqlite:" + dir.resolve("aligned.db");
        store = ReportStore.builder().url(url).clock(clock).build();
        ingestor = Ingestor.builder(store).build();
        if (demo) {
            DemoData.loadIfEmpty(store, ingestor, clock);
        }
        WebServer.Builder b = WebServer.builder(store, ingestor, url).port(0).clock(clock).passwordIterations(1000)
                .adminPassword(ADMIN_PASSWORD).console(new PrintStream(console, true, StandardCharsets.UTF_8));
        customise.accept(b);
        web = b.build().start();
    }

    WebFixture() throws IOException {
        this(b -> { });
    }

    /** Ingests a test resource of this package. */
    void ingestResource(String name) {
        try (InputStream in = WebFixture.class.getResourceAsStream(name)) {
            ingestor.ingest("test:" + name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = WebFixture.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + web.port() + path);
    }

    HttpResponse<String> get(String path, String cookie) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).GET();
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return send(r.build());
    }

    HttpResponse<String> getWithToken(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build());
    }

    HttpResponse<String> postForm(String path, String cookie, Map<String, String> fields) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return send(r.build());
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String form(Map<String, String> fields) {
        StringJoiner j = new StringJoiner("&");
        fields.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    /** A logged-in browser: its session cookie and the CSRF token of its forms. */
    record Session(String cookie, String csrf) {
    }

    /** The pre-login cookie value set by GET /login. */
    String preToken() {
        HttpResponse<String> page = get("/login", null);
        String set = page.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(set.indexOf('=') + 1, set.indexOf(';'));
    }

    HttpResponse<String> loginAttempt(String user, String password) {
        String pre = preToken();
        return postForm("/login", WebServer.PRE_COOKIE + "=" + pre, Map.of("username", user, "password", password,
                "pre", pre));
    }

    Session login(String user, String password) {
        HttpResponse<String> r = loginAttempt(user, password);
        if (r.statusCode() != 303) {
            throw new AssertionError("login of " + user + " answered " + r.statusCode() + ": " + r.body());
        }
        String cookie = null;
        for (String c : r.headers().allValues("Set-Cookie")) {
            if (c.startsWith(WebServer.SESSION_COOKIE + "=")) {
                cookie = c.substring(0, c.indexOf(';'));
            }
        }
        HttpResponse<String> settings = get("/settings", cookie);
        Matcher m = CSRF.matcher(settings.body());
        if (!m.find()) {
            throw new AssertionError("no CSRF token on the settings page");
        }
        return new Session(cookie, m.group(1));
    }

    Session admin() {
        return login("admin", ADMIN_PASSWORD);
    }

    @Override
    public void close() throws IOException {
        web.close();
        store.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
