/**
 * DMARC (RFC 9989, and RFC 7489 as an option): record parsing, policy discovery by DNS tree walk or Public
 * Suffix List, identifier alignment and evaluation to a result and a disposition.
 */
package dev.aligned.dmarc;
