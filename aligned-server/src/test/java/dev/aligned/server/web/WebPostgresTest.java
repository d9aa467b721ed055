package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aligned.store.testing.PostgresServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard on a real PostgreSQL (schema V4 there too): accounts, tokens, per-domain access, pages, upload. */
class WebPostgresTest {

    @Test
    void theDashboardWorksOnPostgresql() throws Exception {
        String url = PostgresServer.shared().createDatabase();
        try (WebFixture f = new WebFixture(url, false, b -> b.loginRate(1000, Duration.ofMillis(1)))) {
            for (DemoData.GeneratedReport g : DemoData.generate(LocalDate.of(2026, 11, 28)).subList(0, 24)) {
                f.ingestor.ingest("pg:" + g.name(), g.xml().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            f.ingestResource("xss-aggregate.xml");
            WebFixture.Session admin = f.admin();
            JsonNode o = WebServerTest.json(f.get("/api/v1/overview?days=0", admin.cookie()));
            assertEquals(3, o.get("domains").size(), o.toString());
            for (String p : new String[] {"/?days=0", "/domains/example.com?days=0", "/reports?days=0", "/ingest",
                    "/domains/example.com/sources/167.89.115.54?days=0", "/settings", "/failures?days=0"}) {
                HttpResponse<String> r = f.get(p, admin.cookie());
                assertEquals(200, r.statusCode(), p + ": " + r.body());
                assertTrue(!r.body().contains("<script>window"), p);
            }
            assertEquals(200, f.postForm("/settings/users", admin.cookie(), Map.of("csrf", admin.csrf(), "username",
                    "viewer", "password", "viewer-password-1", "domains", "example.org")).statusCode());
            WebFixture.Session viewer = f.login("viewer", "viewer-password-1");
            JsonNode seen = WebServerTest.json(f.get("/api/v1/overview?days=0", viewer.cookie()));
            assertEquals(1, seen.get("domains").size());
            assertEquals(404, f.get("/domains/example.com", viewer.cookie()).statusCode());
            String token = WebLimitsTest.token(f);
            assertEquals("admin", WebServerTest.json(f.getWithToken("/api/v1/me", token)).get("username").asText());
        }
    }
}
