package dev.aligned.dns.dnsjava;

import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * Loads an RFC 1035 master file ("zone file") into a {@link FixtureResolver}, with dnsjava's parser.
 *
 * <p>A, AAAA, TXT, SPF, MX, PTR, CNAME and NS records are kept; records of other types (SOA, SRV, CAA, ...)
 * are skipped without error, but their owner names still exist (queries for them give NODATA, not NXDOMAIN).
 * {@code $ORIGIN} (written in full, with its trailing dot), {@code $TTL} and {@code $GENERATE} are honoured;
 * {@code $INCLUDE} is refused. When the file
 * sets no {@code $ORIGIN}, relative names are taken relative to the file name without its {@code .zone}
 * extension ({@code example.com.zone} -> {@code example.com}); records without a TTL before any {@code $TTL}
 * get 300 s. Text is read as octets, so UTF-8 in a TXT string stays the same octets.
 *
 * <pre>{@code
 * FixtureResolver dns = MasterFile.load(Path.of("example.com.zone"));
 * }</pre>
 *
 * <p>Errors are {@link IOException}s whose message names the file and line, e.g.
 * {@code "example.com.zone, line 7: Invalid type 'TXTT'"}.
 */
public final class MasterFile {
    /** The most records one file may hold (a bound on {@code $GENERATE}). */
    public static final int MAX_RECORDS = 200_000;
    /** The largest file read, in octets. */
    public static final long MAX_BYTES = 64L * 1024 * 1024;

    private static final long DEFAULT_TTL = 300;
    private static final Pattern RANGE = Pattern.compile("(\\d{1,10})-(\\d{1,10})(?:/(\\d{1,10}))?");
    private static final Pattern LOCATED = Pattern.compile("^.*?:(\\d+): (.*)$", Pattern.DOTALL);

    private MasterFile() {
    }

