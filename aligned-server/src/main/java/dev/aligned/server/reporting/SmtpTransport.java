package dev.aligned.server.reporting;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayInputStream;
import java.util.Objects;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Submits report messages over SMTP (Jakarta Mail / Angus): STARTTLS required by default, implicit TLS or none
 * as configured, AUTH when a user is set. The message bytes are sent as they are (no header is rewritten). A
 * 5xx answer to the recipient or the data is permanent; a refused connection, a time-out, a failed AUTH or a 4xx
 * answer is temporary. The password is handed to the protocol only; it never appears in a message or a log line.
 *
 * <pre>{@code
 * MailTransport smtp = new SmtpTransport(cfg.smtp().orElseThrow());
 * smtp.send("dmarc-reports@receiver.example", "dmarc@example.com", messageId, bytes);
 * }</pre>
 */
public final class SmtpTransport implements MailTransport {
    private final SmtpSettings settings;
    private final Session session;

    public SmtpTransport(SmtpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Properties p = new Properties();
        String proto = settings.security() == SmtpSecurity.TLS ? "smtps" : "smtp";
        String pre = "mail." + proto + ".";
        p.put("mail.transport.protocol", proto);
        p.put(pre + "host", settings.host());
        p.put(pre + "port", Integer.toString(settings.port()));
        String ms = Long.toString(settings.timeout().toMillis());
        p.put(pre + "connectiontimeout", ms);
        p.put(pre + "timeout", ms);
        p.put(pre + "writetimeout", ms);
        p.put(pre + "auth", Boolean.toString(settings.user().isPresent()));
        if (settings.security() == SmtpSecurity.STARTTLS) {
            p.put(pre + "starttls.enable", "true");
            p.put(pre + "starttls.required", "true");
        }
        if (settings.security() != SmtpSecurity.NONE) {
            // as for IMAP: trust_hosts names hosts whose (self-signed) certificate is accepted as it is
            p.put(pre + "ssl.checkserveridentity", Boolean.toString(settings.trustHosts().isEmpty()));
            if (!settings.trustHosts().isEmpty()) {
                p.put(pre + "ssl.trust", String.join(" ", settings.trustHosts()));
            }
        }
        this.session = Session.getInstance(p);
    }

    @Override
    public String send(String envelopeFrom, String recipient, String messageId, byte[] message) throws SendException {
        String proto = settings.security() == SmtpSecurity.TLS ? "smtps" : "smtp";
        try {
            SMTPMessage m = new SMTPMessage(session, new ByteArrayInputStream(message));
            m.setEnvelopeFrom(envelopeFrom);
            try (Transport t = session.getTransport(proto)) {
                t.connect(settings.host(), settings.port(), settings.user().orElse(null),
                        settings.password().map(pw -> pw.reveal()).orElse(null));
                t.sendMessage(m, new Address[] {new InternetAddress(recipient, true)});
                String answer = t instanceof SMTPTransport st && st.getLastServerResponse() != null
                        ? st.getLastServerResponse().strip() : "accepted";
                return answer;
            }
        } catch (AuthenticationFailedException e) {
            throw new SendException("SMTP AUTH as " + settings.user().orElse("?") + " at " + where() + " failed: "
                    + oneLine(e.getMessage()) + " (check reporting.smtp.user and the password variable)", false, e);
        } catch (SMTPAddressFailedException e) {
            throw new SendException(where() + " refused " + recipient + ": " + oneLine(e.getMessage()),
                    e.getReturnCode() >= 500, e);
        } catch (SMTPSendFailedException e) {
            throw new SendException(where() + " refused the message: " + oneLine(e.getMessage()),
                    e.getReturnCode() >= 500, e);
        } catch (SendFailedException e) {
            Exception next = e.getNextException();
            if (next instanceof SMTPAddressFailedException a) {
                throw new SendException(where() + " refused " + recipient + ": " + oneLine(a.getMessage()),
                        a.getReturnCode() >= 500, e);
            }
            throw new SendException(where() + " did not take the message: " + oneLine(e.getMessage()), false, e);
        } catch (MessagingException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SendException("could not send through " + where() + ": " + oneLine(e.getMessage())
                    + (cause != e ? " (" + oneLine(String.valueOf(cause.getMessage())) + ")" : ""), false, e);
        }
    }

    private String where() {
        return settings.host() + ":" + settings.port();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    @Override
    public String toString() {
        return "SmtpTransport[" + where() + ", " + settings.security() + ", user=" + settings.user().orElse("-") + "]";
    }
}
