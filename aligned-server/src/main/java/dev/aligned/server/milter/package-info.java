/**
 * A Sendmail/Postfix milter (protocol version 6) that authenticates each incoming message with
 * {@link dev.aligned.auth.EmailAuthenticator}, writes Authentication-Results, applies the DMARC disposition as
 * configured and records every evaluation for aggregate reporting. Entry point: {@link MilterServer}.
 */
package dev.aligned.server.milter;
