package dev.aligned.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message's header section: the fields in order, exactly as received, plus what was malformed. Lines may end
 * in CRLF or a bare LF; an mbox {@code From } first line is set aside; a line that is neither a field nor a
 * continuation is reported and skipped; the limits of {@link MessageLimits} bound what is kept.
 *
 * <pre>{@code
 * StreamedMessage m = HeaderSection.read(in, MessageLimits.DEFAULT);
 * for (HeaderField f : m.header().fields()) System.out.println(f.name());
 * m.body().transferTo(out);   // the body, streamed
 * }</pre>
 */
public final class HeaderSection {
    private final List<HeaderField> fields;
    private final List<MessageProblem> problems;
    private final boolean limitExceeded;
    private final boolean complete;
    private final String mboxFromLine;
    private final boolean bareLf;

    HeaderSection(List<HeaderField> fields, List<MessageProblem> problems, boolean limitExceeded, boolean complete,
            String mboxFromLine, boolean bareLf) {
        this.fields = Collections.unmodifiableList(fields);
        this.problems = Collections.unmodifiableList(problems);
        this.limitExceeded = limitExceeded;
        this.complete = complete;
        this.mboxFromLine = mboxFromLine;
        this.bareLf = bareLf;
    }

    /** A header section of the given fields, for messages built in code. */
    public static HeaderSection of(List<HeaderField> fields) {
        return new HeaderSection(new ArrayList<>(fields), new ArrayList<>(), false, true, null, false);
    }

    /** The fields, top first. */
    public List<HeaderField> fields() {
        return fields;
    }

    /** The fields named {@code name} (ASCII case ignored), top first. */
    public List<HeaderField> all(String name) {
        return fields.stream().filter(f -> f.is(name)).toList();
    }

    /** The first field named {@code name}. */
    public Optional<HeaderField> first(String name) {
        return fields.stream().filter(f -> f.is(name)).findFirst();
    }

    /** What was malformed, in order. */
    public List<MessageProblem> problems() {
        return problems;
    }

    /** True when the header section exceeded the limits and fields were dropped. */
    public boolean limitExceeded() {
        return limitExceeded;
    }

    /** False when the input ended before the blank line that ends the header section. */
    public boolean complete() {
        return complete;
    }

    /** The mbox {@code From } line that preceded the header, if any (without its line break). */
    public Optional<String> mboxFromLine() {
        return Optional.ofNullable(mboxFromLine);
    }

    /** True when the first line ended in a bare LF rather than CRLF. */
    public boolean usesBareLf() {
        return bareLf;
    }

    /** The line break this message uses: "\n" or "\r\n". */
    public String lineBreak() {
        return bareLf ? "\n" : "\r\n";
    }

