/** Raw RFC 5322 messages: header fields kept as the exact bytes received (as DKIM needs them) and the body as bytes. */
package dev.aligned.mail;
