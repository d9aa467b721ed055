package dev.aligned.server;

import java.io.IOException;

/**
 * One part of a running {@link AlignedServer}: an ingest source, a receiver, the web dashboard. The server starts
 * its components in the order they were added and closes them in reverse order.
 *
 * <pre>{@code
 * AlignedServer server = AlignedServer.builder(store)
 *         .component(new ServerComponent() {
 *             public void start() throws IOException { http.start(); }
 *             public void close() { http.stop(); }
 *             public String name() { return "dashboard on http://127.0.0.1:" + http.port() + "/"; }
 *         })
 *         .build().start();
 * }</pre>
 */
public interface ServerComponent {
    /** Starts the component; returns once it runs (work continues on its own threads). */
    void start() throws IOException;

    /** Stops the component and releases what it holds; called once, also when {@link #start()} failed. */
    void close();

    /** One line for the start-up output, read after {@link #start()} (so it may name a bound port). */
    String name();
}
