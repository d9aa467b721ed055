/**
 * What the configuration sections of {@code aligned.yaml} share: {@link dev.aligned.server.config.ConfigReader}
 * reads values out of the parsed YAML tree ({@code ${NAME}} environment references, durations, sizes, ranges)
 * and collects every problem with its key, for the ingest, reporting and milter sections alike.
 */
package dev.aligned.server.config;