    /**
     * Reads the header section from {@code in} and returns it with the rest of the stream as the body. Never
     * throws for malformed content; only I/O errors propagate.
     */
    public static StreamedMessage read(InputStream in, MessageLimits limits) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        Reader r = new Reader(in, limits);
        HeaderSection h = r.run();
        InputStream rest = r.pos < r.lim ? new SequenceInputStream(new ByteArrayInputStream(r.buf, r.pos,
                r.lim - r.pos), in) : in;
        return new StreamedMessage(h, rest);
    }

    /** A header section read from an array, and the offset where the body starts. */
    record InArray(HeaderSection header, int bodyOffset) {
    }

    /**
     * Like {@link #read(InputStream, MessageLimits)} over a whole message in memory, without copying it through
     * a stream: field bytes are cut straight from {@code bytes}.
     */
    static InArray read(byte[] bytes, MessageLimits limits) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(limits, "limits");
        Reader r = new Reader(bytes, limits);
        try {
            return new InArray(r.run(), r.pos);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /** Why {@code line[0..len)} cannot start a field, or null when it holds a valid name and a colon. */
    static String nameProblem(byte[] line, int len) {
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return "no colon";
        }
        int end = colon;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        if (end == 0) {
            return "empty field name";
        }
        for (int i = 0; i < end; i++) {
            int c = line[i] & 0xff;
            if (c < 33 || c > 126) {
                return "character " + (c == ' ' ? "space" : String.format("0x%02X", c)) + " in the field name";
            }
        }
        return null;
    }

    static String fieldName(byte[] raw, int colon) {
        int end = colon;
        while (end > 0 && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) {
            end--;
        }
        return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static final class Reader {
        final InputStream in;
        final MessageLimits limits;
        /** True when {@code buf} is the whole message (no stream): lines and fields are cut from it. */
        final boolean array;
        final byte[] buf;
        /** Array mode: where the current line starts in {@code buf}, and the current field's bounds. */
        int lineStart;
        int fieldStart;
        int fieldEnd;
        int pos;
        int lim;
        boolean eof;
        // current line
        byte[] line = new byte[256];
        int lineLen;
        boolean lineOverflow;
        long lineTotal;
        int terminator; // 0 none (EOF), 1 LF, 2 CRLF

        final List<HeaderField> fields = new ArrayList<>();
        final List<MessageProblem> problems = new ArrayList<>();
        long keptBytes;
        boolean limitExceeded;

        Reader(InputStream in, MessageLimits limits) {
            this.in = in;
            this.limits = limits;
            this.array = false;
            this.buf = new byte[8192];
        }

        Reader(byte[] bytes, MessageLimits limits) {
            this.in = null;
            this.limits = limits;
            this.array = true;
            this.buf = bytes;
            this.lim = bytes.length;
            this.eof = true;
        }

        int read() throws IOException {
            if (pos == lim) {
                if (eof) {
                    return -1;
                }
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    eof = true;
                    return -1;
                }
                pos = 0;
                lim = n;
            }
            return buf[pos++] & 0xff;
        }

        /** Reads one line; false at EOF with nothing read. The line excludes its terminator. */
        boolean readLine() throws IOException {
            if (array) {
                return readLineFromArray();
            }
            lineLen = 0;
            lineTotal = 0;
            lineOverflow = false;
            terminator = 0;
            int c;
            while ((c = read()) >= 0) {
                if (c == '\n') {
                    if (lineLen > 0 && !lineOverflow && line[lineLen - 1] == '\r') {
                        lineLen--;
                        terminator = 2;
                    } else {
                        terminator = 1;
                    }
                    return true;
                }
                lineTotal++;
                if (lineLen < limits.maxHeaderBytes() + 1) {
                    if (lineLen == line.length) {
                        line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, limits.maxHeaderBytes() + 2));
                    }
                    line[lineLen++] = (byte) c;
                } else {
                    lineOverflow = true;
                }
            }
            return lineTotal > 0;
        }

        /** {@link #readLine()} with the whole message in {@code buf}: the same line, found without a stream. */
        private boolean readLineFromArray() {
            lineStart = pos;
            int e = pos;
            while (e < lim && buf[e] != '\n') {
                e++;
            }
            long total = e - pos;
            int keep = (int) Math.min(total, limits.maxHeaderBytes() + 1L);
            if (keep > line.length) {
                line = new byte[keep];
            }
            System.arraycopy(buf, pos, line, 0, keep);
            lineLen = keep;
            lineTotal = total;
            lineOverflow = total > keep;
            if (e < lim) {
                pos = e + 1;
                if (lineLen > 0 && !lineOverflow && line[lineLen - 1] == '\r') {
                    lineLen--;
                    terminator = 2;
                } else {
                    terminator = 1;
                }
                return true;
            }
            pos = lim;
            terminator = 0;
            return total > 0;
        }

        void problem(int lineNo, String message) {
            if (problems.size() < 100) {
                problems.add(new MessageProblem(lineNo, message));
            }
        }

        HeaderSection run() throws IOException {
            int lineNo = 0;
            ByteArrayOutputStream cur = null;
            int curLine = 0;
            String mbox = null;
            Boolean bareLf = null;
            boolean complete = false;
            while (readLine()) {
                lineNo++;
                if (bareLf == null && terminator != 0) {
                    bareLf = terminator == 1;
                }
                if (lineNo == 1 && lineLen >= 5 && line[0] == 'F' && line[1] == 'r' && line[2] == 'o'
                        && line[3] == 'm' && line[4] == ' ') {
                    mbox = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1);
                    continue;
                }
                if (lineLen == 0 && !lineOverflow) {
                    complete = terminator != 0;
                    break;
                }
                keptBytes += lineTotal + terminator;
                boolean overLimit = keptBytes > limits.maxHeaderBytes() || lineOverflow;
                if (overLimit && !limitExceeded) {
                    limitExceeded = true;
                    problem(lineNo, "header section exceeds " + limits.maxHeaderBytes()
                            + " bytes; this field and all later fields are ignored");
                }
                boolean continuation = line[0] == ' ' || line[0] == '\t';
                if (continuation) {
                    if (limitExceeded) {
                        cur = null;
                    } else if (cur == null) {
                        problem(lineNo, "continuation line with no header field before it; ignored");
                    } else {
                        appendLine(cur);
                    }
                    continue;
                }
                if (cur != null) {
                    finish(cur, curLine);
                    cur = null;
                }
                if (limitExceeded) {
                    continue;
                }
                String why = nameProblem(line, lineLen);
                if (why != null) {
                    problem(lineNo, "not a header field (" + why + "); line ignored");
                    continue;
                }
                if (fields.size() >= limits.maxHeaderFields()) {
                    limitExceeded = true;
                    problem(lineNo, "more than " + limits.maxHeaderFields()
                            + " header fields; this field and all later fields are ignored");
                    continue;
                }
                if (array) {
                    cur = IN_ARRAY;
                    fieldStart = lineStart;
                    fieldEnd = lineStart + lineLen;
                } else {
                    cur = new ByteArrayOutputStream(Math.max(64, lineLen + 2));
                    cur.write(line, 0, lineLen);
                }
                pendingTerminator = terminator;
                curLine = lineNo;
            }
            if (cur != null) {
                finish(cur, curLine);
            }
            if (!complete && lineNo > 0) {
                problem(lineNo, "the message ends inside the header section (no blank line before a body)");
            }
            return new HeaderSection(fields, problems, limitExceeded, complete, mbox, bareLf != null && bareLf);
        }

        int pendingTerminator;

        /** Stands for the current field in array mode, where its bytes are {@code buf[fieldStart, fieldEnd)}. */
        private static final ByteArrayOutputStream IN_ARRAY = new ByteArrayOutputStream(0);

        private void appendLine(ByteArrayOutputStream cur) {
            if (cur == IN_ARRAY) {
                fieldEnd = lineStart + lineLen; // the line breaks in between are the ones received
                pendingTerminator = terminator;
                return;
            }
            writeTerminator(cur, pendingTerminator);
            cur.write(line, 0, lineLen);
            pendingTerminator = terminator;
        }

        private static void writeTerminator(ByteArrayOutputStream cur, int t) {
            if (t == 2) {
                cur.write('\r');
                cur.write('\n');
            } else if (t == 1) {
                cur.write('\n');
            }
        }

        private void finish(ByteArrayOutputStream cur, int lineNo) {
            byte[] raw = cur == IN_ARRAY ? java.util.Arrays.copyOfRange(buf, fieldStart, fieldEnd) : cur.toByteArray();
            int colon = HeaderField.indexOf(raw, (byte) ':');
            fields.add(new HeaderField(fieldName(raw, colon), raw, colon, lineNo));
        }
    }
}
