package dev.aligned.server.milter;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The milter wire format: every packet is a 4-octet big-endian length (counting the command octet), one command
 * octet and the data. Command and reply codes, action and protocol flags of version 6 as Postfix speaks it.
 */
final class Wire {
    static final int VERSION = 6;

    // MTA -> filter
    static final byte C_ABORT = 'A';
    static final byte C_BODY = 'B';
    static final byte C_CONNECT = 'C';
    static final byte C_MACRO = 'D';
    static final byte C_EOM = 'E';
    static final byte C_HELO = 'H';
    static final byte C_QUIT_NC = 'K';
    static final byte C_HEADER = 'L';
    static final byte C_MAIL = 'M';
    static final byte C_EOH = 'N';
    static final byte C_OPTNEG = 'O';
    static final byte C_QUIT = 'Q';
    static final byte C_RCPT = 'R';
    static final byte C_DATA = 'T';
    static final byte C_UNKNOWN = 'U';

    // filter -> MTA
    static final byte R_ADDHEADER = 'h';
    static final byte R_INSHEADER = 'i';
    static final byte R_CHGHEADER = 'm';
    static final byte R_QUARANTINE = 'q';
    static final byte R_ACCEPT = 'a';
    static final byte R_CONTINUE = 'c';
    static final byte R_REJECT = 'r';
    static final byte R_TEMPFAIL = 't';
    static final byte R_REPLYCODE = 'y';

    // actions the filter may take
    static final int F_ADDHDRS = 0x01;
    static final int F_CHGHDRS = 0x10;
    static final int F_QUARANTINE = 0x20;

    // protocol flags
    static final int P_NORCPT = 0x08;
    static final int P_NOUNKNOWN = 0x100;
    static final int P_NODATA = 0x200;
    static final int P_HDR_LEADSPC = 0x100000;
    static final int P_NR_HDR = 0x80;
    static final int P_NR_HELO = 0x2000;
    static final int P_NR_MAIL = 0x4000;
    static final int P_NR_RCPT = 0x8000;
    static final int P_NR_DATA = 0x10000;
    static final int P_NR_UNKN = 0x20000;
    static final int P_NR_EOH = 0x40000;
    static final int P_NR_BODY = 0x80000;

    private Wire() {
    }

    /** One packet: its command octet and data. */
    record Packet(byte command, byte[] data) {
        String commandName() {
            int c = command & 0xff;
            return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
        }
    }

    /** A packet that breaks the format (length out of range); the connection cannot continue. */
    static final class MalformedPacket extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedPacket(String message) {
            super(message);
        }
    }

    /**
     * Reads one packet, or returns null at a clean end of stream before a packet starts.
     *
     * @throws MalformedPacket when the length is 0 or above {@code maxPacket}
     * @throws EOFException when the stream ends inside a packet
     */
    static Packet read(InputStream in, int maxPacket) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        byte[] rest = in.readNBytes(3);
        if (rest.length < 3) {
            throw new EOFException("connection closed inside a packet length");
        }
        long len = ((long) b0 << 24) | ((rest[0] & 0xffL) << 16) | ((rest[1] & 0xffL) << 8) | (rest[2] & 0xffL);
        if (len < 1 || len > maxPacket) {
            throw new MalformedPacket("packet length " + len + " is outside 1.." + maxPacket);
        }
        int cmd = in.read();
        if (cmd < 0) {
            throw new EOFException("connection closed before the command octet");
        }
        byte[] data = in.readNBytes((int) len - 1);
        if (data.length < len - 1) {
            throw new EOFException("connection closed after " + data.length + " of " + (len - 1) + " data octets");
        }
        return new Packet((byte) cmd, data);
    }

    static void write(OutputStream out, byte command, byte[] data) throws IOException {
        int len = data.length + 1;
        out.write(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len, command});
        out.write(data);
    }

    static int int32(byte[] d, int at) {
        if (at + 4 > d.length) {
            return -1;
        }
        return ((d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }

    static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The NUL-terminated strings of {@code d} from {@code from} (a missing final NUL ends the last one). */
    static List<String> strings(byte[] d, int from) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < d.length; i++) {
            if (d[i] == 0) {
                out.add(new String(d, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (start < d.length) {
            out.add(new String(d, start, d.length - start, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** The strings, each followed by NUL (ISO-8859-1: header bytes pass through unchanged). */
    static byte[] cstrings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        return out.toByteArray();
    }
}
