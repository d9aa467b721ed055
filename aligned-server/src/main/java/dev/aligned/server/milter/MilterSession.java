package dev.aligned.server.milter;

import dev.aligned.server.milter.Decision.Change;
import dev.aligned.server.milter.Decision.Reply;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.aligned.server.reporting.EvaluationLog;
import dev.aligned.server.reporting.FailureReporter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One MTA connection: reads packets, keeps the connection's and the message's state, answers each command and
 * hands complete messages to the {@link MessageJudge}. A connection carries any number of messages (and, after
 * QUIT_NC, any number of SMTP sessions). Malformed input ends the connection or is answered CONTINUE; nothing
 * the MTA sends makes it throw past {@link #run}.
 */
final class MilterSession {
    /** The largest packet accepted: Postfix sends body chunks of at most 64 KiB. */
    static final int MAX_PACKET = 1 << 20;
    private static final int WANTED_ACTIONS = Wire.F_ADDHDRS | Wire.F_CHGHDRS | Wire.F_QUARANTINE;
    /**
     * No unknown commands, no DATA, header values with their leading space, and no replies to the commands this
     * milter always continues (HELO, MAIL, RCPT, DATA, headers, end of headers, body chunks): the MTA waits only
     * at CONNECT and end-of-message, two round trips per message instead of one per header field.
     */
    private static final int WANTED_PROTOCOL = Wire.P_NOUNKNOWN | Wire.P_NODATA | Wire.P_HDR_LEADSPC
            | Wire.P_NR_HDR | Wire.P_NR_HELO | Wire.P_NR_MAIL | Wire.P_NR_RCPT | Wire.P_NR_DATA | Wire.P_NR_UNKN
            | Wire.P_NR_EOH | Wire.P_NR_BODY;
    private static final int MAX_RECIPIENTS = 1000;

    private final MessageJudge judge;
    private final MilterConfig config;
    private final List<Cidr> trusted;
    private final EvaluationLog evaluations;
    private final FailureReporter failures;
    private final Consumer<String> log;

    private InputStream in;
    private OutputStream out;
    private int actions = WANTED_ACTIONS;
    private boolean leadingSpace;
    private int protocol;
    private final Map<String, String> macros = new HashMap<>();
    private Optional<InetAddress> clientIp = Optional.empty();
    private String helo = "";
    private String mailFrom = "";
    private final List<String> rcptTo = new ArrayList<>();
    private MessageBuffer message;

    MilterSession(MessageJudge judge, MilterConfig config, EvaluationLog evaluations, FailureReporter failures,
            Consumer<String> log) {
        this.judge = judge;
        this.config = config;
        this.trusted = config.trustedBlocks();
        this.evaluations = evaluations;
        this.failures = failures;
        this.log = log;
    }

    /** Serves one connection until QUIT, end of stream or a malformed packet; never throws. */
    void run(InputStream rawIn, OutputStream rawOut, String peer) {
        in = new BufferedInputStream(rawIn, 64 * 1024);
        out = new BufferedOutputStream(rawOut, 8 * 1024);
        message = new MessageBuffer(config.maxMessageBytes(), config.spillBytes());
        try {
            Wire.Packet p;
            while ((p = Wire.read(in, MAX_PACKET)) != null) {
                if (!handle(p)) {
                    break;
                }
            }
        } catch (Wire.MalformedPacket e) {
            log.accept("milter: " + peer + ": " + e.getMessage() + "; closing the connection");
        } catch (EOFException e) {
            log.accept("milter: " + peer + ": " + e.getMessage());
        } catch (IOException e) {
            // the MTA went away (it closes connections it no longer needs)
        } catch (RuntimeException e) {
            log.accept("milter: " + peer + ": unexpected " + e + "; closing the connection");
        } finally {
            message.close();
        }
    }

    /** Handles one packet; false to end the connection. */
    private boolean handle(Wire.Packet p) throws IOException {
        byte[] d = p.data();
        switch (p.command()) {
            case Wire.C_OPTNEG -> {
                if (d.length < 12) {
                    log.accept("milter: option negotiation packet of " + d.length + " octets (needs 12); closing");
                    return false;
                }
                int version = Wire.int32(d, 0);
                int theirActions = Wire.int32(d, 4);
                int theirProtocol = Wire.int32(d, 8);
                actions = WANTED_ACTIONS & theirActions;
                protocol = WANTED_PROTOCOL & theirProtocol;
                leadingSpace = (protocol & Wire.P_HDR_LEADSPC) != 0;
                byte[] reply = new byte[12];
                System.arraycopy(Wire.int32(Math.min(Math.max(version, 2), Wire.VERSION)), 0, reply, 0, 4);
                System.arraycopy(Wire.int32(actions), 0, reply, 4, 4);
                System.arraycopy(Wire.int32(protocol), 0, reply, 8, 4);
                send(Wire.C_OPTNEG, reply);
            }
            case Wire.C_MACRO -> {
                List<String> s = Wire.strings(d, Math.min(1, d.length));
                for (int i = 0; i + 1 < s.size(); i += 2) {
                    if (macros.size() < 256 || macros.containsKey(macroName(s.get(i)))) {
                        macros.put(macroName(s.get(i)), s.get(i + 1));
                    }
                }
            }
            case Wire.C_CONNECT -> {
                Map<String, String> sentForConnect = Map.copyOf(macros);
                resetConnection();
                macros.putAll(sentForConnect); // macros arrive just before the command they belong to
                clientIp = connectAddress(d);
                if (clientIp.isEmpty()) {
                    clientIp = literal(macros.get("client_addr"));
                }
                if (clientIp.isPresent() && trusted.stream().anyMatch(c -> c.contains(clientIp.get()))) {
                    send(Wire.R_ACCEPT); // trusted: the rest of this SMTP session is not shown to us
                } else {
                    send(Wire.R_CONTINUE);
                }
            }
            case Wire.C_HELO -> {
                List<String> s = Wire.strings(d, 0);
                helo = s.isEmpty() ? "" : s.get(0);
                proceed(Wire.P_NR_HELO);
            }
            case Wire.C_MAIL -> {
                message.close();
                List<String> s = Wire.strings(d, 0);
                mailFrom = s.isEmpty() ? "" : s.get(0);
                rcptTo.clear();
                proceed(Wire.P_NR_MAIL);
            }
            case Wire.C_HEADER -> {
                List<String> s = Wire.strings(d, 0);
                if (!s.isEmpty() && !s.get(0).isEmpty()) {
                    message.header(s.get(0), s.size() > 1 ? s.get(1) : "", leadingSpace);
                }
                proceed(Wire.P_NR_HDR);
            }
            case Wire.C_BODY -> {
                message.body(d);
                proceed(Wire.P_NR_BODY);
            }
            case Wire.C_EOM -> {
                message.body(d);
                endOfMessage();
            }
            case Wire.C_ABORT -> {
                message.close();
                rcptTo.clear();
                    }
            case Wire.C_QUIT -> {
                return false;
            }
            case Wire.C_QUIT_NC -> resetConnection();
            case Wire.C_RCPT -> {
                List<String> s = Wire.strings(d, 0);
                if (!s.isEmpty() && rcptTo.size() < MAX_RECIPIENTS) {
                    rcptTo.add(s.get(0));
                }
                proceed(Wire.P_NR_RCPT);
            }
            case Wire.C_DATA -> proceed(Wire.P_NR_DATA);
            case Wire.C_EOH -> proceed(Wire.P_NR_EOH);
            case Wire.C_UNKNOWN -> proceed(Wire.P_NR_UNKN);
            default -> {
                log.accept("milter: unknown command " + p.commandName() + " (" + d.length + " octets); answered "
                        + "continue");
                send(Wire.R_CONTINUE);
            }
        }
        return true;
    }

    private void endOfMessage() throws IOException {
        MessageJudge.Envelope env = new MessageJudge.Envelope(clientIp, helo, mailFrom, List.copyOf(rcptTo),
                !macros.getOrDefault("auth_authen", "").isEmpty(), Optional.ofNullable(macros.get("i")));
        Decision decision = judge.judge(env, message, leadingSpace ? " " : "");
        for (Change c : decision.changes()) {
            switch (c) {
                case Change.Insert i when (actions & Wire.F_ADDHDRS) != 0 -> {
                    byte[] nv = Wire.cstrings(i.name(), i.value());
                    byte[] data = new byte[4 + nv.length];
                    System.arraycopy(Wire.int32(i.index()), 0, data, 0, 4);
                    System.arraycopy(nv, 0, data, 4, nv.length);
                    send(Wire.R_INSHEADER, data);
                }
                case Change.Delete x when (actions & Wire.F_CHGHDRS) != 0 -> {
                    byte[] nv = Wire.cstrings(x.name(), "");
                    byte[] data = new byte[4 + nv.length];
                    System.arraycopy(Wire.int32(x.index()), 0, data, 0, 4);
                    System.arraycopy(nv, 0, data, 4, nv.length);
                    send(Wire.R_CHGHEADER, data);
                }
                case Change.Quarantine q when (actions & Wire.F_QUARANTINE) != 0 ->
                        send(Wire.R_QUARANTINE, Wire.cstrings(q.reason()));
                default -> log.accept("milter: the MTA did not allow " + c + "; skipped");
            }
        }
        // recorded before the final reply: once the MTA has the reply, the evaluation is on record
        decision.evaluation().ifPresent(e -> {
            try {
                evaluations.record(e);
                decision.sample().ifPresent(s -> failures.consider(e, s));
            } catch (RuntimeException ex) {
                log.accept("milter: recording the evaluation failed: " + ex);
            }
        });
        // the message (and its spill file) goes before the final reply: once the MTA has the reply it may count on
        // nothing of the message being left on this host
        message.close();
        switch (decision.reply()) {
            case Reply.Accept a -> send(Wire.R_ACCEPT);
            case Reply.Reject r -> send(Wire.R_REPLYCODE, Wire.cstrings(r.smtpReply()));
            case Reply.TempFail t -> send(Wire.R_REPLYCODE, Wire.cstrings(t.smtpReply()));
        }
    }

    private void resetConnection() {
        message.close();
        macros.clear();
        clientIp = Optional.empty();
        helo = "";
        mailFrom = "";
        rcptTo.clear();
    }

    /** {@code {client_addr}} -> {@code client_addr}; {@code i} stays {@code i}. */
    private static String macroName(String n) {
        return n.length() > 2 && n.startsWith("{") && n.endsWith("}") ? n.substring(1, n.length() - 1) : n;
    }

    /** CONNECT data: host name NUL, family octet, port (2 octets) and address NUL for '4' and '6'. */
    static Optional<InetAddress> connectAddress(byte[] d) {
        int nul = 0;
        while (nul < d.length && d[nul] != 0) {
            nul++;
        }
        if (nul + 1 >= d.length) {
            return Optional.empty();
        }
        byte family = d[nul + 1];
        if ((family != '4' && family != '6') || nul + 4 > d.length) {
            return Optional.empty();
        }
        List<String> rest = Wire.strings(d, nul + 4);
        return rest.isEmpty() ? Optional.empty() : literal(rest.get(0));
    }

    /** A literal IPv4 or IPv6 address (with or without brackets or an {@code IPv6:} prefix); never a name lookup. */
    static Optional<InetAddress> literal(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.regionMatches(true, 0, "IPv6:", 0, 5)) {
            t = t.substring(5);
        }
        if (t.isEmpty() || !t.matches("[0-9A-Fa-f:.]+") || (!t.contains(":") && !t.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Answers CONTINUE unless the MTA agreed not to wait for a reply to this command ({@code noReplyFlag}). */
    private void proceed(int noReplyFlag) throws IOException {
        if ((protocol & noReplyFlag) == 0) {
            send(Wire.R_CONTINUE);
        }
    }

    private void send(byte command) throws IOException {
        send(command, new byte[0]);
    }

    private void send(byte command, byte[] data) throws IOException {
        Wire.write(out, command, data);
        out.flush();
    }
}
