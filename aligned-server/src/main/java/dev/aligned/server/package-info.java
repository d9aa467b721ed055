/**
 * The long-running server ({@code aligned serve}): {@link dev.aligned.server.AlignedServer} runs the configured
 * ingest sources and any other {@link dev.aligned.server.ServerComponent} over one report store.
 */
package dev.aligned.server;
