/** JMH benchmarks and the peer harness. */
package dev.aligned.bench;
