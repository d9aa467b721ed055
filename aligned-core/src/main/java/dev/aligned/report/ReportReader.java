package dev.aligned.report;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads DMARC reports from whatever a reporter sends: plain XML, gzip (first member; trailing bytes tolerated),
 * zip (every entry), a MIME message ({@code .eml}, {@code .msg}: the attachment found by content type or file
 * name, including {@code application/octet-stream}, or the report as the top-level part), and mbox files with
 * many messages. Aggregate XML is parsed leniently and failure reports (ARF, or plain text best effort) are
 * read from messages. The container is recognised by its bytes, not its file name. Every read is bounded by
 * {@link ReportLimits}; bad input gives a {@link ReportResult.Failed}, never an exception. No DNS, no I/O other
 * than the input.
 *
 * <pre>{@code
 * ReportReader reader = ReportReader.create();
 * for (ReportResult r : reader.read(Path.of("google.com!example.com!1700000000!1700086399.xml.gz"))) {
 *     switch (r) {
 *         case ReportResult.Parsed p -> System.out.println(p.report().kind() + " " + p.warnings());
 *         case ReportResult.Failed f -> System.err.println(f.error());
 *     }
 * }
 * // a huge report, records streamed one by one in constant memory:
 * ReportResult head = reader.readAggregate("big.xml.gz", in, record -> store(record));
 * }</pre>
 */
public final class ReportReader {
    private static final int MAX_NESTING = 3;

    private enum Kind { GZIP, ZIP, MBOX, MIME, XML, OLE, UNKNOWN }

    private final ReportLimits limits;

    private ReportReader(ReportLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A reader with {@link ReportLimits#defaults()}. */
    public static ReportReader create() {
        return new ReportReader(ReportLimits.defaults());
    }

    /** A reader with the given limits. */
    public static ReportReader withLimits(ReportLimits limits) {
        return new ReportReader(limits);
    }

    public ReportLimits limits() {
        return limits;
    }

    /** Reads every report in a file; the source of each result starts with the file's path as given. */
    public List<ReportResult> read(Path file) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return read(source, in);
        } catch (IOException e) {
            return List.of(new ReportResult.Failed(source, source + ": cannot read file: " + e.getMessage()));
        }
    }

