package dev.aligned.server.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aligned.store.IngestResult;
import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportOutcome;
import dev.aligned.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP endpoint that takes one report input per request ({@code POST /api/reports}, the body being xml, gzip,
 * zip or an e-mail) into the {@link Ingestor}, answering with what was stored as JSON:
 * {@code {"new":1,"duplicate":0,"failed":0,"records":12,"failures":[]}}. 200 when the input held a report
 * (new or duplicate), 422 when nothing in it could be read (kept in the store with the error), 413 over the size
 * limit (checked against Content-Length before reading, and while reading), 401 without the bearer token when one
 * is configured, 405 for other methods, 503 when the store is down or too many uploads run at once. The reply
 * comes after the store has committed. JDK {@code com.sun.net.httpserver}, loopback by default, no TLS: put it
 * behind a reverse proxy for remote clients.
 *
 * <pre>{@code
 * try (HttpUploadServer http = HttpUploadServer.builder(ingestor).port(8025).token(Secret.of(t)).build().start()) {
 *     // curl -H "Authorization: Bearer $T" --data-binary @report.xml.gz http://127.0.0.1:8025/api/reports
 * }
 * }</pre>
 */
public final class HttpUploadServer implements AutoCloseable {
    /** The upload path. */
    public static final String PATH = "/api/reports";

    private final Ingestor ingestor;
    private final InetAddress bind;
    private final int requestedPort;
    private final long maxUploadBytes;
    private final Secret token;
    private final Semaphore slots;
    private final AtomicLong sequence = new AtomicLong();
    private HttpServer server;
    private ExecutorService executor;

    private HttpUploadServer(Builder b) {
        this.ingestor = b.ingestor;
        this.bind = b.bind;
        this.requestedPort = b.port;
        this.maxUploadBytes = b.maxUploadBytes;
        this.token = b.token;
        this.slots = new Semaphore(b.maxConcurrent);
    }

    /** A builder: loopback, an ephemeral port, 64 MiB uploads, 8 at once, no token. */
    public static Builder builder(Ingestor ingestor) {
        return new Builder(ingestor);
    }

    /** Binds and starts serving (a virtual thread per request). */
    public HttpUploadServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, requestedPort), 50);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
        return this;
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals(PATH)) {
                send(ex, 404, error("no such endpoint; POST reports to " + PATH));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                send(ex, 405, error("use POST with the report as the request body"));
                return;
            }
            if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(ex, 401, error("missing or wrong bearer token (Authorization: Bearer ...)"));
                return;
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.trim()) > maxUploadBytes) {
                        send(ex, 413, error("upload is " + length.trim() + " bytes, more than the limit of "
                                + maxUploadBytes));
                        return;
                    }
                } catch (NumberFormatException e) {
                    send(ex, 400, error("Content-Length is not a number"));
                    return;
                }
            }
            if (!slots.tryAcquire()) {
                ex.getResponseHeaders().set("Retry-After", "5");
                send(ex, 503, error("too many uploads at once; retry shortly"));
                return;
            }
            try {
                byte[] body;
                try (InputStream in = ex.getRequestBody()) {
                    body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxUploadBytes + 1));
                }
                if (body.length > maxUploadBytes) {
                    send(ex, 413, error("upload is more than the limit of " + maxUploadBytes + " bytes"));
                    return;
                }
                if (body.length == 0) {
                    send(ex, 400, error("empty body; send the report (xml, gz, zip or e-mail) as the request body"));
                    return;
                }
                String source = "http://" + ex.getRemoteAddress().getAddress().getHostAddress() + PATH + "/"
                        + sequence.incrementAndGet() + name(ex.getRequestURI().getRawQuery());
                IngestResult r;
                try {
                    r = ingestor.ingest(source, body);
                } catch (StoreException e) {
                    ex.getResponseHeaders().set("Retry-After", "30");
                    send(ex, 503, error("report store unavailable; retry later"));
                    return;
                }
                boolean readable = r.newReports() + r.duplicates() > 0;
                send(ex, readable ? 200 : 422, summary(r));
            } finally {
                slots.release();
            }
        }
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.reveal().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code ;name=...} from a {@code ?name=} query parameter: printable ASCII, at most 200 characters. */
    private static String name(String rawQuery) {
        if (rawQuery == null) {
            return "";
        }
        for (String kv : rawQuery.split("&")) {
            if (kv.startsWith("name=")) {
                String v = URLDecoder.decode(kv.substring(5), StandardCharsets.UTF_8).replaceAll("[^\\x21-\\x7e]", "_");
                return ";name=" + (v.length() > 200 ? v.substring(0, 200) : v);
            }
        }
        return "";
    }

    private static String summary(IngestResult r) {
        StringBuilder b = new StringBuilder("{\"new\":").append(r.newReports()).append(",\"duplicate\":")
                .append(r.duplicates()).append(",\"failed\":").append(r.failures().size()).append(",\"records\":")
                .append(r.records()).append(",\"failures\":[");
        boolean first = true;
        for (ReportOutcome.Failed f : r.failures()) {
            b.append(first ? "" : ",").append("{\"source\":").append(json(f.source())).append(",\"error\":")
                    .append(json(f.error())).append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    private static String error(String message) {
        return "{\"error\":" + json(message) + "}";
    }

    /** A JSON string; {@code < > &} escaped too, so a reply pasted into HTML stays inert. */
    static String json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.close();
        }
    }

    /** Builds an {@link HttpUploadServer}. */
    public static final class Builder {
        private final Ingestor ingestor;
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port;
        private long maxUploadBytes = 64L << 20;
        private int maxConcurrent = 8;
        private Secret token;

        private Builder(Ingestor ingestor) {
            this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        }

        /** The address to listen on (default loopback). */
        public Builder bind(InetAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The port (default 0: any free port). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The largest upload accepted (default 64 MiB). */
        public Builder maxUploadBytes(long max) {
            if (max < 1 || max > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxUploadBytes must be between 1 and " + (Integer.MAX_VALUE - 16)
                        + ", got " + max);
            }
            this.maxUploadBytes = max;
            return this;
        }

        /** Uploads processed at once; more get 503 (default 8; bounds memory to 8 uploads). */
        public Builder maxConcurrent(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1, got " + max);
            }
            this.maxConcurrent = max;
            return this;
        }

        /** Requires {@code Authorization: Bearer <token>} (default: none, for loopback use). */
        public Builder token(Secret token) {
            this.token = token;
            return this;
        }

        public HttpUploadServer build() {
            return new HttpUploadServer(this);
        }
    }
}
