package dev.aligned.mail;

/**
 * Limits on reading an untrusted message's header section. The body is never held by the reader: it streams.
 *
 * @param maxHeaderBytes the most octets kept for the whole header section (default 1 MiB)
 * @param maxHeaderFields the most header fields kept (default 1,000)
 */
public record MessageLimits(int maxHeaderBytes, int maxHeaderFields) {
    /** 1 MiB of header, 1,000 fields. */
    public static final MessageLimits DEFAULT = new MessageLimits(1 << 20, 1000);

    public MessageLimits {
        if (maxHeaderBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBytes must be positive, got " + maxHeaderBytes);
        }
        if (maxHeaderFields < 1) {
            throw new IllegalArgumentException("maxHeaderFields must be positive, got " + maxHeaderFields);
        }
    }
}
