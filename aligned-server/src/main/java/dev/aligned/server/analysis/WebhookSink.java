package dev.aligned.server.analysis;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/** POSTs each alert as one JSON object ({@code kind, domain, key, title, detail, at}); 2xx means delivered. */
final class WebhookSink implements AlertSink {
    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    WebhookSink(URI url, Duration timeout) {
        this.url = Objects.requireNonNull(url, "url");
        String scheme = String.valueOf(url.getScheme()).toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("webhook URL must be http or https, got " + url);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("webhook timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Delivery send(Alert alert) {
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Aligned alerts")
                .POST(HttpRequest.BodyPublishers.ofString(Json.alert(alert), StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() / 100 == 2;
            return new Delivery(ok, "HTTP " + r.statusCode() + " from " + url.getHost());
        } catch (IOException e) {
            return new Delivery(false, "webhook " + url.getHost() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(false, "interrupted while posting to " + url.getHost());
        }
    }

    @Override
    public String toString() {
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }
}
