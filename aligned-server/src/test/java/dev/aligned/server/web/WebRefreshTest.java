package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The after-ingest refresh runs off the request path for reports stored by any source, and pages run in parallel. */
class WebRefreshTest {

    @Test
    void aReportStoredOutsideTheDashboardIsPickedUpByTheRefresherWithoutAnyRequest() throws Exception {
        try (WebFixture f = new WebFixture(b -> b.refreshPoll(Duration.ofMillis(100)))) {
            // stored through the ingestor, as IMAP, a watched directory or SMTP would: no upload, no page view
            f.ingestResource("xss-aggregate.xml");
            long id = scalar(f.url, "SELECT MAX(id) FROM reports WHERE domain = 'xss.example'");
            assertTrue(id > 0, "the report was stored");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long windows = 0;
            while (System.nanoTime() < deadline) {
                windows = scalar(f.url, "SELECT COUNT(*) FROM source_windows WHERE domain = 'xss.example' AND version = "
                        + id);
                if (windows == dev.aligned.server.analysis.Analysis.WINDOWS.size()) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(dev.aligned.server.analysis.Analysis.WINDOWS.size(), windows,
                    "every source window of the new domain computed at the new version");
        }
    }

    @Test
    void concurrentPageRequestsAllAnswerWithTheSameContent() throws Exception {
        try (WebFixture f = new WebFixture()) {
            WebFixture.Session admin = f.admin();
            List<String> paths = List.of("/api/v1/overview?days=0", "/api/v1/domains/example.com?days=0",
                    "/api/v1/domains/example.com/sources?days=0");
            List<String> expected = new ArrayList<>();
            for (String p : paths) {
                expected.add(f.get(p, admin.cookie()).body());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> got = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    String p = paths.get(i % paths.size());
                    Callable<String> call = () -> {
                        HttpResponse<String> r = f.get(p, admin.cookie());
                        assertEquals(200, r.statusCode(), p);
                        return r.body();
                    };
                    got.add(pool.submit(call));
                }
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(expected.get(i % paths.size()), got.get(i).get(), paths.get(i % paths.size()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static long scalar(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
