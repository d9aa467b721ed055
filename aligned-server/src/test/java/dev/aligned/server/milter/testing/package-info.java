/** Test harnesses for the milter: a private Postfix instance on loopback. */
package dev.aligned.server.milter.testing;
