/** DKIM (RFC 6376, RFC 8301, RFC 8463): signature and key-record parsing, canonicalisation, verification, signing and key generation. */
package dev.aligned.dkim;
