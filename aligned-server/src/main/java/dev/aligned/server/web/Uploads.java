package dev.aligned.server.web;

import dev.aligned.store.IngestResult;
import java.util.concurrent.atomic.AtomicLong;

/** Uploaded report files go through the store's {@link dev.aligned.store.Ingestor}, like every other source. */
final class Uploads {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Uploads() {
    }

    /** Ingests one uploaded file; the source names the user, the client and the file name (printable ASCII). */
    static IngestResult ingest(WebServer web, Req r, String filename, byte[] bytes) {
        String name = filename == null ? "" : filename.replaceAll("[^\\x21-\\x7e]", "_");
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        String source = "web://" + r.user.username() + "@" + r.clientIp + "/upload/" + SEQUENCE.incrementAndGet()
                + (name.isEmpty() ? "" : ";name=" + name);
        IngestResult res = web.ingestor.ingest(source, bytes);
        web.metrics.uploads.increment();
        if (res.newReports() > 0) {
            web.insights.refreshLater();
        }
        return res;
    }
}
