package dev.aligned.server.milter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test MTA speaking the milter wire format to a {@link MilterServer}: it sends commands the way Postfix does
 * and reads the replies as raw packets, so tests assert on exactly what goes over the wire.
 */
final class MilterClient implements AutoCloseable {
    static final int ALL_ACTIONS = 0x1ff;
    static final int ALL_PROTOCOL = 0x1fffff;

    /** One reply packet. */
    record Packet(char command, byte[] data) {
        List<String> strings(int from) {
            return Wire.strings(data, from);
        }

        int int32(int at) {
            return Wire.int32(data, at);
        }

        @Override
        public String toString() {
            return command + " " + new String(data, StandardCharsets.ISO_8859_1).replace('\0', '|');
        }
    }

    private final Socket socket;
    /** The protocol flags the filter chose: commands it said need no reply are not waited for. */
    private int protocol;
    private final DataInputStream in;
    private final DataOutputStream out;

    MilterClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new java.io.BufferedOutputStream(socket.getOutputStream()));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(char cmd, byte[] data) throws IOException {
        out.writeInt(data.length + 1);
        out.writeByte(cmd);
        out.write(data);
        out.flush();
    }

    /** Reads one reply packet; null at end of stream. */
    Packet read() throws IOException {
        int len;
        try {
            len = in.readInt();
        } catch (java.io.EOFException e) {
            return null;
        }
        char cmd = (char) in.readUnsignedByte();
        byte[] d = new byte[len - 1];
        in.readFully(d);
        return new Packet(cmd, d);
    }

    Packet optneg(int version, int actions, int protocol) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Wire.int32(version));
        b.writeBytes(Wire.int32(actions));
        b.writeBytes(Wire.int32(protocol));
        send('O', b.toByteArray());
        Packet p = read();
        if (p != null && p.command() == 'O' && p.data().length >= 12) {
            this.protocol = p.int32(8);
        }
        return p;
    }

    /** Reads the reply, or, when the filter negotiated no reply for this command, returns a CONTINUE. */
    private Packet reply(int noReplyFlag) throws IOException {
        if ((protocol & noReplyFlag) != 0) {
            return new Packet('c', new byte[0]);
        }
        return read();
    }

    void macro(char stage, String... nameValues) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(stage);
        b.writeBytes(Wire.cstrings(nameValues));
        send('D', b.toByteArray());
    }

    Packet connect(String host, String ip) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Wire.cstrings(host));
        b.write(ip.contains(":") ? '6' : '4');
        b.write(0x30);
        b.write(0x39);
        b.writeBytes(Wire.cstrings(ip));
        send('C', b.toByteArray());
        return read();
    }

    Packet helo(String name) throws IOException {
        send('H', Wire.cstrings(name));
        return reply(0x2000);
    }

    Packet mail(String from) throws IOException {
        send('M', Wire.cstrings(from));
        return reply(0x4000);
    }

    Packet rcpt(String to) throws IOException {
        send('R', Wire.cstrings(to));
        return reply(0x8000);
    }

    Packet header(String name, String value) throws IOException {
        send('L', Wire.cstrings(name, value));
        return reply(0x80);
    }

    Packet eoh() throws IOException {
        send('N', new byte[0]);
        return reply(0x40000);
    }

    Packet body(byte[] chunk) throws IOException {
        send('B', chunk);
        return reply(0x80000);
    }

    /** Sends end-of-message and reads modifications up to the final reply (accept, reply code, ...). */
    List<Packet> eom() throws IOException {
        send('E', new byte[0]);
        List<Packet> out = new ArrayList<>();
        while (true) {
            Packet p = read();
            if (p == null) {
                return out;
            }
            out.add(p);
            if ("acrtdy".indexOf(p.command()) >= 0) {
                return out;
            }
        }
    }

    void abort() throws IOException {
        send('A', new byte[0]);
    }

    void quit() throws IOException {
        send('Q', new byte[0]);
    }

    /**
     * Sends a whole message the way Postfix does: each header field as name and value (value with its leading
     * space, folded lines joined by LF), end of headers, the body in chunks of {@code chunk} octets with CRLF line
     * ends, then end-of-message.
     */
    List<Packet> message(String mailFrom, byte[] rfc5322, int chunk) throws IOException {
        mail("<" + mailFrom + ">");
        rcpt("<bob@example.net>");
        String text = new String(rfc5322, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        String head = text.substring(0, split + 2);
        byte[] body = text.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
        for (String field : head.split("\r\n(?![ \t])")) {
            if (field.isEmpty()) {
                continue;
            }
            int colon = field.indexOf(':');
            Packet p = header(field.substring(0, colon), field.substring(colon + 1).replace("\r\n", "\n"));
            if (p.command() != 'c') {
                throw new IllegalStateException("header answered " + p);
            }
        }
        eoh();
        for (int i = 0; i < body.length; i += chunk) {
            body(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk)));
        }
        return eom();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
