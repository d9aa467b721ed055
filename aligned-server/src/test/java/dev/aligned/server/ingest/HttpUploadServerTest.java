package dev.aligned.server.ingest;

import static dev.aligned.store.testing.TestReports.gzip;
import static dev.aligned.store.testing.TestReports.utf8;
import static dev.aligned.store.testing.TestReports.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.store.Ingestor;
import dev.aligned.store.ReportStore;
import dev.aligned.store.testing.TestReports.Rec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpUploadServerTest {
    static final long DAY = 1718236800L;
    static final String TOKEN = "upload-token-77";

    @TempDir
    Path tmp;
    ReportStore store;
    HttpUploadServer http;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
        http = HttpUploadServer.builder(Ingestor.builder(store).build()).maxUploadBytes(4096)
                .token(Secret.of(TOKEN)).build().start();
    }

    @AfterEach
    void stop() {
        http.close();
        store.close();
    }

    HttpResponse<String> post(byte[] body, String token, String query) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                + HttpUploadServer.PATH + (query == null ? "" : "?" + query)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] report(String id) {
        return gzip(utf8(xml("reporter.example", id, "example.com", DAY, DAY + 86399,
                List.of(new Rec("192.0.2.1", 5, "none", "pass", "fail")))));
    }

    @Test
    void anUploadedReportIsStoredOnceAndSummarised() throws Exception {
        HttpResponse<String> r = post(report("h-1"), TOKEN, "name=google.com!example.com.xml.gz");
        assertEquals(200, r.statusCode());
        assertEquals("{\"new\":1,\"duplicate\":0,\"failed\":0,\"records\":1,\"failures\":[]}", r.body());
        HttpResponse<String> again = post(report("h-1"), TOKEN, null);
        assertEquals(200, again.statusCode());
        assertEquals("{\"new\":0,\"duplicate\":1,\"failed\":0,\"records\":0,\"failures\":[]}", again.body());
        assertEquals(1, store.stats().reports());
    }

    @Test
    void somethingThatIsNoReportIs422AndKeptWithItsError() throws Exception {
        HttpResponse<String> r = post(utf8("<html><script>x</script></html>"), TOKEN, "name=page.html");
        assertEquals(422, r.statusCode());
        assertTrue(r.body().startsWith("{\"new\":0,\"duplicate\":0,\"failed\":1,\"records\":0,\"failures\":[{\"source\":"
                + "\"http://127.0.0.1/api/reports/1;name=page.html\",\"error\":"), r.body());
        assertTrue(!r.body().contains("<"), "markup escaped: " + r.body());
        assertEquals(1, store.unparsed(10).size());
    }

    @Test
    void anUploadOverTheLimitIs413AndNothingIsStored() throws Exception {
        HttpResponse<String> r = post(new byte[5000], TOKEN, null);
        assertEquals(413, r.statusCode());
        assertEquals("{\"error\":\"upload is 5000 bytes, more than the limit of 4096\"}", r.body());
        assertEquals(0, store.stats().blobs());
    }

    @Test
    void aChunkedUploadOverTheLimitIs413Too() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + HttpUploadServer.PATH))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[9000])))
                .build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals(0, store.stats().blobs());
    }

    @Test
    void withoutTheTokenItIs401() throws Exception {
        assertEquals(401, post(report("h-2"), null, null).statusCode());
        HttpResponse<String> wrong = post(report("h-2"), "nope", null);
        assertEquals(401, wrong.statusCode());
        assertEquals("Bearer", wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals(0, store.stats().blobs());
    }

    @Test
    void otherMethodsAre405() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port()
                + HttpUploadServer.PATH)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void whenTheStoreIsDownItIs503WithRetryAfter() throws Exception {
        store.close();
        HttpResponse<String> r = post(report("h-3"), TOKEN, null);
        assertEquals(503, r.statusCode());
        assertEquals("30", r.headers().firstValue("Retry-After").orElseThrow());
        store = ReportStore.builder().url("jdbc:sqlite:" + tmp.resolve("aligned.db")).build();
    }
}
