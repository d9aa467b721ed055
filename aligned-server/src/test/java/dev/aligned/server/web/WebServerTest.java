package dev.aligned.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.FixtureResolver;
import dev.aligned.store.testing.TestReports;
import dev.aligned.store.testing.TestReports.Rec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route over real HTTP on a dashboard filled with the demo data and the XSS reports. */
class WebServerTest {
    static WebFixture f;
    static WebFixture.Session admin;

    @BeforeAll
    static void start() throws Exception {
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.org", DnsRecord.Txt.of("v=spf1 ip4:192.0.2.25 -all"))
                .add("_dmarc.example.org", DnsRecord.Txt.of("v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org"))
                .build();
        // many logins from one address here: the login limit is tested in WebLimitsTest
        f = new WebFixture(b -> b.resolver(dns).loginRate(1000, java.time.Duration.ofMillis(1)));
        f.ingestResource("xss-aggregate.xml");
        f.ingestResource("xss-failure.eml");
        admin = f.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static long firstReportId(String domain) throws Exception {
        return json(f.get("/api/v1/reports?days=0&domain=" + domain, admin.cookie())).get("reports").get(0).get("id").asLong();
    }

    static long firstFailureId(String domain) throws Exception {
        return json(f.get("/api/v1/failures?days=0&domain=" + domain, admin.cookie())).get("failures").get(0).get("id").asLong();
    }

    List<String> concretePaths(boolean api) throws Exception {
        long report = firstReportId("example.com");
        long failure = firstFailureId("xss.example");
        String blob = json(f.get("/api/v1/reports/" + report, admin.cookie())).get("report").get("blobSha256").asText();
        List<String> out = new ArrayList<>();
        for (WebServer.Route rt : f.web.routes) {
            if (!rt.method().equals("GET") || rt.api() != api || rt.template().startsWith("/static/")) {
                continue;
            }
            out.add(rt.template().replace("{domain}", "example.com").replace("{ip}", "209.85.220.41")
                    .replace("{id}", Long.toString(rt.template().contains("failures") ? failure : report))
                    .replace("{sha}", blob));
        }
        return out;
    }

    @Test
    void aReportListsItsRecordsInReportOrderAndASourceItsNewestRecordsFirst() throws Exception {
        // records of two source IPs interleaved: stored as one pack per report and IP, read back merged
        long day = 1718236800L;
        List<Rec> older = List.of(
                new Rec("192.0.2.10", 1, "none", "pass", "fail"),
                new Rec("192.0.2.20", 2, "reject", "fail", "fail"),
                new Rec("192.0.2.10", 3, "quarantine", "fail", "pass"));
        List<Rec> newer = List.of(
                new Rec("192.0.2.20", 4, "none", "pass", "pass"),
                new Rec("192.0.2.10", 5, "none", "pass", "fail"));
        assertEquals(1, f.ingestor.ingest("order-1.xml", TestReports.utf8(
                TestReports.xml("org.example", "order-1", "order.example", day,
                        day + 86399, older))).newReports());
        assertEquals(1, f.ingestor.ingest("order-2.xml", TestReports.utf8(
                TestReports.xml("org.example", "order-2", "order.example", day + 86400,
                        day + 2 * 86400 - 1, newer))).newReports());
        JsonNode reports = json(f.get("/api/v1/reports?days=0&domain=order.example", admin.cookie())).get("reports");
        long olderId = reports.get(reports.get(0).get("reportId").asText().equals("order-1") ? 0 : 1).get("id").asLong();
        List<String> got = new ArrayList<>();
        for (JsonNode r : json(f.get("/api/v1/reports/" + olderId, admin.cookie())).get("records")) {
            got.add(r.get("seq").asInt() + " " + r.get("sourceIp").asText() + " " + r.get("messages").asLong() + " "
                    + r.get("disposition").asText() + " " + r.get("auth").size());
        }
        assertEquals(List.of("1 192.0.2.10 1 none 2", "2 192.0.2.20 2 reject 2", "3 192.0.2.10 3 quarantine 2"), got);
        Queries.SourceDetail d = f.web.queries.source("order.example", "192.0.2.10",
                Queries.Period.lastDays(0, LocalDate.of(2024, 6, 20)));
        assertEquals(List.of("order-2/2/5", "order-1/1/1", "order-1/3/3"), d.records().stream()
                .map(r -> r.reportId() + "/" + r.seq() + "/" + r.messages()).toList(), "newest report first, then seq");
        assertEquals("dkim order.example s1 pass", d.records().get(0).auth().get(0).method() + " "
                + d.records().get(0).auth().get(0).domain() + " " + d.records().get(0).auth().get(0).selector() + " "
                + d.records().get(0).auth().get(0).result());
    }

    @Test
    void aReportLargerThanThePageListsItsFirstRecordsInReportOrder() throws Exception {
        // 1,300 records over 7 source IPs in turn: 7 packs, each spanning the whole report; the page shows seq 1-500
        List<Rec> recs = new ArrayList<>();
        for (int i = 0; i < 1300; i++) {
            recs.add(new Rec("198.51.100." + (i % 7), i + 1, "none", "pass", "pass"));
        }
        long day = 1718236800L;
        assertEquals(1, f.ingestor.ingest("big.xml", TestReports.utf8(TestReports.xml("org.example", "big-1",
                "big.example", day, day + 86399, recs))).newReports());
        JsonNode reports = json(f.get("/api/v1/reports?days=0&domain=big.example", admin.cookie())).get("reports");
        JsonNode detail = json(f.get("/api/v1/reports/" + reports.get(0).get("id").asLong(), admin.cookie()));
        JsonNode listed = detail.get("records");
        assertEquals(Queries.MAX_ROWS, listed.size());
        for (int i = 0; i < listed.size(); i++) {
            assertEquals(i + 1, listed.get(i).get("seq").asInt());
            assertEquals(i + 1, listed.get(i).get("messages").asLong(), "record " + (i + 1) + " is its own record");
            assertEquals("198.51.100." + (i % 7), listed.get(i).get("sourceIp").asText());
        }
    }

    @Test
    void everyPageRouteAnswers200ForTheAdmin() throws Exception {
        List<String> paths = concretePaths(false);
        assertTrue(paths.size() >= 15, "pages: " + paths);
        for (String p : paths) {
            HttpResponse<String> r = f.get(p, admin.cookie());
            assertEquals(200, r.statusCode(), p + ": " + r.body());
        }
        assertEquals(200, f.get("/static/app.js", null).statusCode());
        assertEquals(200, f.get("/static/app.css", null).statusCode());
        assertEquals(404, f.get("/static/other.js", null).statusCode());
    }

    @Test
    void everyApiGetRouteAnswers200WithABearerToken() throws Exception {
        String token = createToken(admin, "api-test");
        for (String p : concretePaths(true)) {
            HttpResponse<String> r = f.getWithToken(p, token);
            assertEquals(200, r.statusCode(), p + ": " + r.body());
        }
    }

    @Test
    void overviewShowsTheDemoDomainsWithMessageSums() throws Exception {
        JsonNode o = json(f.get("/api/v1/overview?days=30", admin.cookie()));
        List<String> domains = new ArrayList<>();
        long sum = 0;
        for (JsonNode d : o.get("domains")) {
            domains.add(d.get("domain").asText());
            sum += d.get("messages").asLong();
        }
        assertTrue(domains.containsAll(List.of("example.com", "example.org")), domains.toString());
        long days = 0;
        for (JsonNode d : o.get("days")) {
            days += d.get("messages").asLong();
        }
        assertEquals(sum, days, "the daily series sums to the domain totals");
        assertEquals(30, o.get("days").size());
        String page = f.get("/", admin.cookie()).body();
        assertTrue(page.contains("<svg") && page.contains("id=\"chart-volume\""), "the overview draws the chart");
    }

    @Test
    void pagesWithoutASessionRedirectToLoginAndTheApiAnswers401() {
        HttpResponse<String> page = f.get("/domains/example.com?days=7", null);
        assertEquals(303, page.statusCode());
        assertEquals("/login?next=%2Fdomains%2Fexample.com%3Fdays%3D7", page.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> api = f.get("/api/v1/overview", null);
        assertEquals(401, api.statusCode());
        assertEquals("Bearer", api.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals(401, f.getWithToken("/api/v1/overview", "alg_not-a-token").statusCode());
        assertEquals(303, f.get("/", "aligned_session=forged").statusCode());
    }

    @Test
    void responsesCarryTheSecurityHeaders() {
        for (HttpResponse<String> r : List.of(f.get("/login", null), f.get("/", admin.cookie()),
                f.get("/api/v1/overview", admin.cookie()))) {
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'")
                    && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElseThrow());
        }
        String page = f.get("/", admin.cookie()).body();
        assertFalse(page.contains("<script>"), "no inline script");
        assertFalse(page.contains(" style=\""), "no inline style");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() {
        HttpResponse<String> r = f.loginAttempt("admin", WebFixture.ADMIN_PASSWORD);
        assertEquals(303, r.statusCode());
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("aligned_session="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict") && cookie.contains("; Path=/"),
                cookie);
        assertFalse(cookie.contains("Secure"), "no Secure flag without TLS: " + cookie);
    }

    @Test
    void aWrongPasswordOrAnUnknownUserIsRefused() {
        HttpResponse<String> r = f.loginAttempt("admin", "wrong password!");
        assertEquals(401, r.statusCode());
        assertTrue(r.body().contains("Wrong user name or password."));
        assertEquals(401, f.loginAttempt("nobody", "whatever-password").statusCode());
    }

    @Test
    void aLoginWithoutThePreLoginTokenIsRefused() {
        HttpResponse<String> r = f.postForm("/login", null, Map.of("username", "admin", "password",
                WebFixture.ADMIN_PASSWORD, "pre", "x"));
        assertEquals(403, r.statusCode());
        String pre = f.preToken();
        HttpResponse<String> other = f.postForm("/login", "aligned_pre=" + pre, Map.of("username", "admin",
                "password", WebFixture.ADMIN_PASSWORD, "pre", pre + "x"));
        assertEquals(403, other.statusCode());
    }

    @Test
    void everyPostWithoutTheCsrfTokenIsRefused() {
        WebFixture.Session s = f.admin();
        for (String path : List.of("/logout", "/settings/tokens", "/settings/users", "/domains/example.org/records/check",
                "/settings/tokens/1/revoke", "/settings/password", "/settings/users/2/delete")) {
            HttpResponse<String> none = f.postForm(path, s.cookie(), Map.of("name", "t"));
            assertEquals(403, none.statusCode(), path);
            assertTrue(none.body().contains("CSRF"), path + ": " + none.body());
            HttpResponse<String> wrong = f.postForm(path, s.cookie(), Map.of("name", "t", "csrf", s.csrf() + "x"));
            assertEquals(403, wrong.statusCode(), path);
        }
        HttpResponse<String> upload = f.send(HttpRequest.newBuilder(f.uri("/upload")).header("Cookie", s.cookie())
                .header("Content-Type", "multipart/form-data; boundary=XX")
                .POST(HttpRequest.BodyPublishers.ofString(multipart("XX", null, "a.xml", "<feedback/>"))).build());
        assertEquals(403, upload.statusCode());
        HttpResponse<String> api = f.send(HttpRequest.newBuilder(f.uri("/api/v1/upload")).header("Cookie", s.cookie())
                .POST(HttpRequest.BodyPublishers.ofString("<feedback/>")).build());
        assertEquals(403, api.statusCode(), "a session-authenticated API POST needs X-CSRF-Token");
        // the session still works: nothing was done
        assertEquals(200, f.get("/", s.cookie()).statusCode());
    }

    static String multipart(String boundary, String csrf, String filename, String content) {
        StringBuilder b = new StringBuilder();
        if (csrf != null) {
            b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n")
                    .append(csrf).append("\r\n");
        }
        b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(filename).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n").append(content)
                .append("\r\n--").append(boundary).append("--\r\n");
        return b.toString();
    }

    @Test
    void reportContentIsEscapedOnEveryPageThatShowsIt() throws Exception {
        long report = firstReportId("xss.example");
        long failure = firstFailureId("xss.example");
        for (String p : List.of("/reports?days=0", "/reports/" + report, "/reports/" + report + "/raw",
                "/domains/xss.example/sources/192.0.2.66?days=0", "/failures?days=0", "/failures/" + failure,
                "/ingest", "/?days=0")) {
            String body = f.get(p, admin.cookie()).body();
            assertFalse(body.contains("<script>window"), p + " has a live script tag");
            assertFalse(body.contains("<img src=x"), p + " has a live img tag");
            assertFalse(Pattern.compile("<[^>]*onerror=").matcher(body).find(), p + " has an event handler");
        }
        String detail = f.get("/reports/" + report, admin.cookie()).body();
        assertTrue(detail.contains("&lt;script&gt;window.xssOrg=1&lt;/script&gt;Evil Org"), "org_name shown as text");
        String source = f.get("/domains/xss.example/sources/192.0.2.66?days=0", admin.cookie()).body();
        assertTrue(source.contains("&lt;img src=x onerror=&quot;window.xssHuman=1&quot;&gt;"), "human_result as text");
        String fr = f.get("/failures/" + failure, admin.cookie()).body();
        assertTrue(fr.contains("X-Evil: &lt;/pre&gt;&lt;script&gt;window.xssHeader=3&lt;/script&gt;"), "headers as text");
        String api = f.get("/api/v1/reports/" + report, admin.cookie()).body();
        assertFalse(api.contains("<script>"), "the JSON escapes < too");
        assertTrue(api.contains("\\u003Cscript\\u003Ewindow.xssOrg=1"), api);
    }

    @Test
    void aViewerSeesOnlyTheirDomains() throws Exception {
        WebFixture.Session s = f.admin();
        HttpResponse<String> created = f.postForm("/settings/users", s.cookie(), Map.of("csrf", s.csrf(), "username",
                "viewer", "password", "viewer-password-1", "domains", "example.org"));
        assertEquals(200, created.statusCode(), created.body());
        WebFixture.Session v = f.login("viewer", "viewer-password-1");
        JsonNode o = json(f.get("/api/v1/overview?days=30", v.cookie()));
        assertEquals(1, o.get("domains").size());
        assertEquals("example.org", o.get("domains").get(0).get("domain").asText());
        String page = f.get("/?days=30", v.cookie()).body();
        assertTrue(page.contains("example.org") && !page.contains("example.com"), "overview lists example.org only");
        long comReport = firstReportId("example.com");
        for (String p : List.of("/domains/example.com", "/domains/example.com/sources/209.85.220.41",
                "/reports/" + comReport, "/reports/" + comReport + "/raw", "/api/v1/domains/example.com",
                "/api/v1/reports/" + comReport, "/api/v1/reports?domain=example.com")) {
            assertEquals(404, f.get(p, v.cookie()).statusCode(), p);
        }
        for (String p : List.of("/ingest", "/upload", "/api/v1/ingest", "/api/v1/users")) {
            assertEquals(403, f.get(p, v.cookie()).statusCode(), p);
        }
        JsonNode reports = json(f.get("/api/v1/reports?days=0", v.cookie())).get("reports");
        for (JsonNode r : reports) {
            assertEquals("example.org", r.get("domain").asText());
        }
        assertEquals(200, f.get("/domains/example.org", v.cookie()).statusCode());
    }

    @Test
    void aViewerCannotOpenAnInputThatAlsoCarriesAnotherDomain() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (DemoData.GeneratedReport g : DemoData.generate(LocalDate.of(2024, 2, 1)).subList(0, 2)) {
                zip.putNextEntry(new java.util.zip.ZipEntry(g.name()));
                zip.write(g.xml().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        f.ingestor.ingest("test:mixed.zip", bytes.toByteArray());
        WebFixture.Session s = f.admin();
        assertEquals(200, f.postForm("/settings/users", s.cookie(), Map.of("csrf", s.csrf(), "username", "orgonly",
                "password", "orgonly-password", "domains", "example.org")).statusCode());
        WebFixture.Session v = f.login("orgonly", "orgonly-password");
        JsonNode reports = json(f.get("/api/v1/reports?days=0&org=google.com", v.cookie())).get("reports");
        JsonNode mixed = null;
        for (JsonNode r : reports) {
            if (r.get("source").asText().startsWith("test:mixed.zip")) {
                mixed = r;
            }
        }
        assertTrue(mixed != null, "the example.org report of the zip is listed: " + reports);
        assertEquals(200, f.get("/reports/" + mixed.get("id").asLong(), v.cookie()).statusCode());
        assertEquals(404, f.get("/reports/" + mixed.get("id").asLong() + "/raw", v.cookie()).statusCode());
        assertEquals(404, f.get("/blobs/" + mixed.get("blobSha256").asText() + "/download", v.cookie()).statusCode());
        assertEquals(404, f.get("/api/v1/blobs/" + mixed.get("blobSha256").asText(), v.cookie()).statusCode());
        assertEquals(200, f.get("/reports/" + mixed.get("id").asLong() + "/raw", admin.cookie()).statusCode());
    }

    @Test
    void aPasswordChangeNeedsTheCurrentPasswordAndEndsOtherSessions() throws Exception {
        WebFixture.Session s = f.admin();
        assertEquals(200, f.postForm("/settings/users", s.cookie(), Map.of("csrf", s.csrf(), "username", "changer",
                "password", "first-password-1")).statusCode());
        WebFixture.Session one = f.login("changer", "first-password-1");
        WebFixture.Session two = f.login("changer", "first-password-1");
        assertEquals(403, f.postForm("/settings/password", one.cookie(), Map.of("csrf", one.csrf(), "current", "wrong",
                "next", "second-password-2")).statusCode());
        assertEquals(400, f.postForm("/settings/password", one.cookie(), Map.of("csrf", one.csrf(), "current",
                "first-password-1", "next", "short")).statusCode());
        HttpResponse<String> ok = f.postForm("/settings/password", one.cookie(), Map.of("csrf", one.csrf(), "current",
                "first-password-1", "next", "second-password-2"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(200, f.get("/", one.cookie()).statusCode(), "this session stays");
        assertEquals(303, f.get("/", two.cookie()).statusCode(), "the other session ended");
        assertEquals(401, f.loginAttempt("changer", "first-password-1").statusCode());
        f.login("changer", "second-password-2");
    }

    @Test
    void anAdminDeletesAUserAndTheirSessionsAndTokens() throws Exception {
        WebFixture.Session s = f.admin();
        assertEquals(200, f.postForm("/settings/users", s.cookie(), Map.of("csrf", s.csrf(), "username", "leaver",
                "password", "leaver-password")).statusCode());
        WebFixture.Session leaver = f.login("leaver", "leaver-password");
        String token = createToken(leaver, "gone");
        long id = -1;
        for (JsonNode u : json(f.get("/api/v1/users", s.cookie())).get("users")) {
            if (u.get("username").asText().equals("leaver")) {
                id = u.get("id").asLong();
            }
        }
        assertEquals(403, f.postForm("/settings/users/" + id + "/delete", leaver.cookie(), Map.of("csrf", leaver.csrf()))
                .statusCode(), "viewers cannot delete users");
        assertEquals(200, f.postForm("/settings/users/" + id + "/delete", s.cookie(), Map.of("csrf", s.csrf())).statusCode());
        assertEquals(303, f.get("/", leaver.cookie()).statusCode());
        assertEquals(401, f.getWithToken("/api/v1/me", token).statusCode());
        assertEquals(401, f.loginAttempt("leaver", "leaver-password").statusCode());
    }

    static String createToken(WebFixture.Session s, String name) {
        HttpResponse<String> r = f.postForm("/settings/tokens", s.cookie(), Map.of("csrf", s.csrf(), "name", name));
        Matcher m = Pattern.compile("id=\"new-token\">([^<]+)<").matcher(r.body());
        assertTrue(m.find(), r.body());
        return m.group(1);
    }

    @Test
    void anApiTokenWorksUntilRevokedAndIsStoredHashed() throws Exception {
        WebFixture.Session s = f.admin();
        String token = createToken(s, "ci");
        JsonNode me = json(f.getWithToken("/api/v1/me", token));
        assertEquals("admin", me.get("username").asText());
        assertEquals("token", me.get("via").asText());
        JsonNode tokens = json(f.getWithToken("/api/v1/tokens", token)).get("tokens");
        long id = -1;
        for (JsonNode t : tokens) {
            assertFalse(t.toString().contains(token), "the secret is never listed");
            if (t.get("name").asText().equals("ci")) {
                id = t.get("id").asLong();
            }
        }
        String stored = f.web.db.read(c -> WebDb.query(c, "SELECT token_sha256 FROM api_tokens WHERE name = 'ci'",
                rs -> rs.getString(1))).get(0);
        assertEquals(Passwords.sha256(token), stored);
        assertEquals(303, f.postForm("/settings/tokens/" + id + "/revoke", s.cookie(), Map.of("csrf", s.csrf())).statusCode());
        assertEquals(401, f.getWithToken("/api/v1/me", token).statusCode());
    }

    @Test
    void theOpenApiDocumentListsEveryApiRoute() throws Exception {
        JsonNode doc = json(f.get("/api/v1/openapi.json", null));
        assertEquals("3.0.3", doc.get("openapi").asText());
        int n = 0;
        for (WebServer.Route rt : f.web.routes) {
            if (rt.api()) {
                n++;
                JsonNode op = doc.get("paths").path(rt.template()).path(rt.method().toLowerCase());
                assertFalse(op.isMissingNode(), rt.method() + " " + rt.template() + " is documented");
                assertTrue(op.get("summary").asText().length() > 5);
            }
        }
        assertTrue(n >= 20, "api routes: " + n);
        assertTrue(doc.get("paths").get("/api/v1/domains/{domain}/sources/{ip}").get("get").get("parameters").toString()
                .contains("\"ip\""));
    }

    @Test
    void metricsReportIngestCountsParseFailuresQueueDepthAndLatency() {
        f.get("/", admin.cookie());
        String m = f.get("/metrics", null).body();
        assertTrue(m.contains("aligned_ingest_attempts_total{outcome=\"stored\"}"), m);
        assertTrue(Pattern.compile("aligned_parse_failures_total [1-9]").matcher(m).find(), "the demo has broken files");
        assertTrue(m.contains("aligned_ingest_queue_depth 0"), m);
        assertTrue(m.contains("aligned_http_request_duration_seconds_bucket{route=\"/\",le=\"+Inf\"}"), m);
        assertTrue(m.contains("# TYPE aligned_http_request_duration_seconds histogram"));
    }

    @Test
    void healthAndReadinessAnswerWithoutLogin() {
        assertEquals(200, f.get("/healthz", null).statusCode());
        HttpResponse<String> r = f.get("/readyz", null);
        assertEquals(200, r.statusCode());
        assertEquals("ready\n", r.body());
    }

    @Test
    void anApiUploadIsStoredOnceThenCountedAsDuplicate() throws Exception {
        String token = createToken(f.admin(), "upload");
        String xml = DemoData.generate(LocalDate.of(2025, 3, 1)).get(0).xml();
        HttpRequest up = HttpRequest.newBuilder(f.uri("/api/v1/upload?name=march.xml")).header("Authorization",
                "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(xml)).build();
        JsonNode first = json(f.send(up));
        assertEquals(1, first.get("new").asInt());
        assertEquals(6, first.get("records").asInt());
        HttpResponse<String> again = f.send(up);
        assertEquals(200, again.statusCode());
        assertEquals(1, json(again).get("duplicate").asInt());
        HttpResponse<String> junk = f.send(HttpRequest.newBuilder(f.uri("/api/v1/upload")).header("Authorization",
                "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString("<feedback><broken")).build());
        assertEquals(422, junk.statusCode());
        assertTrue(json(junk).get("failures").get(0).get("error").asText().contains("line"), junk.body());
        String log = f.get("/ingest?errors=1", admin.cookie()).body();
        assertTrue(log.contains("web://admin@127.0.0.1/upload/"), "the failed upload is in the ingestion log");
    }

    @Test
    void aPageUploadIsCountedOnTheDomainPage() throws Exception {
        WebFixture.Session s = f.admin();
        String before = json(f.get("/api/v1/overview?days=0&domain=upload.example", s.cookie())).get("domains").toString();
        assertEquals("[]", before);
        String xml = DemoData.generate(LocalDate.of(2025, 4, 1)).get(0).xml().replace("example.com", "upload.example");
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/upload")).header("Cookie", s.cookie())
                .header("Content-Type", "multipart/form-data; boundary=BOUNDARY123")
                .POST(HttpRequest.BodyPublishers.ofString(multipart("BOUNDARY123", s.csrf(), "april.xml", xml))).build());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("april.xml: 1 new, 0 duplicate, 0 failed, 6 records."), r.body());
        JsonNode after = json(f.get("/api/v1/overview?days=0&domain=upload.example", s.cookie())).get("domains");
        assertEquals(1, after.size());
        assertTrue(after.get(0).get("messages").asLong() > 0);
    }

    @Test
    void theDownloadIsTheOriginalBytes() throws Exception {
        long id = firstReportId("xss.example");
        String blob = json(f.get("/api/v1/reports/" + id, admin.cookie())).get("report").get("blobSha256").asText();
        HttpResponse<byte[]> r = f.http.send(HttpRequest.newBuilder(f.uri("/blobs/" + blob + "/download"))
                .header("Cookie", admin.cookie()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(new String(WebFixture.resource("xss-aggregate.xml"), StandardCharsets.UTF_8),
                new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));
        assertEquals(404, f.get("/blobs/" + "0".repeat(64) + "/download", admin.cookie()).statusCode());
    }

    @Test
    void aLiveCheckUsesTheResolverAndIsKeptAsHistory() throws Exception {
        WebFixture.Session s = f.admin();
        HttpResponse<String> r = f.postForm("/domains/example.org/records/check", s.cookie(), Map.of("csrf", s.csrf()));
        assertEquals(303, r.statusCode(), r.body());
        String page = f.get("/domains/example.org/records", s.cookie()).body();
        assertTrue(page.contains("id=\"check-grade\""), page);
        assertTrue(page.contains("DKIM selectors seen in reports: mail."), "selectors from the reports: " + page);
        JsonNode checks = json(f.get("/api/v1/domains/example.org/checks", s.cookie()));
        assertTrue(checks.get("checks").size() >= 1);
        assertEquals("mail", checks.get("selectorsSeen").get(0).asText());
    }

    @Test
    void theDomainPageShowsClassifiedSourcesAndReadiness() throws Exception {
        String page = f.get("/domains/example.com", admin.cookie()).body();
        assertTrue(page.contains("id=\"readiness\""), "readiness section");
        assertTrue(page.contains("167.89.115.54") && page.contains("203.0.113.66"), "sources listed");
        JsonNode sources = json(f.get("/api/v1/domains/example.com/sources", admin.cookie())).get("sources");
        boolean unknown = false;
        for (JsonNode src : sources) {
            if (src.get("ip").asText().equals("203.0.113.66")) {
                unknown = src.get("classification").asText().equals("unknown");
            }
        }
        assertTrue(unknown, "the spoofing source is unknown: " + sources);
        JsonNode ready = json(f.get("/api/v1/domains/example.com/readiness", admin.cookie()));
        assertEquals("p=none", ready.get("currentPolicy").asText());
    }

    @Test
    void unknownPathsAndMethodsAnswer404And405() {
        assertEquals(404, f.get("/nope", admin.cookie()).statusCode());
        assertEquals(404, f.get("/api/v1/nope", admin.cookie()).statusCode());
        assertEquals(405, f.postForm("/healthz", null, Map.of()).statusCode());
        assertEquals(404, f.get("/domains/EXAMPLE..COM%3Cscript%3E", admin.cookie()).statusCode());
        assertEquals(404, f.get("/reports/999999", admin.cookie()).statusCode());
        assertEquals(404, f.get("/reports/abc", admin.cookie()).statusCode());
    }
}
