package dev.aligned.server.ingest.testing;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * GreenMail on loopback at free ports (IMAP, IMAPS with its self-signed certificate, SMTP) with one user, for tests.
 * Its IMAP server announces IDLE and MOVE; its folder separator is {@code .}.
 *
 * <pre>{@code
 * try (MailServer mail = MailServer.start("dmarc@example.com", "pw")) {
 *     mail.deliver(reportEmailBytes);
 *     assertEquals(0, mail.count("INBOX"));
 * }
 * }</pre>
 */
public final class MailServer implements AutoCloseable {
    private final GreenMail greenMail;
    private final GreenMailUser user;
    private final String login;
    private final String password;

    private MailServer(GreenMail greenMail, GreenMailUser user, String login, String password) {
        this.greenMail = greenMail;
        this.user = user;
        this.login = login;
        this.password = password;
    }

    /** Starts the server with user {@code login} / {@code password}. */
    public static MailServer start(String login, String password) {
        ServerSetup[] setups = {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)};
        GreenMail g = new GreenMail(setups);
        g.start();
        GreenMailUser u = g.setUser(login, login, password);
        return new MailServer(g, u, login, password);
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    public int imapsPort() {
        return greenMail.getImaps().getPort();
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    /** Puts a message with exactly these bytes into the user's INBOX. */
    public void deliver(byte[] rfc5322) {
        try {
            user.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(rfc5322)));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The number of messages in {@code folder} (0 when it does not exist), seen over IMAP. */
    public int count(String folder) {
        return withFolder(folder, 0, Folder::getMessageCount);
    }

    /** The keywords (user flags) of each message in {@code folder}. */
    public List<List<String>> keywords(String folder) {
        return withFolder(folder, List.of(), f -> {
            List<List<String>> out = new ArrayList<>();
            for (Message m : f.getMessages()) {
                out.add(List.of(m.getFlags().getUserFlags()));
            }
            return out;
        });
    }

    /** The subjects of the messages in {@code folder}. */
    public List<String> subjects(String folder) {
        return withFolder(folder, List.of(), f -> {
            List<String> out = new ArrayList<>();
            for (Message m : f.getMessages()) {
                out.add(m.getSubject());
            }
            return out;
        });
    }

    private interface FolderWork<T> {
        T run(Folder f) throws MessagingException;
    }

    private <T> T withFolder(String name, T ifMissing, FolderWork<T> work) {
        Properties p = new Properties();
        p.setProperty("mail.imap.peek", "true");
        try {
            Store s = Session.getInstance(p).getStore("imap");
            s.connect("127.0.0.1", imapPort(), login, password);
            try {
                Folder f = s.getFolder(name);
                if (!f.exists()) {
                    return ifMissing;
                }
                f.open(Folder.READ_ONLY);
                try {
                    return work.run(f);
                } finally {
                    f.close(false);
                }
            } finally {
                s.close();
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot read folder " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
