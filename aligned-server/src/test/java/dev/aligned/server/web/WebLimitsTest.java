package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Rate limits, the upload size limit, Secure cookies, session expiry and the first-start admin password. */
class WebLimitsTest {

    @Test
    void loginsBeyondTheBurstAre429UntilTheBucketRefills() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.loginRate(3, Duration.ofMinutes(1)))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(401, f.loginAttempt("admin", "wrong-password-" + i).statusCode());
            }
            HttpResponse<String> limited = f.loginAttempt("admin", WebFixture.ADMIN_PASSWORD);
            assertEquals(429, limited.statusCode(), "even the right password waits");
            assertEquals("60", limited.headers().firstValue("Retry-After").orElseThrow());
            f.clock.advance(Duration.ofSeconds(61));
            assertEquals(303, f.loginAttempt("admin", WebFixture.ADMIN_PASSWORD).statusCode());
            assertTrue(f.get("/metrics", null).body().contains("aligned_web_rate_limited_total 1"));
        }
    }

    static HttpRequest upload(WebFixture f, String token, String body) {
        return HttpRequest.newBuilder(f.uri("/api/v1/upload")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String token(WebFixture f) {
        WebFixture.Session s = f.admin();
        HttpResponse<String> r = f.postForm("/settings/tokens", s.cookie(), java.util.Map.of("csrf", s.csrf(), "name", "t"));
        Matcher m = Pattern.compile("id=\"new-token\">([^<]+)<").matcher(r.body());
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void uploadsBeyondTheBurstAre429() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.uploadRate(2, Duration.ofMinutes(1)))) {
            String token = token(f);
            String xml = DemoData.generate(java.time.LocalDate.of(2025, 1, 1)).get(1).xml();
            assertEquals(200, f.send(upload(f, token, xml)).statusCode());
            assertEquals(200, f.send(upload(f, token, xml)).statusCode());
            HttpResponse<String> third = f.send(upload(f, token, xml));
            assertEquals(429, third.statusCode());
            assertTrue(third.body().contains("too many uploads"), third.body());
            f.clock.advance(Duration.ofMinutes(1));
            assertEquals(200, f.send(upload(f, token, xml)).statusCode());
        }
    }

    @Test
    void anUploadOverTheSizeLimitIs413AndNothingIsStored() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.maxUploadBytes(1000))) {
            String token = token(f);
            String big = DemoData.generate(java.time.LocalDate.of(2025, 1, 1)).get(0).xml();
            assertTrue(big.length() > 1000);
            HttpResponse<String> r = f.send(upload(f, token, big));
            assertEquals(413, r.statusCode());
            assertTrue(r.body().contains("more than the limit of 1000"), r.body());
            WebFixture.Session s = f.admin();
            HttpResponse<String> page = f.send(HttpRequest.newBuilder(f.uri("/upload")).header("Cookie", s.cookie())
                    .header("Content-Type", "multipart/form-data; boundary=B0")
                    .POST(HttpRequest.BodyPublishers.ofString(WebServerTest.multipart("B0", s.csrf(), "big.xml", big)))
                    .build());
            assertEquals(413, page.statusCode());
            assertTrue(page.body().contains("more than the limit of 1000"), page.body());
            assertEquals(0, f.store.stats().blobs());
        }
    }

    @Test
    void cookiesAreSecureWhenConfiguredForTls() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.secureCookies(true))) {
            HttpResponse<String> r = f.loginAttempt("admin", WebFixture.ADMIN_PASSWORD);
            assertTrue(r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("aligned_session="))
                    .allMatch(c -> c.endsWith("; Secure")), r.headers().allValues("Set-Cookie").toString());
        }
    }

    @Test
    void aSessionExpiresAfterItsLifetime() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.sessionLifetime(Duration.ofHours(1)))) {
            WebFixture.Session s = f.admin();
            assertEquals(200, f.get("/", s.cookie()).statusCode());
            f.clock.advance(Duration.ofMinutes(61));
            assertEquals(303, f.get("/", s.cookie()).statusCode());
        }
    }

    @Test
    void theFirstStartCreatesAnAdminWithAGeneratedPasswordPrintedOnce() throws Exception {
        try (WebFixture f = new WebFixture(false, b -> b.adminPassword(null))) {
            String console = f.console.toString(java.nio.charset.StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("user 'admin' with the password (\\S+) ").matcher(console);
            assertTrue(m.find(), console);
            assertEquals(303, f.loginAttempt("admin", m.group(1)).statusCode());
            String hash = f.web.db.read(c -> WebDb.query(c, "SELECT password_hash FROM users WHERE username = 'admin'",
                    rs -> rs.getString(1))).get(0);
            assertTrue(hash.startsWith("pbkdf2-sha256$1000$") && !hash.contains(m.group(1)), hash);
        }
    }
}
