/** Shared test fixtures, shipped in aligned-core's test-jar: a real nsd on loopback, a fake clock. */
package dev.aligned.testing;