    /** Reads every report in a stream (the stream is read, not closed). */
    public List<ReportResult> read(String source, InputStream in) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(in, "in");
        List<ReportResult> out = new ArrayList<>();
        try {
            dispatch(source, in, 0, false, out);
        } catch (LimitExceededException e) {
            out.add(new ReportResult.Failed(source, prefix(source, e.getMessage())));
        } catch (IOException e) {
            out.add(new ReportResult.Failed(source, prefix(source, "read error: " + e.getMessage())));
        } catch (RuntimeException e) {
            out.add(new ReportResult.Failed(source, source + ": internal error while reading (" + e
                    + "); please report this with the file"));
        }
        if (out.isEmpty()) {
            out.add(new ReportResult.Failed(source, source + ": no report found"));
        }
        return List.copyOf(out);
    }

    /**
     * Streams one aggregate report (plain XML or gzip): records go to {@code sink} as they are read, and the
     * returned report carries the metadata and policy with an empty record list. Memory stays flat whatever
     * the report size; {@link ReportLimits#maxRecords()} still applies.
     */
    public ReportResult readAggregate(String source, InputStream in, Consumer<ReportRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        Warnings w = new Warnings(limits.maxWarnings());
        try {
            BufferedInputStream bin = new BufferedInputStream(in, 65536);
            byte[] head = peek(bin, 1024);
            if (head.length == 0) {
                return new ReportResult.Failed(source, source + ": empty input (0 bytes): no report in it");
            }
            Kind k = sniff(head);
            if (k == Kind.GZIP) {
                BoundedInflater inf = BoundedInflater.gzip(bin, limits, source, w);
                return AggregateXmlParser.parse(source, inf, limits, sink, w);
            }
            if (k == Kind.XML) {
                return AggregateXmlParser.parse(source,
                        new BoundedStream(bin, limits, limits.maxInflatedBytes(), null, source), limits, sink, w);
            }
            return new ReportResult.Failed(source, source + ": streaming reads plain XML or gzip only; "
                    + "use read() for zip archives and mail messages");
        } catch (IOException e) {
            return new ReportResult.Failed(source, prefix(source, e.getMessage()));
        } catch (RuntimeException e) {
            return new ReportResult.Failed(source, source + ": internal error while reading (" + e + ")");
        }
    }

    private static String prefix(String source, String message) {
        return message.startsWith(source) ? message : source + ": " + message;
    }

    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n + 1);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    private static Kind sniff(byte[] h) {
        if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            return Kind.GZIP;
        }
        if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && (h[2] == 3 || h[2] == 5) && (h[3] == 4 || h[3] == 6)) {
            return Kind.ZIP;
        }
        if (h.length >= 4 && (h[0] & 0xff) == 0xD0 && (h[1] & 0xff) == 0xCF && (h[2] & 0xff) == 0x11
                && (h[3] & 0xff) == 0xE0) {
            return Kind.OLE;
        }
        if (h.length >= 5 && new String(h, 0, 5, StandardCharsets.ISO_8859_1).equals("From ")) {
            return Kind.MBOX;
        }
        int i = 0;
        if (h.length >= 3 && (h[0] & 0xff) == 0xEF && (h[1] & 0xff) == 0xBB && (h[2] & 0xff) == 0xBF) {
            i = 3;
        }
        if (h.length >= 2 && ((h[0] & 0xff) == 0xFE || (h[0] & 0xff) == 0xFF)) {
            return Kind.XML;
        }
        while (i < h.length && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n')) {
            i++;
        }
        if (i < h.length && h[i] == '<') {
            return Kind.XML;
        }
        int colon = -1;
        for (int k = i; k < h.length && h[k] != '\n'; k++) {
            byte b = h[k];
            if (b == ':') {
                colon = k;
                break;
            }
            if (b <= 32 || b >= 127) {
                break;
            }
        }
        if (colon > i) {
            return Kind.MIME;
        }
        for (byte b : h) {
            if (b == '<') {
                return Kind.XML;
            }
        }
        return Kind.UNKNOWN;
    }

    private void dispatch(String source, InputStream raw, int nesting, boolean inArchive, List<ReportResult> out)
            throws IOException {
        if (out.size() >= limits.maxReports()) {
            throw new LimitExceededException("more than " + limits.maxReports()
                    + " reports in one input (ReportLimits.maxReports)");
        }
        BufferedInputStream in = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 65536);
        byte[] head = peek(in, 1024);
        if (head.length == 0) {
            out.add(new ReportResult.Failed(source, source + ": empty input (0 bytes): no report in it"));
            return;
        }
        Kind kind = sniff(head);
        if (inArchive && (kind == Kind.GZIP || kind == Kind.ZIP)) {
            out.add(new ReportResult.Failed(source, source + ": nested archive (" + kind.name().toLowerCase(Locale.ROOT)
                    + " inside an archive) refused: reports are never sent that way, decompression bombs are"));
            return;
        }
        if (nesting > MAX_NESTING) {
            out.add(new ReportResult.Failed(source, source + ": containers nested more than " + MAX_NESTING
                    + " deep; refused"));
            return;
        }
        Warnings w = new Warnings(limits.maxWarnings());
        switch (kind) {
            case GZIP -> {
                try (BoundedInflater inf = BoundedInflater.gzip(in, limits, source, w)) {
                    BufferedInputStream inner = new BufferedInputStream(inf, 65536);
                    Kind innerKind = sniff(peek(inner, 1024));
                    if (innerKind == Kind.XML) {
                        out.add(AggregateXmlParser.parse(source, inner, limits, null, w));
                    } else {
                        dispatch(source, inner, nesting + 1, true, out);
                    }
                } catch (LimitExceededException e) {
                    out.add(new ReportResult.Failed(source, prefix(source, e.getMessage())));
                }
            }
            case ZIP -> zip(source, in, nesting, out);
            case MBOX -> mbox(source, in, nesting, out);
            case MIME -> {
                BoundedStream bs = new BoundedStream(in, limits, limits.maxMessageBytes(), null, source);
                byte[] msg;
                try {
                    msg = bs.readAllBytes();
                } catch (LimitExceededException e) {
                    out.add(new ReportResult.Failed(source, prefix(source, e.getMessage())));
                    return;
                }
                message(source, msg, nesting, out);
            }
            case XML -> out.add(AggregateXmlParser.parse(source,
                    new BoundedStream(in, limits, limits.maxInflatedBytes(), null, source), limits, null, w));
            case OLE -> out.add(new ReportResult.Failed(source, source + ": an Outlook .msg (OLE compound) file, not a "
                    + "MIME message: save the message as .eml, or save the report attachment, and read that"));
            case UNKNOWN -> out.add(new ReportResult.Failed(source, source
                    + ": not a DMARC report: neither XML, gzip, zip nor a mail message"));
        }
    }

    private void zip(String source, InputStream in, int nesting, List<ReportResult> out) throws IOException {
        long[] compressed = new long[1];
        InputStream counting = new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    compressed[0]++;
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    compressed[0] += n;
                }
                return n;
            }
        };
        int entries = 0;
        int before = out.size();
        try (ZipInputStream zin = new ZipInputStream(counting, StandardCharsets.UTF_8)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (++entries > limits.maxZipEntries()) {
                    out.add(new ReportResult.Failed(source, source + ": zip archive has more than "
                            + limits.maxZipEntries() + " entries (ReportLimits.maxZipEntries); the rest was not read"));
                    return;
                }
                String name = e.getName();
                if (e.isDirectory() || name.startsWith("__MACOSX/")) {
                    continue;
                }
                String entrySource = source + "!" + (name.isEmpty() ? "entry" + entries : name);
                long startCompressed = compressed[0];
                BoundedStream entry = new BoundedStream(zin, limits, limits.maxInflatedBytes(),
                        () -> compressed[0] - startCompressed, entrySource);
                try {
                    dispatch(entrySource, entry, nesting + 1, true, out);
                } catch (LimitExceededException ex) {
                    out.add(new ReportResult.Failed(entrySource, prefix(entrySource, ex.getMessage())));
                    return;
                }
            }
        } catch (java.util.zip.ZipException | IllegalArgumentException e) {
            out.add(new ReportResult.Failed(source, source + ": corrupt zip archive: " + e.getMessage()));
            return;
        }
        if (out.size() == before) {
            out.add(new ReportResult.Failed(source, source + ": zip archive holds no report"));
        }
    }

    private void mbox(String source, InputStream in, int nesting, List<ReportResult> out) throws IOException {
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        boolean oversize = false;
        boolean prevBlank = true;
        int index = 0;
        int before = out.size();
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            line.reset();
            int c;
            while ((c = in.read()) >= 0) {
                line.write(c);
                if (c == '\n') {
                    break;
                }
                if (line.size() > limits.maxMessageBytes()) {
                    break;
                }
            }
            boolean eof = c < 0 && line.size() == 0;
            byte[] l = line.toByteArray();
            boolean separator = !eof && l.length >= 5 && l[0] == 'F' && l[1] == 'r' && l[2] == 'o' && l[3] == 'm'
                    && l[4] == ' ' && prevBlank;
            if (eof || separator) {
                if (msg.size() > 0 || oversize) {
                    index++;
                    if (index > limits.maxReports()) {
                        out.add(new ReportResult.Failed(source, source + ": more than " + limits.maxReports()
                                + " messages (ReportLimits.maxReports); the rest was not read"));
                        return;
                    }
                    String s = source + "#" + index;
                    if (oversize) {
                        out.add(new ReportResult.Failed(s, s + ": message larger than " + limits.maxMessageBytes()
                                + " bytes (ReportLimits.maxMessageBytes); skipped"));
                    } else {
                        message(s, msg.toByteArray(), nesting + 1, out);
                    }
                }
                msg.reset();
                oversize = false;
                if (eof) {
                    break;
                }
            }
            if (!separator) {
                if (msg.size() + l.length > limits.maxMessageBytes()) {
                    oversize = true;
                } else if (!oversize) {
                    msg.write(l, 0, l.length);
                }
            }
            prevBlank = !separator && (l.length == 1 || (l.length == 2 && l[0] == '\r'));
        }
        if (index == 1) {
            // one message: name it after the file alone
            for (int i = before; i < out.size(); i++) {
                out.set(i, rename(out.get(i), source + "#1", source));
            }
        }
    }

    private static ReportResult rename(ReportResult r, String from, String to) {
        return switch (r) {
            case ReportResult.Parsed p -> p.source().startsWith(from)
                    ? new ReportResult.Parsed(to + p.source().substring(from.length()), p.report(), p.warnings()) : p;
            case ReportResult.Failed f -> f.source().startsWith(from)
                    ? new ReportResult.Failed(to + f.source().substring(from.length()),
                            f.error().replace(from, to)) : f;
        };
    }

    private void message(String source, byte[] bytes, int nesting, List<ReportResult> out) throws IOException {
        MimeMessage m;
        try {
            m = MimeMessage.parse(bytes, limits);
        } catch (LimitExceededException e) {
            out.add(new ReportResult.Failed(source, prefix(source, e.getMessage())));
            return;
        }
        List<MimeMessage.Part> parts = m.parts();
        Optional<String> original = Optional.empty();
        for (MimeMessage.Part p : parts) {
            if (p.type().equals("text/rfc822-headers") || p.type().equals("message/rfc822")
                    || p.type().equals("message/rfc822-headers")) {
                if (p.depth() > 0 && !p.inMessage()) {
                    original = Optional.of(FailureReportParser.headerBlock(p.decoded()));
                    break;
                }
            }
        }
        for (MimeMessage.Part p : parts) {
            if (p.type().equals("message/feedback-report") && !p.inMessage()) {
                Warnings w = new Warnings(limits.maxWarnings());
                FailureReport fr = FailureReportParser.arf(p.bodyText(), original, w);
                out.add(new ReportResult.Parsed(source, fr, w.toList()));
                return;
            }
        }
        int before = out.size();
        for (boolean inner : new boolean[] {false, true}) {
            int k = 0;
            for (MimeMessage.Part p : parts) {
                if (p.inMessage() != inner || p.type().startsWith("multipart/") || p.type().equals("message/rfc822")) {
                    continue;
                }
                k++;
                if (!candidate(p)) {
                    continue;
                }
                byte[] body = p.decoded();
                Kind kind = sniff(java.util.Arrays.copyOf(body, Math.min(body.length, 1024)));
                if (kind != Kind.GZIP && kind != Kind.ZIP && kind != Kind.XML) {
                    continue;
                }
                String name = p.fileName().isEmpty() ? "part" + k : p.fileName();
                dispatch(p.depth() == 0 ? source : source + "!" + name, new ByteArrayInputStream(body), nesting + 1,
                        false, out);
            }
            if (out.size() > before) {
                return;
            }
        }
        String subject = Optional.ofNullable(m.topHeader("Subject")).orElse("");
        String text = "";
        for (MimeMessage.Part p : parts) {
            if (p.type().equals("text/plain") && !p.inMessage()) {
                text = p.bodyText();
                break;
            }
        }
        String hay = (subject + "\n" + text).toLowerCase(Locale.ROOT);
        if (hay.contains("dmarc") && (hay.contains("fail") || hay.contains("forensic"))) {
            Warnings w = new Warnings(limits.maxWarnings());
            out.add(new ReportResult.Parsed(source, FailureReportParser.plainText(text, original, w), w.toList()));
            return;
        }
        out.add(new ReportResult.Failed(source, source + ": no DMARC report in this message: no XML, gzip or zip "
                + "attachment and no message/feedback-report part"));
    }

    private static boolean candidate(MimeMessage.Part p) {
        String t = p.type();
        String f = p.fileName().toLowerCase(Locale.ROOT);
        if (f.endsWith(".xml") || f.endsWith(".gz") || f.endsWith(".zip") || f.endsWith(".gzip")) {
            return true;
        }
        return (t.startsWith("application/") && !t.equals("application/pdf")) || t.equals("text/xml");
    }
}
