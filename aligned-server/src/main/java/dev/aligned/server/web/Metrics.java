package dev.aligned.server.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process counters and the request latency histogram, written out in the Prometheus text format (0.0.4)
 * together with figures read from the store (ingest attempts by outcome, parse failures, pending blobs).
 */
final class Metrics {
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    final LongAdder uploads = new LongAdder();
    final LongAdder uploadRejected = new LongAdder();
    final LongAdder loginFailures = new LongAdder();
    final LongAdder rateLimited = new LongAdder();

    static final class Histogram {
        final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
        final LongAdder count = new LongAdder();
        final AtomicLong sumNanos = new AtomicLong();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(long nanos) {
            double s = nanos / 1e9;
            int i = 0;
            while (i < BUCKETS.length && s > BUCKETS[i]) {
                i++;
            }
            counts[i].increment();
            count.increment();
            sumNanos.addAndGet(nanos);
        }
    }

    /** Records one request: {@code route} is the route pattern (bounded set), not the path. */
    void observe(String route, int status, long nanos) {
        latency.computeIfAbsent(route, r -> new Histogram()).observe(nanos);
        requests.computeIfAbsent(route + "\u0000" + (status / 100) + "xx", k -> new LongAdder()).increment();
    }

    /** Figures read from the store at scrape time. */
    record StoreFigures(Map<String, Long> attemptsByOutcome, long parseFailures, long pendingBlobs, long reports,
            long records, long failureReports) {
    }

    String render(StoreFigures f) {
        StringBuilder b = new StringBuilder(4096);
        b.append("# HELP aligned_ingest_attempts_total Ingestion attempts recorded in the store, by outcome.\n");
        b.append("# TYPE aligned_ingest_attempts_total counter\n");
        f.attemptsByOutcome().forEach((k, v) -> b.append("aligned_ingest_attempts_total{outcome=\"").append(label(k))
                .append("\"} ").append(v).append('\n'));
        gauge(b, "aligned_parse_failures_total", "counter", "Reports that failed to parse (all attempts).", f.parseFailures());
        gauge(b, "aligned_ingest_queue_depth", "gauge", "Archived inputs not parsed yet (state received).", f.pendingBlobs());
        gauge(b, "aligned_reports", "gauge", "Aggregate reports stored.", f.reports());
        gauge(b, "aligned_records", "gauge", "Aggregate report records stored.", f.records());
        gauge(b, "aligned_failure_reports", "gauge", "Failure reports stored.", f.failureReports());
        gauge(b, "aligned_web_uploads_total", "counter", "Report files uploaded through the dashboard or API.", uploads.sum());
        gauge(b, "aligned_web_uploads_rejected_total", "counter", "Uploads refused (size, rate, format).", uploadRejected.sum());
        gauge(b, "aligned_web_login_failures_total", "counter", "Failed logins.", loginFailures.sum());
        gauge(b, "aligned_web_rate_limited_total", "counter", "Requests refused by a rate limit.", rateLimited.sum());
        b.append("# HELP aligned_http_requests_total HTTP requests by route and status class.\n");
        b.append("# TYPE aligned_http_requests_total counter\n");
        new java.util.TreeMap<>(requests).forEach((k, v) -> {
            String[] p = k.split("\u0000");
            b.append("aligned_http_requests_total{route=\"").append(label(p[0])).append("\",status=\"").append(p[1])
                    .append("\"} ").append(v.sum()).append('\n');
        });
        b.append("# HELP aligned_http_request_duration_seconds Time to answer a request, by route.\n");
        b.append("# TYPE aligned_http_request_duration_seconds histogram\n");
        new java.util.TreeMap<>(latency).forEach((route, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.counts[i].sum();
                b.append("aligned_http_request_duration_seconds_bucket{route=\"").append(label(route)).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += h.counts[BUCKETS.length].sum();
            b.append("aligned_http_request_duration_seconds_bucket{route=\"").append(label(route))
                    .append("\",le=\"+Inf\"} ").append(cumulative).append('\n');
            b.append("aligned_http_request_duration_seconds_sum{route=\"").append(label(route)).append("\"} ")
                    .append(h.sumNanos.get() / 1e9).append('\n');
            b.append("aligned_http_request_duration_seconds_count{route=\"").append(label(route)).append("\"} ")
                    .append(h.count.sum()).append('\n');
        });
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String type, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(' ').append(v).append('\n');
    }

    private static String label(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
