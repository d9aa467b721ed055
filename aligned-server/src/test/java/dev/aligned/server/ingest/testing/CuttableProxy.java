package dev.aligned.server.ingest.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that forwards to a port and can drop every connection after the server has sent a given
 * number of bytes: a connection that dies in the middle of a fetch, for tests.
 *
 * <pre>{@code
 * try (CuttableProxy proxy = CuttableProxy.start(imapPort)) {
 *     proxy.cutAfterServerBytes(40_000);   // the next connections die after 40 kB from the server
 *     ... connect to proxy.port() ...
 * }
 * }</pre>
 */
public final class CuttableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong cutAfter = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong cuts = new AtomicLong();
    private volatile boolean closed;

    private CuttableProxy(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
    }

    /** Starts forwarding a free loopback port to {@code 127.0.0.1:targetPort}. */
    public static CuttableProxy start(int targetPort) throws IOException {
        CuttableProxy p = new CuttableProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        Thread.ofVirtual().name("proxy-accept").start(p::accept);
        return p;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections opened from now on are dropped once the server has sent {@code bytes} bytes over them. */
    public void cutAfterServerBytes(long bytes) {
        cutAfter.set(bytes);
    }

    /** Connections opened from now on are forwarded whole. */
    public void heal() {
        cutAfter.set(Long.MAX_VALUE);
    }

    /** How many connections were dropped by a cut. */
    public long cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                long limit = cutAfter.get();
                Thread.ofVirtual().start(() -> pump(client, server, Long.MAX_VALUE));
                Thread.ofVirtual().start(() -> pump(server, client, limit));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, long limit) {
        byte[] buf = new byte[4096];
        long sent = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                int allowed = (int) Math.min(n, limit - sent);
                out.write(buf, 0, allowed);
                out.flush();
                sent += allowed;
                if (sent >= limit) {
                    cuts.incrementAndGet();
                    break;
                }
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }
}
