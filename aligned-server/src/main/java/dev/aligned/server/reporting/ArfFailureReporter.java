package dev.aligned.server.reporting;

import dev.aligned.dmarc.AuthResult;
import dev.aligned.dmarc.DkimOutcome;
import dev.aligned.dmarc.DmarcRecord;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import dev.aligned.report.FailureReport;
import dev.aligned.report.FailureReportWriter;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@link FailureReporter} that queues RFC 9991 failure reports in ARF (RFC 5965 {@code message/feedback-report}
 * with the RFC 6591 authentication-failure fields), written by aligned-core's {@link FailureReportWriter}.
 *
 * <p>When a report is due, by the record's {@code fo=} (RFC 9989 section 4.7): {@code 0} (the default) when no
 * mechanism produced an aligned pass, {@code 1} when any mechanism failed to produce one, {@code d} when a DKIM
 * signature failed to verify whatever its alignment, {@code s} when SPF failed whatever its alignment; several
 * options add up. Never for a record with {@code psd=y} (RFC 9991 section 2). At most
 * {@link FailureSettings#maxPerHour()} reports per policy domain and hour, counted in the delivery queue so the
 * limit holds across restarts and nodes sharing the database. Destinations are checked like {@code rua}
 * (external authorisation with the {@code ruf} override, suppression list). Privacy: the body is never included;
 * {@link FailureSettings.HeaderScope#MINIMAL} keeps only identifying header fields; local parts of addresses are
 * redacted unless turned off (RFC 6590).
 *
 * <pre>{@code
 * FailureReporter failures = ArfFailureReporter.create(sender, resolver, clock);
 * FailureDecision d = failures.consider(evaluation, new FailureSample(mailFrom, rcptTo, headers, Optional.of(ar)));
 * }</pre>
 */
public final class ArfFailureReporter implements FailureReporter {
    /** An address; group 1 is an Authentication-Results {@code ptype.property=} prefix glued to it, kept. */
    private static final Pattern ADDRESS = Pattern.compile("((?:smtp|header|policy|body)\\.[A-Za-z-]+=)?"
            + "([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*|\"[^\"\\r\\n]*\")@"
                    + "([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)");
    private static final Set<String> MINIMAL = Set.of("from", "to", "cc", "subject", "date", "message-id",
            "dkim-signature");
    private static final Set<String> NOT_REDACTED = Set.of("message-id", "in-reply-to", "references");

    private final ReportingConfig cfg;
    private final DeliveryQueue queue;
    private final DestinationCheck destinations;
    private final DnsResolver dns;
    private final Clock clock;

    private ArfFailureReporter(ReportingConfig cfg, DeliveryQueue queue, DestinationCheck destinations,
            DnsResolver dns, Clock clock) {
        this.cfg = cfg;
        this.queue = queue;
        this.destinations = destinations;
        this.dns = dns;
        this.clock = clock;
    }

    /** A reporter sharing {@code sender}'s configuration, queue and destination check. */
    public static ArfFailureReporter create(ReportSender sender, DnsResolver dns, Clock clock) {
        return new ArfFailureReporter(sender.config(), sender.queue(), sender.destinationCheck(),
                Objects.requireNonNull(dns, "dns"), Objects.requireNonNull(clock, "clock"));
    }

    /** Why {@code fo=} asks for a report on {@code e}: the RFC 6591 Auth-Failure types; empty when it does not. */
    static List<String> due(Evaluation e) {
        Set<String> why = new LinkedHashSet<>();
        List<DmarcRecord.FailureOption> fo = e.policy().failureOptions().isEmpty()
                ? List.of(DmarcRecord.FailureOption.ALL_FAIL) : e.policy().failureOptions().stream().sorted().toList();
        for (DmarcRecord.FailureOption o : fo) {
            switch (o) {
                case ALL_FAIL -> {
                    if (!e.dkimAligned() && !e.spfAligned()) {
                        why.add("dmarc");
                    }
                }
                case ANY_FAIL -> {
                    if (!e.dkimAligned() || !e.spfAligned()) {
                        why.add("dmarc");
                    }
                }
                case DKIM -> {
                    if (e.dkim().stream().anyMatch(d -> d.result() == AuthResult.FAIL
                            || d.result() == AuthResult.PERMERROR)) {
                        why.add("signature");
                    }
                }
                case SPF -> {
                    if (e.spf().isPresent() && (e.spf().get().result() == AuthResult.FAIL
                            || e.spf().get().result() == AuthResult.PERMERROR)) {
                        why.add("spf");
                    }
                }
            }
        }
        return List.copyOf(why);
    }

    @Override
    public FailureDecision consider(Evaluation e, FailureSample sample) {
        Objects.requireNonNull(e, "evaluation");
        Objects.requireNonNull(sample, "sample");
        FailureSettings fs = cfg.failure();
        if (!fs.enabled()) {
            return new FailureDecision.NotDue("failure reports are disabled (reporting.failure.enabled)");
        }
        DmarcRecord rec = e.policy();
        if (rec.ruf().isEmpty()) {
            return new FailureDecision.NotDue("the DMARC record of " + e.policyDomain() + " has no ruf=");
        }
        if (rec.psd() == DmarcRecord.Psd.Y) {
            return new FailureDecision.NotDue("the DMARC record of " + e.policyDomain()
                    + " is a public suffix domain's (psd=y); RFC 9991 forbids using its ruf=");
        }
        List<String> failures = due(e);
        if (failures.isEmpty()) {
            return new FailureDecision.NotDue("fo=" + foText(rec) + " asks for no report on this message");
        }
        Instant now = clock.instant();
        synchronized (this) {
            int sent = queue.countSince(Delivery.Kind.FAILURE, e.policyDomain(), now.minus(Duration.ofHours(1)));
            if (sent >= fs.maxPerHour()) {
                return new FailureDecision.RateLimited(e.policyDomain() + " already had " + sent
                        + " failure reports in the last hour (reporting.failure.max_per_hour: " + fs.maxPerHour()
                        + ")");
            }
            List<Destination> dests = destinations.check(e.policyDomain(), rec.ruf(), true);
            String id = reportId(e, sample);
            FailureReport report = report(e, sample, failures);
            List<Delivery.New> out = new ArrayList<>();
            List<String> queued = new ArrayList<>();
            int k = 0;
            for (Destination d : dests) {
                switch (d) {
                    case Destination.Refused r -> out.add(skipped(e, id, r.uri(), "", r.reason()));
                    case Destination.Deferred def -> out.add(skipped(e, id, def.uri(), "", def.reason()));
                    case Destination.Mailbox m -> {
                        Optional<String> suppressed = cfg.suppression().reason(m.address());
                        if (suppressed.isPresent()) {
                            out.add(skipped(e, id, m.uri(), m.address(), suppressed.get()));
                            continue;
                        }
                        byte[] eml = message(report, m.address(), now, id + "." + (++k) + "@" + cfg.submitter().name(),
                                id);
                        if (m.maxBytes().isPresent() && eml.length > m.maxBytes().getAsLong()) {
                            out.add(skipped(e, id, m.uri(), m.address(), "the report is " + eml.length
                                    + " bytes; " + m.uri() + " accepts at most " + m.maxBytes().getAsLong()));
                            continue;
                        }
                        out.add(new Delivery.New(Delivery.Kind.FAILURE, e.policyDomain(), e.day(), id, m.uri(),
                                m.address(), id + "." + k + "@" + cfg.submitter().name(), eml,
                                Delivery.State.PENDING, "queued"));
                        queued.add(m.address());
                    }
                }
            }
            queue.add(out, now);
            if (queued.isEmpty()) {
                return new FailureDecision.NotDue("no ruf destination may receive it: " + out.stream()
                        .map(Delivery.New::detail).reduce((a, b) -> a + "; " + b).orElse("none"));
            }
            return new FailureDecision.Queued(queued);
        }
    }

    private static Delivery.New skipped(Evaluation e, String id, String uri, String to, String why) {
        return new Delivery.New(Delivery.Kind.FAILURE, e.policyDomain(), e.day(), id, uri, to, "", new byte[0],
                Delivery.State.SKIPPED, why);
    }

    private static String foText(DmarcRecord rec) {
        return rec.failureOptions().isEmpty() ? "0" : String.join(":", rec.failureOptions().stream().sorted()
                .map(DmarcRecord.FailureOption::keyword).toList());
    }

    /** Letters and digits, stable for one message (receive time, client, headers). */
    static String reportId(Evaluation e, FailureSample s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((e.received().toString() + "\n" + e.sourceIp() + "\n").getBytes(StandardCharsets.UTF_8));
            md.update(s.headers());
            return "f" + HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The report model for one message. */
    FailureReport report(Evaluation e, FailureSample s, List<String> failures) {
        FailureSettings fs = cfg.failure();
        List<String> align = new ArrayList<>();
        if (!e.dkimAligned()) {
            align.add("dkim");
        }
        if (!e.spfAligned()) {
            align.add("spf");
        }
        if (align.isEmpty()) {
            align.add("none");
        }
        Optional<DkimOutcome> badDkim = e.dkim().stream().filter(d -> d.result() != AuthResult.PASS)
                .filter(d -> sameOrganisation(d.domain(), e.headerFrom())).findFirst()
                .or(() -> e.dkim().stream().filter(d -> d.result() != AuthResult.PASS).findFirst());
        List<String> spfDns = new ArrayList<>();
        if (e.spf().isPresent() && e.spf().get().result() != AuthResult.PASS
                && sameOrganisation(e.spf().get().domain(), e.headerFrom())) {
            spfDns.addAll(spfRecords(e.spf().get().domain()));
        }
        String mailFrom = s.mailFrom().strip();
        if (!mailFrom.isEmpty() && !mailFrom.startsWith("<")) {
            mailFrom = "<" + mailFrom + ">";
        }
        if (mailFrom.isEmpty()) {
            mailFrom = "<>";
        }
        List<String> rcpt = new ArrayList<>();
        for (String r : s.rcptTo()) {
            String a = r.strip();
            rcpt.add(a.startsWith("<") ? a : "<" + a + ">");
        }
        String headers = headers(s.headerText(), fs.headers());
        Optional<String> ar = s.authenticationResults().map(v -> v.replaceAll("\\s*\\r?\\n\\s*", " ").strip());
        if (ar.isPresent() && ar.get().regionMatches(true, 0, "Authentication-Results:", 0, 23)) {
            ar = Optional.of(ar.get().substring(23).strip());
        }
        if (fs.redactLocalParts()) {
            mailFrom = redact(mailFrom);
            rcpt.replaceAll(this::redact);
            headers = redactHeaders(headers);
            ar = ar.map(this::redact);
        }
        return new FailureReport(FailureReport.Format.ARF, "auth-failure", Optional.of("Aligned"),
                Optional.of("1"), Optional.of(mailFrom), rcpt,
                Optional.of(ReportMail.RFC5322.format(e.received().atOffset(ZoneOffset.UTC))),
                Optional.of(e.sourceIp()), List.of(e.headerFrom().name()), List.of(),
                ar.map(List::of).orElse(List.of()), failures, align,
                Optional.of(switch (e.disposition()) {
                    case NONE -> "delivered";
                    case QUARANTINE -> "spam";
                    case REJECT -> "reject";
                }),
                badDkim.map(d -> d.domain().name()), badDkim.map(d -> "@" + d.domain().name()),
                badDkim.flatMap(DkimOutcome::selector), spfDns, List.of(), Optional.of(headers));
    }

    private byte[] message(FailureReport report, String to, Instant now, String messageId, String id) {
        byte[] body = FailureReportWriter.toMessage(report, ReportMail.from(cfg), to, now, "=_aligned_" + id);
        String text = new String(body, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String withId = text.substring(0, end) + "\r\nMessage-ID: <" + messageId + ">" + text.substring(end);
        return withId.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> spfRecords(DomainName domain) {
        DnsAnswer a = dns.lookup(domain, DnsType.TXT);
        if (a instanceof DnsAnswer.Records r) {
            return r.of(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text)
                    .filter(t -> t.regionMatches(true, 0, "v=spf1", 0, 6) && (t.length() == 6 || t.charAt(6) == ' '))
                    .map(t -> "txt : " + domain.name() + " : \"" + t.replace("\"", "\\\"") + "\"").toList();
        }
        return List.of();
    }

    private static boolean sameOrganisation(DomainName a, DomainName b) {
        return a.equals(b) || a.isSubdomainOf(b) || b.isSubdomainOf(a)
                || (a.labelCount() >= 2 && b.labelCount() >= 2 && a.suffix(2).equals(b.suffix(2)));
    }

    /** The header block with only the identifying fields when {@code scope} is minimal (folding kept). */
    static String headers(String block, FailureSettings.HeaderScope scope) {
        String text = block.replace("\r\n", "\n");
        int blank = text.indexOf("\n\n");
        if (blank >= 0) {
            text = text.substring(0, blank + 1);
        }
        if (scope == FailureSettings.HeaderScope.ALL) {
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        }
        StringBuilder out = new StringBuilder();
        boolean keep = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                keep = colon > 0 && MINIMAL.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
            }
            if (keep) {
                out.append(line).append('\n');
            }
        }
        return out.isEmpty() ? "" : out.substring(0, out.length() - 1);
    }

    private String redactHeaders(String headers) {
        StringBuilder out = new StringBuilder();
        boolean redact = true;
        for (String line : headers.split("\n", -1)) {
            if (!line.isEmpty() && line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                redact = colon <= 0
                        || !NOT_REDACTED.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
            }
            out.append(redact ? redact(line) : line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** Replaces the local part of each address in {@code text} (RFC 6590). */
    String redact(String text) {
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String prefix = m.group(1) == null ? "" : m.group(1);
            m.appendReplacement(out, Matcher.quoteReplacement(prefix + redactedLocalPart(m.group(2)) + "@"
                    + m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String redactedLocalPart(String local) {
        if (cfg.failure().redactionKey().isEmpty()) {
            return "redacted";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cfg.failure().redactionKey().get().reveal().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] h = mac.doFinal(local.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "redacted-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
