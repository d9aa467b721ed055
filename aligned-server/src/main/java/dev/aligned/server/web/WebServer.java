package dev.aligned.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aligned.dns.DnsResolver;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard and its JSON API on the JDK HTTP server (a virtual thread per request): pages for the overview,
 * each domain (trends, sources, readiness), sources, aggregate and failure reports, the ingestion log, domain
 * records and settings; {@code /api/v1} for the same data (documented at {@code /api/v1/openapi.json});
 * {@code /healthz}, {@code /readyz}, {@code /metrics}. Logins with PBKDF2-hashed passwords, HttpOnly SameSite=Strict
 * session cookies, a CSRF token on every form, bearer API tokens, per-domain access, token-bucket rate limits on
 * login and upload. Uploads go through the same {@link Ingestor} as every other source. No TLS: put it behind a
 * reverse proxy for remote users (and set {@link Builder#secureCookies}).
 *
 * <pre>{@code
 * try (ReportStore store = ReportStore.builder().url(url).build();
 *      WebServer web = WebServer.builder(store, Ingestor.builder(store).build(), url).port(8080).build().start()) {
 *     System.out.println("open http://127.0.0.1:" + web.port() + "/");
 *     Thread.currentThread().join();
 * }
 * }</pre>
 */
public final class WebServer implements AutoCloseable {
    static final String SESSION_COOKIE = "aligned_session";
    static final String PRE_COOKIE = "aligned_pre";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final int MAX_FORM_BYTES = 64 << 10;

    enum Access { PUBLIC, USER, ADMIN }

    @FunctionalInterface
    interface Handler {
        Resp handle(Req r) throws IOException;
    }

    /** One route: method, path template ({@code {name}} segments), who may call it, and a summary for OpenAPI. */
    record Route(String method, String template, Pattern pattern, Access access, boolean upload, String summary,
            Handler handler) {
        boolean api() {
            return template.startsWith("/api/");
        }
    }

    final ReportStore store;
    final Ingestor ingestor;
    final Clock clock;
    final DnsResolver resolver;
    final PrintStream console;
    final long maxUploadBytes;
    final boolean secureCookies;
    final Metrics metrics = new Metrics();
    final RateLimiter loginLimiter;
    final RateLimiter uploadLimiter;
    private final String jdbcUrl;
    private final String dbUser;
    private final String dbPassword;
    private final InetAddress bind;
    private final int requestedPort;
    private final String adminPassword;
    private final int passwordIterations;
    private final Duration sessionLifetime;
    private final boolean demo;
    private final Duration refreshPoll;
    private final SecureRandom random = new SecureRandom();
    final List<Route> routes = new ArrayList<>();
    WebDb db;
    Accounts accounts;
    Queries queries;
    Insights insights;
    private dev.aligned.server.analysis.Analysis analysis;
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean ready;

    private WebServer(Builder b) {
        this.store = b.store;
        this.ingestor = b.ingestor;
        this.jdbcUrl = b.jdbcUrl;
        this.dbUser = b.dbUser;
        this.dbPassword = b.dbPassword;
        this.clock = b.clock;
        this.resolver = b.resolver;
        this.console = b.console;
        this.bind = b.bind;
        this.requestedPort = b.port;
        this.maxUploadBytes = b.maxUploadBytes;
        this.secureCookies = b.secureCookies;
        this.adminPassword = b.adminPassword;
        this.passwordIterations = b.passwordIterations;
        this.sessionLifetime = b.sessionLifetime;
        this.demo = b.demo;
        this.refreshPoll = b.refreshPoll;
        this.loginLimiter = new RateLimiter(b.loginBurst, b.loginRefill.toMillis(), b.clock, 10_000);
        this.uploadLimiter = new RateLimiter(b.uploadBurst, b.uploadRefill.toMillis(), b.clock, 10_000);
    }

    /** A builder: loopback, port 8080, 32 MiB uploads, 5 logins then one per 20 s per address. */
    public static Builder builder(ReportStore store, Ingestor ingestor, String jdbcUrl) {
        return new Builder(store, ingestor, jdbcUrl);
    }

    /**
     * Opens the dashboard's connection, creates the admin user on first start (printing a generated password once
     * unless one was given), binds and starts serving.
     */
    public WebServer start() throws IOException {
        db = WebDb.open(jdbcUrl, dbUser, dbPassword);
        accounts = new Accounts(db, clock, new Passwords(passwordIterations, random), random, sessionLifetime);
        queries = new Queries(db);
        var ab = dev.aligned.server.analysis.Analysis.builder().url(jdbcUrl).user(dbUser).password(dbPassword)
                .clock(clock);
        if (resolver != null) {
            ab.dns(resolver);
        }
        analysis = ab.build();
        insights = new Insights(analysis);
        ensureAdmin();
        new Pages(this).register();
        new Api(this).register();
        route("GET", "/static/{file}", Access.PUBLIC, "Static files (style sheet, script).", this::staticFile);
        route("GET", "/healthz", Access.PUBLIC, "Liveness: the process answers.", r -> Resp.text(200, "text/plain; charset=utf-8", "ok\n"));
        route("GET", "/readyz", Access.PUBLIC, "Readiness: the database answers.", this::readyz);
        route("GET", "/metrics", Access.PUBLIC, "Prometheus metrics.", r -> Resp.text(200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.render(queries.storeFigures())));
        server = HttpServer.create(new InetSocketAddress(bind, requestedPort), 128);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        ready = true;
        insights.startRefresher(resolver != null, clock, refreshPoll, console::println);
        return this;
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address to open in a browser. */
    public String url() {
        String host = server.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    private void ensureAdmin() {
        String password = adminPassword;
        boolean generated = password == null || password.isEmpty();
        if (generated) {
            password = Passwords.randomToken(random, 15);
        }
        if (demo) {
            // a demo database is throw-away: the admin gets a fresh password at every start, printed
            if (accounts.userCount() == 0) {
                accounts.createUser("admin", password, true, java.util.Set.of());
            } else {
                accounts.setPassword("admin", password);
            }
            console.println("demo login: user admin, password " + password);
            return;
        }
        if (accounts.userCount() > 0) {
            return;
        }
        accounts.createUser("admin", password, true, java.util.Set.of());
        if (generated) {
            console.println("created the dashboard user 'admin' with the password " + password
                    + " (shown once; set ALIGNED_ADMIN_PASSWORD to choose it)");
        } else {
            console.println("created the dashboard user 'admin' with the password from ALIGNED_ADMIN_PASSWORD");
        }
    }

    void route(String method, String template, Access access, String summary, Handler h) {
        route(method, template, access, false, summary, h);
    }

    void route(String method, String template, Access access, boolean upload, String summary, Handler h) {
        String regex = template.replaceAll("\\{[a-zA-Z]+\\}", "([^/]+)");
        routes.add(new Route(method, template, Pattern.compile(regex), access, upload, summary, h));
    }

    private Resp readyz(Req r) {
        if (!ready) {
            return Resp.text(503, "text/plain; charset=utf-8", "starting\n");
        }
        try {
            queries.storeFigures();
            return Resp.text(200, "text/plain; charset=utf-8", "ready\n");
        } catch (StoreException e) {
            return Resp.text(503, "text/plain; charset=utf-8", "database unavailable\n");
        }
    }

    private Resp staticFile(Req r) throws IOException {
        String name = r.param(0);
        String type = switch (name) {
            case "app.css" -> "text/css; charset=utf-8";
            case "app.js" -> "text/javascript; charset=utf-8";
            default -> null;
        };
        if (type == null) {
            return Resp.text(404, "text/plain; charset=utf-8", "not found\n");
        }
        try (InputStream in = WebServer.class.getResourceAsStream("static/" + name)) {
            return new Resp(200, type, in.readAllBytes(), new java.util.LinkedHashMap<>())
                    .header("Cache-Control", "public, max-age=300");
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void handle(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String template = "(none)";
        Resp resp;
        try (ex) {
            String rawPath = ex.getRequestURI().getRawPath();
            Route match = null;
            List<String> params = List.of();
            boolean pathKnown = false;
            for (Route rt : routes) {
                Matcher m = rt.pattern().matcher(rawPath);
                if (m.matches()) {
                    pathKnown = true;
                    if (rt.method().equals(ex.getRequestMethod())) {
                        match = rt;
                        params = new ArrayList<>();
                        for (int i = 1; i <= m.groupCount(); i++) {
                            params.add(decode(m.group(i)));
                        }
                        break;
                    }
                }
            }
            boolean api = rawPath.startsWith("/api/");
            if (match == null) {
                resp = pathKnown ? problem(api, 405, "method not allowed") : problem(api, 404, "no such page");
            } else {
                template = match.template();
                resp = dispatch(ex, match, params);
            }
            send(ex, resp);
            metrics.observe(template, resp.status(), System.nanoTime() - started);
        } catch (RuntimeException e) {
            // a bug: answer 500 without details (the log has them)
            console.println("aligned web: " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + ": " + e);
            try {
                send(ex, Resp.text(500, "text/plain; charset=utf-8", "internal error\n"));
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
            metrics.observe(template, 500, System.nanoTime() - started);
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private Resp dispatch(HttpExchange ex, Route rt, List<String> params) throws IOException {
        Req r = new Req(ex, ex.getRequestURI().getRawPath(), params);
        authenticate(r);
        if (rt.access() != Access.PUBLIC && r.user == null) {
            if (rt.api()) {
                return Resp.error(401, "log in or send Authorization: Bearer <API token>")
                        .header("WWW-Authenticate", "Bearer");
            }
            String next = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? ""
                    : "?" + ex.getRequestURI().getRawQuery());
            return Resp.redirect("/login?next=" + Layout.seg(next));
        }
        if (rt.access() == Access.ADMIN && !r.isAdmin()) {
            return problem(rt.api(), 403, "only administrators may do this");
        }
        if (rt.method().equals("POST")) {
            if (rt.upload() && !uploadLimiter.tryAcquire(r.clientIp)) {
                metrics.rateLimited.increment();
                metrics.uploadRejected.increment();
                return problem(rt.api(), 429, "too many uploads; retry in " + uploadLimiter.retryAfterSeconds(r.clientIp)
                        + " s").header("Retry-After", Long.toString(uploadLimiter.retryAfterSeconds(r.clientIp)));
            }
            long limit = rt.upload() ? maxUploadBytes + (64 << 10) : MAX_FORM_BYTES;
            Resp tooBig = readBody(r, limit);
            if (tooBig != null) {
                if (rt.upload()) {
                    metrics.uploadRejected.increment();
                }
                return tooBig;
            }
            if (r.via == Req.Via.SESSION) {
                String given = csrfGiven(r);
                if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                        r.session.csrf().getBytes(StandardCharsets.UTF_8))) {
                    return problem(rt.api(), 403, "missing or wrong CSRF token: reload the page and try again");
                }
            }
        }
        try {
            return rt.handler().handle(r);
        } catch (StoreException e) {
            return problem(rt.api(), 503, "the report store is unavailable; retry shortly").header("Retry-After", "30");
        }
    }

    /** The CSRF token of a POST: a form field, a multipart field, or the X-CSRF-Token header (scripts). */
    private static String csrfGiven(Req r) {
        String h = r.header("X-CSRF-Token");
        if (h != null) {
            return h;
        }
        var boundary = Multipart.boundary(r.header("Content-Type"));
        if (boundary.isPresent()) {
            var form = Multipart.parse(r.body, boundary.get());
            if (form.isEmpty()) {
                return null;
            }
            r.form(form.get().fields());
            r.multipart = form.get();
            return form.get().fields().get("csrf");
        }
        return r.form().get("csrf");
    }

    private Resp readBody(Req r, long limit) throws IOException {
        String length = r.header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > limit) {
                    return problem(r.path.startsWith("/api/"), 413, "the request is " + length.trim()
                            + " bytes, more than the limit of " + limit);
                }
            } catch (NumberFormatException e) {
                return problem(r.path.startsWith("/api/"), 400, "Content-Length is not a number");
            }
        }
        try (InputStream in = r.ex.getRequestBody()) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
            if (b.length > limit) {
                return problem(r.path.startsWith("/api/"), 413, "the request is more than the limit of " + limit + " bytes");
            }
            r.body = b;
        }
        return null;
    }

    private void authenticate(Req r) {
        var cookie = r.cookie(SESSION_COOKIE);
        if (cookie.isPresent()) {
            var s = accounts.session(cookie.get());
            if (s.isPresent()) {
                r.session = s.get();
                r.user = s.get().user();
                r.via = Req.Via.SESSION;
                return;
            }
        }
        String auth = r.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            var u = accounts.userForToken(auth.substring(7).trim());
            if (u.isPresent()) {
                r.user = u.get();
                r.via = Req.Via.TOKEN;
            }
        }
    }

    /** An error as a small page (browsers) or JSON (API). */
    Resp problem(boolean api, int status, String message) {
        if (api) {
            return Resp.error(status, message);
        }
        Html h = new Html();
        h.el("h1", status == 404 ? "Not found" : "Cannot do that");
        h.el("p", message, "class", "error");
        h.open("p").el("a", "Back to the overview", "href", "/").close();
        return Resp.html(status, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Aligned</title>"
                + "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main>" + h.render() + "</main></body></html>");
    }

    private void send(HttpExchange ex, Resp resp) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", resp.contentType());
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cache-Control", "no-store");
        resp.headers().forEach((k, v) -> {
            if (k.equals("Set-Cookie")) {
                for (String c : v.split("\n")) {
                    h.add(k, c);
                }
            } else {
                h.set(k, v);
            }
        });
        byte[] body = resp.body();
        if (body.length == 0) {
            ex.sendResponseHeaders(resp.status(), -1);
            return;
        }
        ex.sendResponseHeaders(resp.status(), body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS. */
    String cookie(String name, String value, long maxAgeSeconds) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "")
                + (secureCookies ? "; Secure" : "");
    }

    SecureRandom random() {
        return random;
    }

    @Override
    public void close() {
        if (insights != null) {
            insights.stopRefresher();
        }
        if (server != null) {
            server.stop(0);
            executor.close();
            server = null;
        }
        if (analysis != null) {
            analysis.close();
            analysis = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

    /** Builds a {@link WebServer}. */
    public static final class Builder {
        private final ReportStore store;
        private final Ingestor ingestor;
        private final String jdbcUrl;
        private String dbUser;
        private String dbPassword;
        private Clock clock = Clock.systemUTC();
        private DnsResolver resolver;
        private PrintStream console = System.out;
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port = 8080;
        private long maxUploadBytes = 32L << 20;
        private boolean secureCookies;
        private String adminPassword;
        private int passwordIterations = Passwords.DEFAULT_ITERATIONS;
        private Duration sessionLifetime = Duration.ofHours(12);
        private boolean demo;
        private int loginBurst = 5;
        private Duration loginRefill = Duration.ofSeconds(20);
        private int uploadBurst = 20;
        private Duration uploadRefill = Duration.ofSeconds(3);
        private Duration refreshPoll = Insights.POLL;

        private Builder(ReportStore store, Ingestor ingestor, String jdbcUrl) {
            this.store = Objects.requireNonNull(store, "store");
            this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        }

        /**
         * How often the dashboard looks for reports stored by any ingest source (default 10 s) to refresh the
         * analysis stage's precomputed results off the request path.
         */
        public Builder refreshPoll(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("refresh poll must be positive, got " + every);
            }
            this.refreshPoll = every;
            return this;
        }

        /** Database user and password (PostgreSQL), as given to the store. */
        public Builder credentials(String user, String password) {
            this.dbUser = user;
            this.dbPassword = password;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The resolver for the live domain checks (default: none; the page then says checks are unavailable). */
        public Builder resolver(DnsResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /** Where the first-start admin password is printed (default standard output). */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        public Builder bind(InetAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port (default 8080; 0: any free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The largest report file accepted by upload (default 32 MiB). */
        public Builder maxUploadBytes(long max) {
            if (max < 1 || max > (1L << 30)) {
                throw new IllegalArgumentException("maxUploadBytes must be between 1 and 1 GiB, got " + max);
            }
            this.maxUploadBytes = max;
            return this;
        }

        /** Marks cookies Secure (set it when a TLS reverse proxy is in front). */
        public Builder secureCookies(boolean secure) {
            this.secureCookies = secure;
            return this;
        }

        /** The password of the admin created on first start (default: generated and printed once). */
        public Builder adminPassword(String password) {
            if (password != null && !password.isEmpty() && password.length() < Accounts.MIN_PASSWORD) {
                throw new IllegalArgumentException("the admin password must have at least " + Accounts.MIN_PASSWORD
                        + " characters");
            }
            this.adminPassword = password;
            return this;
        }

        /** PBKDF2 iterations for new password hashes (default 600,000; tests use fewer). */
        public Builder passwordIterations(int iterations) {
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be positive, got " + iterations);
            }
            this.passwordIterations = iterations;
            return this;
        }

        public Builder sessionLifetime(Duration lifetime) {
            this.sessionLifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** Login attempts per client address: {@code burst} at once, then one per {@code refill}. */
        public Builder loginRate(int burst, Duration refill) {
            this.loginBurst = burst;
            this.loginRefill = refill;
            return this;
        }

        /** Uploads per client address: {@code burst} at once, then one per {@code refill}. */
        public Builder uploadRate(int burst, Duration refill) {
            this.uploadBurst = burst;
            this.uploadRefill = refill;
            return this;
        }

        /** Demo mode: the admin's password is set afresh (generated unless given) and printed at every start. */
        public Builder demo(boolean demo) {
            this.demo = demo;
            return this;
        }

        public WebServer build() {
            return new WebServer(this);
        }
    }
}