    /**
     * Loads {@code file}; the default origin comes from its name.
     *
     * @throws IOException naming the file (and line) when it cannot be read or parsed
     */
    public static FixtureResolver load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String label = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new IOException(label + ": larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(label + ": no such file", e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(label + ":")) {
                throw e;
            }
            throw new IOException(label + ": cannot read (" + e + ")", e);
        }
        return parse(bytes, defaultOrigin(file), label);
    }

    /**
     * Loads master-file text from {@code reader} with {@code origin} as the initial origin; {@code source}
     * names the text in error messages.
     *
     * @throws IOException naming {@code source} and the line when the text cannot be read or parsed
     */
    public static FixtureResolver load(Reader reader, DomainName origin, String source) throws IOException {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(source, "source");
        StringWriter w = new StringWriter();
        char[] buf = new char[8192];
        long total = 0;
        for (int n; (n = reader.read(buf)) >= 0; ) {
            total += n;
            if (total > MAX_BYTES) {
                throw new IOException(source + ": larger than " + MAX_BYTES + " characters");
            }
            w.write(buf, 0, n);
        }
        return parse(w.toString().getBytes(StandardCharsets.UTF_8), origin, source);
    }

    /** Like {@link #load(Reader, DomainName, String)}, the source called {@code "<zone>"}. */
    public static FixtureResolver load(Reader reader, DomainName origin) throws IOException {
        return load(reader, origin, "<zone>");
    }

    /** The origin implied by a file name: the name without a {@code .zone} or {@code .db} extension. */
    static DomainName defaultOrigin(Path file) {
        Path fn = file.getFileName();
        String name = fn == null ? "" : fn.toString();
        for (String ext : List.of(".zone", ".db", ".txt")) {
            if (name.toLowerCase(java.util.Locale.ROOT).endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
                break;
            }
        }
        if (name.startsWith("db.")) {
            name = name.substring(3);
        }
        return DomainName.parse(name).orElse(DomainName.ROOT);
    }

    private static FixtureResolver parse(byte[] bytes, DomainName origin, String source) throws IOException {
        checkDirectives(bytes, source);
        FixtureResolver.Builder b = FixtureResolver.builder();
        Name originName = Wire.toName(origin);
        int count = 0;
        try (Master master = new Master(new ByteArrayInputStream(escapeHighOctets(bytes)), originName, DEFAULT_TTL)) {
            master.disableIncludes(true);
            for (Record r; (r = master.nextRecord()) != null; ) {
                if (++count > MAX_RECORDS) {
                    throw new IOException(source + ": more than " + MAX_RECORDS + " records");
                }
                if (r.getDClass() != DClass.IN) {
                    continue;
                }
                DomainName owner = Wire.toDomainName(r.getName());
                if (owner == null) {
                    throw new IOException(source + ": owner name '" + r.getName()
                            + "' holds characters Aligned does not accept in a domain name");
                }
                DnsRecord mapped = Wire.map(r);
                if (mapped == null) {
                    b.exists(owner);
                } else {
                    b.add(owner, List.of(mapped));
                }
            }
        } catch (IOException e) {
            throw located(source, e);
        } catch (RuntimeException e) {
            // dnsjava reports some problems (relative names, bad $GENERATE) as unchecked exceptions.
            throw new IOException(source + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
        }
        return b.build();
    }

    /**
     * Checks what dnsjava would get wrong or spend too long on: a relative {@code $ORIGIN} (dnsjava reads it
     * relative to the root, RFC 1035 relative to the current origin) and {@code $GENERATE} ranges adding up to
     * more than {@link #MAX_RECORDS}.
     */
    private static void checkDirectives(byte[] bytes, String source) throws IOException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        long generated = 0;
        int lineNo = 0;
        for (String line : text.split("\r?\n", -1)) {
            lineNo++;
            if (!line.startsWith("$")) {
                continue;
            }
            String[] words = line.strip().split("[ \t]+");
            String directive = words[0].toUpperCase(java.util.Locale.ROOT);
            if (directive.equals("$ORIGIN") && words.length > 1 && !words[1].startsWith(";")
                    && !words[1].endsWith(".")) {
                throw new IOException(source + ", line " + lineNo + ": $ORIGIN '" + words[1]
                        + "' is relative; write the full name with a trailing dot");
            }
            if (directive.equals("$GENERATE") && words.length > 1) {
                Matcher m = RANGE.matcher(words[1]);
                if (m.matches()) {
                    long start = Long.parseLong(m.group(1));
                    long end = Long.parseLong(m.group(2));
                    long step = m.group(3) == null ? 1 : Math.max(1, Long.parseLong(m.group(3)));
                    generated += end >= start ? (end - start) / step + 1 : 0;
                    if (generated > MAX_RECORDS) {
                        throw new IOException(source + ", line " + lineNo + ": $GENERATE makes more than "
                                + MAX_RECORDS + " records");
                    }
                }
            }
        }
    }

    /**
     * Writes every octet above 0x7F as a {@code \DDD} escape. dnsjava's tokenizer reads octets as characters
     * and its string parser encodes characters above 0x7F as UTF-8 again, which would double-encode UTF-8 text.
     */
    static byte[] escapeHighOctets(byte[] in) {
        boolean any = false;
        for (byte b : in) {
            if (b < 0) {
                any = true;
                break;
            }
        }
        if (!any) {
            return in;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(in.length + 64);
        boolean escaped = false;
        for (byte b : in) {
            int c = b & 0xff;
            if (c >= 0x80) {
                if (!escaped) {
                    out.write('\\');
                }
                out.writeBytes(String.format("%03d", c).getBytes(StandardCharsets.US_ASCII));
                escaped = false;
            } else {
                out.write(c);
                escaped = !escaped && c == '\\';
            }
        }
        return out.toByteArray();
    }

    private static IOException located(String source, IOException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        if (msg.startsWith(source + ":")) {
            return e;
        }
        Matcher m = LOCATED.matcher(msg);
        if (m.matches()) {
            return new IOException(source + ", line " + m.group(1) + ": " + m.group(2), e);
        }
        return new IOException(source + ": " + msg, e);
    }
}
