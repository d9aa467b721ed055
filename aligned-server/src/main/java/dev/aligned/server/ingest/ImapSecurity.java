package dev.aligned.server.ingest;

/** How the IMAP connection is protected. */
public enum ImapSecurity {
    /** Implicit TLS from the first byte (IMAPS, usually port 993). */
    TLS,
    /** Plain connection upgraded with STARTTLS before login (usually port 143); refused if the server cannot. */
    STARTTLS,
    /** No encryption: allowed only to a loopback address (a local test server or an stunnel). */
    NONE
}
