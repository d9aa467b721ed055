package dev.aligned.server.analysis;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/** Sends each alert as a plain-text e-mail through the SMTP server in the Jakarta Mail properties. */
final class EmailSink implements AlertSink {
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;

    EmailSink(Properties smtp, String from, List<String> to) {
        this(smtp, from, to, null, "");
    }

    /** With a login: {@code user} (null for none) and its password, handed only to the SMTP authenticator. */
    EmailSink(Properties smtp, String from, List<String> to, String user, String password) {
        Objects.requireNonNull(smtp, "smtp");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("alert e-mail needs at least one recipient");
        }
        Properties p = new Properties();
        p.putAll(smtp);
        p.putIfAbsent("mail.smtp.connectiontimeout", "10000");
        p.putIfAbsent("mail.smtp.timeout", "10000");
        this.session = user == null ? Session.getInstance(p) : Session.getInstance(p, new jakarta.mail.Authenticator() {
            @Override
            protected jakarta.mail.PasswordAuthentication getPasswordAuthentication() {
                return new jakarta.mail.PasswordAuthentication(user, password);
            }
        });
        try {
            this.from = new InternetAddress(from, true);
            this.to = new InternetAddress[to.size()];
            for (int i = 0; i < to.size(); i++) {
                this.to[i] = new InternetAddress(to.get(i), true);
            }
        } catch (jakarta.mail.internet.AddressException e) {
            throw new IllegalArgumentException("invalid alert e-mail address: " + e.getMessage(), e);
        }
    }

    @Override
    public Delivery send(Alert alert) {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(from);
            m.setRecipients(Message.RecipientType.TO, to);
            String subject = "[Aligned] " + alert.title().replaceAll("[\\r\\n]+", " ");
            m.setSubject(subject.length() > 200 ? subject.substring(0, 200) : subject, "UTF-8");
            m.setSentDate(Date.from(alert.at()));
            m.setText(alert.title() + "\n\n" + alert.detail() + "\n\nkind: " + alert.kind() + "\ndomain: "
                    + alert.domain() + "\n", "UTF-8");
            m.setHeader("X-Aligned-Alert", alert.kind());
            Transport.send(m);
            return new Delivery(true, "sent to " + to.length + " recipient(s)");
        } catch (MessagingException e) {
            return new Delivery(false, "SMTP: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "e-mail to " + to.length + " recipient(s)";
    }
}
