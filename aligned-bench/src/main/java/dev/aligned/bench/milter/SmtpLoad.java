package dev.aligned.bench.milter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one message many times to an SMTP server over a fixed number of connections (each a plain SMTP session
 * that sends message after message, as a relaying MTA does) and prints one JSON line: messages per second and
 * the latency of each message's final dot (the time the server and its milters take to accept it), as
 * percentiles. A warm-up round runs first and is not counted.
 *
 * <pre>
 * java -cp aligned-bench/target/benchmarks.jar dev.aligned.bench.milter.SmtpLoad \
 *     --port 2525 --message msg.eml --from bounces@example.com --to bob@example.net \
 *     --messages 2000 --connections 8 --warmup 200 --label aligned
 * </pre>
 */
public final class SmtpLoad {
    private SmtpLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int port = Integer.parseInt(o.getOrDefault("port", "25"));
        byte[] data = dotStuffed(Files.readAllBytes(Path.of(o.get("message"))));
        String from = o.getOrDefault("from", "bounces@example.com");
        String to = o.getOrDefault("to", "bob@example.net");
        int messages = Integer.parseInt(o.getOrDefault("messages", "1000"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "4"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "100"));
        String label = o.getOrDefault("label", "run");
        run(port, data, from, to, warmup, connections, new long[warmup], new ConcurrentHashMap<>());
        long[] lat = new long[messages];
        Map<String, Integer> replies = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        run(port, data, from, to, messages, connections, lat, replies);
        double secs = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "{\"label\":\"%s\",\"messages\":%d,\"connections\":%d,\"bytes\":%d,"
                        + "\"seconds\":%.3f,\"msgs_per_s\":%.1f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p99_ms\":%.2f,"
                        + "\"mean_ms\":%.2f,\"replies\":%s}%n", label, messages, connections, data.length, secs,
                messages / secs, pct(lat, 0.50), pct(lat, 0.90), pct(lat, 0.99),
                Arrays.stream(lat).average().orElse(0) / 1e6, json(replies));
    }

    private static String json(Map<String, Integer> m) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(m).forEach((k, v) -> parts.add("\"" + k + "\":" + v));
        return "{" + String.join(",", parts) + "}";
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }

    private static void run(int port, byte[] data, String from, String to, int messages, int connections,
            long[] latencies, Map<String, Integer> replies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(connections)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                fs.add(pool.submit(() -> {
                    session(port, data, from, to, messages, next, latencies, replies);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }

    private static void session(int port, byte[] data, String from, String to, int messages, AtomicInteger next,
            long[] latencies, Map<String, Integer> replies) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(120_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 65536);
            expect(in, "220");
            command(out, in, "EHLO load.example", "250");
            int i;
            while ((i = next.getAndIncrement()) < messages) {
                command(out, in, "MAIL FROM:<" + from + ">", "250");
                command(out, in, "RCPT TO:<" + to + ">", "250");
                command(out, in, "DATA", "354");
                out.write(data);
                out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                long t = System.nanoTime();
                out.flush();
                String reply = reply(in);
                latencies[i] = System.nanoTime() - t;
                replies.merge(reply.substring(0, Math.min(3, reply.length())), 1, Integer::sum);
                if (!reply.startsWith("250")) {
                    command(out, in, "RSET", "250");
                }
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, InputStream in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(InputStream in, String code) throws IOException {
        String r = reply(in);
        if (!r.startsWith(code)) {
            throw new IOException("expected " + code + ", got " + r);
        }
    }

    /** Reads a (possibly multi-line) reply; returns its last line. */
    private static String reply(InputStream in) throws IOException {
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b < 0) {
                throw new IOException("connection closed");
            }
            String l = line.toString(StandardCharsets.US_ASCII);
            if (l.length() < 4 || l.charAt(3) != '-') {
                return l;
            }
        }
    }

    /** The message with CRLF line ends, a final CRLF, and lines starting with a dot doubled (RFC 5321 4.5.2). */
    static byte[] dotStuffed(byte[] m) {
        String t = new String(m, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        if (!t.endsWith("\r\n")) {
            t += "\r\n";
        }
        if (t.startsWith(".")) {
            t = "." + t;
        }
        t = t.replace("\r\n.", "\r\n..");
        return t.getBytes(StandardCharsets.ISO_8859_1);
    }
}
