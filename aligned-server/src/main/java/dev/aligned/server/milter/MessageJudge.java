package dev.aligned.server.milter;

import dev.aligned.auth.AuthenticationResult;
import dev.aligned.auth.EmailAuthenticator;
import dev.aligned.dmarc.Disposition;
import dev.aligned.dmarc.DmarcEvaluation;
import dev.aligned.mail.HeaderSection;
import dev.aligned.server.milter.Decision.Change;
import dev.aligned.server.milter.Decision.Reply;
import dev.aligned.server.reporting.Evaluation;
import dev.aligned.server.reporting.FailureSample;
import dev.aligned.report.PolicyOverride;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Turns one received message into a {@link Decision}: authenticates it within the deadline, strips forged
 * Authentication-Results, adds its own, and applies the DMARC disposition as the configuration says. Never
 * throws: whatever goes wrong becomes the configured failure behaviour.
 */
final class MessageJudge {
    static final String AR = "Authentication-Results";
    static final String QUARANTINE_HEADER = "X-Aligned-Quarantine";

    private final EmailAuthenticator authenticator;
    private final MilterConfig config;
    private final Clock clock;
    private final ExecutorService pool;
    private final Consumer<String> log;

    MessageJudge(EmailAuthenticator authenticator, MilterConfig config, Clock clock, ExecutorService pool,
            Consumer<String> log) {
        this.authenticator = authenticator;
        this.config = config;
        this.clock = clock;
        this.pool = pool;
        this.log = log;
    }

    /** What the session knows about the message's envelope. */
    record Envelope(Optional<InetAddress> clientIp, String helo, String mailFrom, List<String> rcptTo,
            boolean authenticated, Optional<String> queueId) {
    }

    /**
     * Decides on one message.
     *
     * @param space the prefix a header value needs (a space, unless the MTA keeps values' leading space as given)
     */
    Decision judge(Envelope env, MessageBuffer message, String space) {
        List<Change> changes = new ArrayList<>(forgedResults(message.fields()));
        String id = config.authservId();
        if (env.authenticated()) {
            return new Decision(changes, new Reply.Accept());
        }
        if (message.tooLarge()) {
            changes.add(arHeader(space, id + "; none (message larger than " + config.maxMessageBytes()
                    + " bytes: not evaluated)"));
            return new Decision(changes, new Reply.Accept());
        }
        if (env.clientIp().isEmpty()) {
            changes.add(arHeader(space, id + "; none (the MTA gave no client IP address: not evaluated)"));
            return new Decision(changes, new Reply.Accept());
        }
        InetAddress ip = env.clientIp().get();
        AuthenticationResult result;
        Future<AuthenticationResult> f = null;
        try {
            HeaderSection header = message.headerSection();
            InputStream body = message.body();
            f = pool.submit(() -> {
                try (body) {
                    return authenticator.authenticate(header, body, ip, env.helo(), env.mailFrom());
                }
            });
            result = f.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return failure(changes, space, "evaluation did not finish within " + config.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (f != null) {
                f.cancel(true);
            }
            return failure(changes, space, "interrupted");
        } catch (ExecutionException | IOException | RuntimeException e) {
            Throwable c = e instanceof ExecutionException ee && ee.getCause() != null ? ee.getCause() : e;
            log.accept("milter: evaluation failed" + env.queueId().map(q -> " for " + q).orElse("") + ": " + c);
            return failure(changes, space, "evaluation failed: " + c.getClass().getSimpleName());
        }
        String ar = result.authenticationResults();
        String value = ar.substring(ar.indexOf(':') + 1).stripLeading().replace("\r\n", "\n");
        changes.add(arHeader(space, value));
        Reply reply = new Reply.Accept();
        Optional<DmarcEvaluation> ev = result.evaluation();
        Disposition d = ev.map(DmarcEvaluation::disposition).orElse(Disposition.NONE);
        Disposition act = switch (config.mode()) {
            case MONITOR -> Disposition.NONE;
            case QUARANTINE -> d == Disposition.NONE ? Disposition.NONE : Disposition.QUARANTINE;
            case REJECT -> d;
        };
        if (ev.isPresent() && act != Disposition.NONE) {
            DmarcEvaluation e = ev.get();
            String policy = e.policy().map(p -> p.keyword()).orElse(d.keyword());
            String domain = e.policyDomain().orElse(e.authorDomain()).toString();
            String from = e.authorDomain().toString();
            switch (act) {
                case REJECT -> reply = new Reply.Reject("550 5.7.1 Message rejected: it fails DMARC for " + from
                        + " and the policy of " + domain + " is p=" + policy);
                case QUARANTINE -> {
                    String reason = "DMARC fail for " + from + ", policy of " + domain + " is " + policy;
                    changes.add(switch (config.quarantineStyle()) {
                        case MILTER -> new Change.Quarantine(reason);
                        case HEADER -> new Change.Insert(0, QUARANTINE_HEADER, space + "dmarc=fail policy=" + policy
                                + " header.from=" + from);
                    });
                }
                case NONE -> throw new IllegalStateException("unreachable");
            }
        }
        Optional<Evaluation> report = Evaluation.of(clock.instant(), ip, result, env.mailFrom(), env.rcptTo());
        if (act != d) {
            String why = config.mode() == MilterConfig.Mode.MONITOR ? "monitor mode"
                    : "quarantine mode: " + d.keyword() + " applied as quarantine";
            report = report.map(r -> r.withApplied(act, PolicyOverride.LOCAL_POLICY, why));
        }
        Optional<FailureSample> sample = report.filter(Evaluation::failed).map(r -> new FailureSample(env.mailFrom(),
                env.rcptTo(), message.headerBlock(), Optional.of(value)));
        return new Decision(changes, reply, report, sample);
    }

    private Decision failure(List<Change> changes, String space, String why) {
        return switch (config.failMode()) {
            case ACCEPT -> {
                changes.add(arHeader(space, config.authservId() + "; dmarc=temperror (" + why + ")"));
                yield new Decision(changes, new Reply.Accept());
            }
            case TEMPFAIL -> new Decision(List.of(), new Reply.TempFail("451 4.7.0 DMARC check not completed ("
                    + why + "); try again later"));
        };
    }

    private static Change arHeader(String space, String value) {
        return new Change.Insert(0, AR, space + value);
    }

    /**
     * Deletions of the Authentication-Results fields that claim this authserv-id (RFC 8601 section 5: a
     * receiver removes them, they are forged or stale), highest index first so earlier deletions do not move
     * later ones.
     */
    List<Change> forgedResults(List<MessageBuffer.Field> fields) {
        List<Change> out = new ArrayList<>();
        int n = 0;
        for (MessageBuffer.Field f : fields) {
            if (f.name().strip().equalsIgnoreCase(AR)) {
                n++;
                if (authservId(f.value()).equalsIgnoreCase(config.authservId())) {
                    out.add(new Change.Delete(n, AR));
                }
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** The authserv-id of an Authentication-Results value: the first token, after any comments. */
    static String authservId(String value) {
        int i = 0;
        int depth = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && !Character.isWhitespace(c)) {
                break;
            }
            i++;
        }
        int end = i;
        while (end < value.length()) {
            char c = value.charAt(end);
            if (c == ';' || c == '(' || Character.isWhitespace(c)) {
                break;
            }
            end++;
        }
        return value.substring(i, end).toLowerCase(Locale.ROOT);
    }
}
