package dev.aligned.dns.dnsjava;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.xbill.DNS.Message;

/**
 * A loopback DNS server for unit tests that answers each query with whatever a script returns; answers
 * {@code null} are dropped (the client times out). Listens on the same port for UDP and TCP and records, per
 * query, the transport it came over.
 */
final class ScriptedDnsServer implements AutoCloseable {
    /** One query received. */
    record Received(String transport, Message query) {
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final BiFunction<Message, String, Message> script;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** Starts a server; {@code script} gets the query and "udp" or "tcp" and returns the answer or null. */
    ScriptedDnsServer(BiFunction<Message, String, Message> script) throws IOException {
        this.script = script;
        InetAddress lo = InetAddress.getLoopbackAddress();
        ServerSocket t = null;
        DatagramSocket u = null;
        for (int attempt = 0; attempt < 20 && t == null; attempt++) {
            ServerSocket candidate = new ServerSocket(0, 50, lo);
            try {
                u = new DatagramSocket(new InetSocketAddress(lo, candidate.getLocalPort()));
                t = candidate;
            } catch (SocketException e) {
                candidate.close();
            }
        }
        if (t == null) {
            throw new IOException("no free port for both UDP and TCP on loopback");
        }
        this.tcp = t;
        this.udp = u;
        threads.add(Thread.ofPlatform().daemon().start(this::serveUdp));
        threads.add(Thread.ofPlatform().daemon().start(this::serveTcp));
    }

    /** {@code 127.0.0.1:PORT}. */
    String address() {
        return udp.getLocalAddress().getHostAddress() + ":" + udp.getLocalPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                received.add(new Received("udp", q));
                Message a = script.apply(q, "udp");
                if (a != null) {
                    byte[] out = a.toWire();
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (udp.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket s = tcp.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                int len = in.readUnsignedShort();
                byte[] b = in.readNBytes(len);
                Message q = new Message(b);
                received.add(new Received("tcp", q));
                Message a = script.apply(q, "tcp");
                if (a != null) {
                    byte[] wire = a.toWire();
                    out.writeShort(wire.length);
                    out.write(wire);
                    out.flush();
                }
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
