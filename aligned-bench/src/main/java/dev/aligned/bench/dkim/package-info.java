/** JMH benchmarks of DKIM verification and signing, next to the raw cryptographic primitives. */
package dev.aligned.bench.dkim;
