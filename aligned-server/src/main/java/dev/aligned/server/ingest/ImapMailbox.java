package dev.aligned.server.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One IMAP mailbox to ingest reports from. The password is a {@link Secret}: {@link #toString()} shows
 * {@code [redacted]}.
 *
 * <pre>{@code
 * ImapMailbox box = ImapMailbox.builder("imap.example.com", "dmarc@example.com", Secret.of(pw))
 *         .security(ImapSecurity.TLS).processedFolder("Aligned/Processed").build();
 * }</pre>
 *
 * @param name a short name used in output and as part of the lock key (default {@code user@host})
 * @param folder the folder reports arrive in (default {@code INBOX})
 * @param processedFolder where stored messages go ({@link AfterIngest#MOVE})
 * @param errorFolder where messages that failed to parse go; their reason is in the store
 * @param pollInterval how often to look for new mail when the server lacks IDLE (or {@code idle} is off)
 * @param idle whether to use IMAP IDLE (RFC 2177) when the server supports it
 * @param trustHosts hosts whose TLS certificate is trusted without verification (self-signed test servers only);
 *     empty: the JDK trust store and host-name verification
 * @param timeout connect and read timeout
 * @param maxMessageBytes larger messages are not fetched: they go to the error folder with the reason
 * @param maxMessagesPerPoll at most this many messages are fetched in one poll (bounded work; the next poll
 *     continues)
 */
public record ImapMailbox(String name, String host, int port, ImapSecurity security, String user, Secret password,
        String folder, String processedFolder, String errorFolder, AfterIngest afterIngest, Duration pollInterval,
        boolean idle, List<String> trustHosts, Duration timeout, long maxMessageBytes, int maxMessagesPerPoll) {

    public ImapMailbox {
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(afterIngest, "afterIngest");
        trustHosts = List.copyOf(trustHosts);
        List<String> problems = problems(name, host, port, security, user, folder, processedFolder, errorFolder,
                pollInterval, timeout, maxMessageBytes, maxMessagesPerPoll);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("IMAP mailbox " + name + ": " + String.join("; ", problems));
        }
    }

    /** A builder with the defaults: TLS on 993, INBOX, folders {@code Aligned/Processed} and {@code Aligned/Error}. */
    public static Builder builder(String host, String user, Secret password) {
        return new Builder(host, user, password);
    }

    /** The default port of a security mode: 993 for TLS, 143 otherwise. */
    public static int defaultPort(ImapSecurity security) {
        return security == ImapSecurity.TLS ? 993 : 143;
    }

    /**
     * The problems with these settings, each starting with the field name ({@code "port: must be ..."}); empty
     * when they are valid. The configuration loader prefixes each with its key.
     */
    static List<String> problems(String name, String host, int port, ImapSecurity security, String user, String folder,
            String processedFolder, String errorFolder, Duration pollInterval, Duration timeout, long maxMessageBytes,
            int maxMessagesPerPoll) {
        List<String> p = new ArrayList<>();
        if (name == null || name.isBlank()) {
            p.add("name: must not be empty");
        }
        if (host == null || host.isBlank()) {
            p.add("host: must not be empty");
        } else if (security == ImapSecurity.NONE && !isLoopback(host)) {
            p.add("security: 'none' sends the password in clear text and is allowed only to a loopback host, not "
                    + host + "; use tls (port 993) or starttls (port 143)");
        }
        if (port < 1 || port > 65535) {
            p.add("port: must be between 1 and 65535, got " + port);
        }
        if (user == null || user.isBlank()) {
            p.add("user: must not be empty");
        }
        for (String[] f : new String[][] {{"folder", folder}, {"processed_folder", processedFolder},
                {"error_folder", errorFolder}}) {
            if (f[1] == null || f[1].isBlank()) {
                p.add(f[0] + ": must not be empty");
            }
        }
        if (folder != null && (folder.equalsIgnoreCase(String.valueOf(processedFolder))
                || folder.equalsIgnoreCase(String.valueOf(errorFolder)))) {
            p.add("processed_folder/error_folder: must differ from folder '" + folder + "', or messages are read again");
        }
        if (pollInterval == null || pollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            p.add("poll_interval: must be at least 1s, got " + pollInterval);
        }
        if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            p.add("timeout: must be at least 1s, got " + timeout);
        }
        if (maxMessageBytes < 1024 || maxMessageBytes > Integer.MAX_VALUE - 16) {
            p.add("max_message_bytes: must be between 1024 and " + (Integer.MAX_VALUE - 16) + ", got " + maxMessageBytes);
        }
        if (maxMessagesPerPoll < 1) {
            p.add("max_messages_per_poll: must be at least 1, got " + maxMessagesPerPoll);
        }
        return p;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")) {
            return true;
        }
        if (!h.matches("[0-9.:\\[\\]a-f]+")) {
            return false; // no DNS lookup for names: only literal loopback addresses
        }
        try {
            return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code imap://user@host:port/folder}, without the password; names messages in the store. */
    public String url() {
        return (security == ImapSecurity.TLS ? "imaps://" : "imap://") + user + "@" + host + ":" + port + "/" + folder;
    }

    /** Builds an {@link ImapMailbox}. */
    public static final class Builder {
        private String name;
        private final String host;
        private Integer port;
        private ImapSecurity security = ImapSecurity.TLS;
        private final String user;
        private final Secret password;
        private String folder = "INBOX";
        private String processedFolder = "Aligned/Processed";
        private String errorFolder = "Aligned/Error";
        private AfterIngest afterIngest = AfterIngest.MOVE;
        private Duration pollInterval = Duration.ofMinutes(1);
        private boolean idle = true;
        private List<String> trustHosts = List.of();
        private Duration timeout = Duration.ofSeconds(30);
        private long maxMessageBytes = 64L << 20;
        private int maxMessagesPerPoll = 500;

        private Builder(String host, String user, Secret password) {
            this.host = host;
            this.user = user;
            this.password = Objects.requireNonNull(password, "password");
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder security(ImapSecurity security) {
            this.security = Objects.requireNonNull(security, "security");
            return this;
        }

        public Builder folder(String folder) {
            this.folder = folder;
            return this;
        }

        public Builder processedFolder(String folder) {
            this.processedFolder = folder;
            return this;
        }

        public Builder errorFolder(String folder) {
            this.errorFolder = folder;
            return this;
        }

        public Builder afterIngest(AfterIngest after) {
            this.afterIngest = Objects.requireNonNull(after, "afterIngest");
            return this;
        }

        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        public Builder idle(boolean idle) {
            this.idle = idle;
            return this;
        }

        public Builder trustHosts(List<String> hosts) {
            this.trustHosts = List.copyOf(hosts);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxMessageBytes(long max) {
            this.maxMessageBytes = max;
            return this;
        }

        public Builder maxMessagesPerPoll(int max) {
            this.maxMessagesPerPoll = max;
            return this;
        }

        /** @throws IllegalArgumentException naming every invalid field */
        public ImapMailbox build() {
            int p = port != null ? port : defaultPort(security);
            String n = name != null ? name : user + "@" + host;
            return new ImapMailbox(n, host, p, security, user, password, folder, processedFolder, errorFolder,
                    afterIngest, pollInterval, idle, trustHosts, timeout, maxMessageBytes, maxMessagesPerPoll);
        }
    }
}
