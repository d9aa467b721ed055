package dev.aligned.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aligned serve} with the dashboard: {@code --demo}, {@code --listen}, the printed login. */
class ServeDashboardTest {
    @TempDir
    Path tmp;

    @Test
    void serveDemoFillsAnEmptyDatabasePrintsTheLoginAndServesTheDashboard() throws Exception {
        Path db = tmp.resolve("demo.db");
        // DNS from the README's fixture: the test stays offline (reverse DNS and checks ask only the fixture)
        ServeCommandTest.Serving s = ServeCommandTest.Serving.start(Map.of(), "serve", "--demo", "--db", db.toString(),
                "--listen", "127.0.0.1:0", "--dns", Path.of("../examples/example.com.yml").toString());
        String out = s.out().toString();
        assertTrue(out.startsWith("Aligned serving " + db + "\nLoading the demo reports into " + db + " ...\n"), out);
        assertTrue(Pattern.compile("\n  \\d+ files: \\d+ reports stored, 2 unreadable on purpose \\(see the ingestion log\\)\n")
                .matcher(out).find(), out);
        Matcher login = Pattern.compile("demo login: user admin, password (\\S+)\n").matcher(out);
        assertTrue(login.find(), out);
        Matcher url = Pattern.compile("\n  dashboard on (http://127\\.0\\.0\\.1:\\d+/)\n").matcher(out);
        assertTrue(url.find(), out);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String base = url.group(1);
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String set = page.headers().firstValue("Set-Cookie").orElseThrow();
        String pre = set.substring(set.indexOf('=') + 1, set.indexOf(';'));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "aligned_pre=" + pre)
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + login.group(1) + "&pre=" + pre))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, r.statusCode(), r.body());
        assertEquals(0, s.stop(), s.err().toString());
    }

    @Test
    void aSecondDemoStartLoadsNothingAndPrintsAFreshLogin() throws Exception {
        Path db = tmp.resolve("demo.db");
        String[] args = {"serve", "--demo", "--db", db.toString(), "--listen", "127.0.0.1:0", "--dns",
                Path.of("../examples/example.com.yml").toString()};
        ServeCommandTest.Serving first = ServeCommandTest.Serving.start(Map.of(), args);
        assertEquals(0, first.stop());
        ServeCommandTest.Serving second = ServeCommandTest.Serving.start(Map.of(), args);
        String out = second.out().toString();
        assertTrue(out.contains("  the database already holds reports; nothing loaded\n"), out);
        assertTrue(out.contains("demo login: user admin, password "), out);
        assertEquals(0, second.stop());
    }

    @Test
    void aDashboardPortInUseIsARuntimeFailureNamingListen() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run("serve", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--db",
                    tmp.resolve("a.db").toString(), "--dns", Path.of("../examples/example.com.yml").toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().startsWith("aligned serve: cannot listen: ") && r.err().contains("check --listen"), r.err());
        }
    }

    @Test
    void aBadListenAddressIsAUsageError() {
        CliRun r = CliRun.run("serve", "--listen", "localhost:http", "--db", tmp.resolve("a.db").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("aligned serve: --listen: 'localhost:http' is not HOST:PORT (e.g. 127.0.0.1:8080)"),
                r.err());
    }
}
