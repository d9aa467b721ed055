package dev.aligned.server.milter;

import dev.aligned.mail.HeaderSection;
import dev.aligned.mail.MessageLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One message as the MTA hands it over: header fields as received (name and value octets) and the body, kept in
 * memory up to a threshold and in an owner-only temporary file above it. Past the size limit nothing more is
 * kept and the message is marked too large. Not thread-safe: one per connection.
 */
final class MessageBuffer implements AutoCloseable {
    /** One header field: name and value exactly as the MTA sent them (ISO-8859-1: one char per octet). */
    record Field(String name, String value) {
    }

    private final long maxBytes;
    private final int spillBytes;
    private final List<Field> fields = new ArrayList<>();
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;
    private boolean tooLarge;

    MessageBuffer(long maxBytes, int spillBytes) {
        this.maxBytes = maxBytes;
        this.spillBytes = spillBytes;
    }

    /** Keeps one header field; {@code leadingSpace} says whether the value still has its leading white space. */
    void header(String name, String value, boolean leadingSpace) {
        String v = leadingSpace || value.isEmpty() ? value : " " + value;
        long add = name.length() + v.length() + 3L;
        if (!grow(add)) {
            return;
        }
        fields.add(new Field(name, v));
    }

    /** Appends a body chunk. */
    void body(byte[] chunk) throws IOException {
        if (chunk.length == 0 || !grow(chunk.length)) {
            return;
        }
        if (fileOut == null && memory.size() + chunk.length > spillBytes) {
            file = Files.createTempFile("aligned-milter-", ".body"); // rw------- on POSIX
            fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            memory.writeTo(fileOut);
            memory.reset();
        }
        if (fileOut != null) {
            fileOut.write(chunk);
        } else {
            memory.write(chunk);
        }
    }

    private boolean grow(long add) {
        if (tooLarge) {
            return false;
        }
        if (size + add > maxBytes) {
            tooLarge = true;
            return false;
        }
        size += add;
        return true;
    }

    List<Field> fields() {
        return fields;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    long size() {
        return size;
    }

    boolean spilled() {
        return file != null;
    }

    /**
     * The header section as {@link HeaderSection} reads it: each field as {@code name:value} with its line
     * breaks as CRLF (Postfix joins folded lines with a bare LF).
     */
    HeaderSection headerSection() throws IOException {
        byte[] block = headerBlock();
        byte[] all = java.util.Arrays.copyOf(block, block.length + 2);
        all[block.length] = '\r';
        all[block.length + 1] = '\n';
        return HeaderSection.read(new ByteArrayInputStream(all), MessageLimits.DEFAULT).header();
    }

    /** The header fields as {@code name:value} lines with CRLF, without the empty line that ends them. */
    byte[] headerBlock() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            out.writeBytes(f.name().getBytes(StandardCharsets.ISO_8859_1));
            out.write(':');
            out.writeBytes(crlf(f.value()).getBytes(StandardCharsets.ISO_8859_1));
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    static String crlf(String v) {
        if (v.indexOf('\n') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\n' && (i == 0 || v.charAt(i - 1) != '\r')) {
                b.append('\r');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The body from its first octet. */
    InputStream body() throws IOException {
        if (fileOut != null) {
            fileOut.flush();
            return new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        }
        return new ByteArrayInputStream(memory.toByteArray());
    }

    @Override
    public void close() {
        if (fileOut != null) {
            try {
                fileOut.close();
            } catch (IOException e) {
                // the file is deleted next
            }
            fileOut = null;
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
            file = null;
        }
        memory.reset();
        fields.clear();
        size = 0;
        tooLarge = false;
    }
}
