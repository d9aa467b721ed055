/**
 * Whole-message authentication: SPF, DKIM and DMARC for one message in one call, with their DNS lookups
 * overlapping, rendered as Authentication-Results (RFC 8601) and Received-SPF (RFC 7208).
 */
package dev.aligned.auth;
