package dev.aligned.server.reporting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.dmarc.PublicSuffixList;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DomainName;
import dev.aligned.dns.FixtureResolver;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Which rua addresses get a report: external authorisation (fixture DNS), size limits, suppression. */
class DestinationsTest {
    static final DomainName POLICY = DomainName.of("example.com");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T00:10:00Z"), ZoneOffset.UTC);

    static List<Destination> check(FixtureResolver dns, String record) {
        return new DestinationCheck(dns, PublicSuffixList.bundled(), CLOCK)
                .check(POLICY, Evaluations.record(record).rua(), false);
    }

    @Test
    void sameOrganisationNeedsNoAuthorisationAndAsksNothing() {
        FixtureResolver dns = FixtureResolver.builder().build();
        assertEquals(List.of(new Destination.Mailbox("mailto:d@reports.example.com", "d@reports.example.com",
                OptionalLong.empty())), check(dns, "v=DMARC1; p=none; rua=mailto:d@reports.example.com"));
        assertEquals(List.of(), dns.queries());
    }

    @Test
    void externalDestinationWithoutAuthorisationIsRefused() {
        FixtureResolver dns = FixtureResolver.builder().build();
        List<Destination> d = check(dns, "v=DMARC1; p=none; rua=mailto:victim@other.example");
        assertEquals(List.of(new Destination.Refused("mailto:victim@other.example", "external destination "
                + "other.example has not authorised reports (no TXT record starting v=DMARC1 at "
                + "example.com._report._dmarc.other.example)")), d);
    }

    @Test
    void externalDestinationAuthorisedByItsReportRecordIsUsed() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com._report._dmarc.vendor.example", DnsRecord.Txt.of("v=DMARC1;")).build();
        assertEquals(List.of(new Destination.Mailbox("mailto:rua@vendor.example", "rua@vendor.example",
                OptionalLong.empty())), check(dns, "v=DMARC1; p=none; rua=mailto:rua@vendor.example"));
    }

    @Test
    void wildcardLikeRecordThatIsNotDmarcDoesNotAuthorise() {
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com._report._dmarc.vendor.example", DnsRecord.Txt.of("v=spf1 -all")).build();
        assertTrue(check(dns, "v=DMARC1; p=none; rua=mailto:rua@vendor.example").get(0)
                instanceof Destination.Refused);
    }

    @Test
    void authorisationRecordMayRedirectOnTheSameHostOnly() {
        FixtureResolver same = FixtureResolver.builder().add("example.com._report._dmarc.vendor.example",
                DnsRecord.Txt.of("v=DMARC1; rua=mailto:customer-42@vendor.example!1m")).build();
        assertEquals(List.of(new Destination.Mailbox("mailto:rua@vendor.example", "customer-42@vendor.example",
                OptionalLong.of(1L << 20))), check(same, "v=DMARC1; p=none; rua=mailto:rua@vendor.example"));
        FixtureResolver elsewhere = FixtureResolver.builder().add("example.com._report._dmarc.vendor.example",
                DnsRecord.Txt.of("v=DMARC1; rua=mailto:x@third.example")).build();
        Destination d = check(elsewhere, "v=DMARC1; p=none; rua=mailto:rua@vendor.example").get(0);
        assertEquals(new Destination.Refused("mailto:rua@vendor.example", "the authorisation record at "
                + "example.com._report._dmarc.vendor.example redirects to 'mailto:x@third.example', which is not on "
                + "vendor.example; RFC 9990 forbids using either"), d);
    }

    @Test
    void dnsTimeOutDefersInsteadOfDropping() {
        FixtureResolver dns = FixtureResolver.builder().timeout("example.com._report._dmarc.vendor.example").build();
        assertTrue(check(dns, "v=DMARC1; p=none; rua=mailto:rua@vendor.example").get(0)
                instanceof Destination.Deferred);
    }

    @Test
    void nonMailtoUrisAreRefusedWithTheScheme() {
        assertEquals(List.of(new Destination.Refused("https://reports.example.com/dmarc",
                "only mailto: destinations are supported, not https:")),
                check(FixtureResolver.builder().build(), "v=DMARC1; p=none; rua=https://reports.example.com/dmarc"));
    }

    @Test
    void percentEncodedAddressesAreDecoded() {
        assertEquals("dmarc+rua@example.com", ((Destination.Mailbox) check(FixtureResolver.builder().build(),
                "v=DMARC1; p=none; rua=mailto:dmarc%2Brua@example.com").get(0)).address());
    }

    /** A sender over one evaluation of a policy with the given rua, DNS authorising vendor.example. */
    static ReportSender sender(String rua, ReportingConfig cfg, InMemoryDeliveryQueue queue) {
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        for (Evaluation e : Evaluations.stream(5, 400, Evaluations.START)) {
            if (e.policyDomain().name().equals("example.com")) {
                log.record(new Evaluation(e.received(), e.sourceIp(), e.headerFrom(), e.envelopeFrom(),
                        e.envelopeTo(), e.policyDomain(), Evaluations.record("v=DMARC1; p=reject; rua=" + rua),
                        e.mode(), e.disposition(), e.overrides(), e.dmarc(), e.dkimAligned(), e.spfAligned(),
                        e.dkim(), e.spf()));
            }
        }
        FixtureResolver dns = FixtureResolver.builder()
                .add("example.com._report._dmarc.vendor.example", DnsRecord.Txt.of("v=DMARC1")).build();
        return ReportSender.builder(cfg, log, queue, new RecordingTransport()).dns(dns).clock(CLOCK).build();
    }

    @Test
    void aUriWhoseSizeLimitTheReportExceedsIsSkippedAndTheNextOneUsed() {
        InMemoryDeliveryQueue queue = new InMemoryDeliveryQueue();
        ReportSender s = sender("mailto:small@example.com!1k,mailto:big@vendor.example!10m",
                ReportingConfig.of("R", "r@receiver.example"), queue);
        ReportOutcome o = s.generate(LocalDate.of(2026, 11, 20)).get(0);
        assertTrue(o.gzBytes() > 1024, "the report must exceed 1k for this test: " + o.gzBytes());
        assertEquals(Delivery.State.SKIPPED, o.planned().get(0).state());
        assertTrue(o.planned().get(0).detail().matches("the report is \\d+ bytes after gzip and base64; "
                + "mailto:small@example.com accepts at most 1024 \\(its !size limit\\)"), o.planned().get(0).detail());
        assertEquals(Delivery.State.PENDING, o.planned().get(1).state());
        assertEquals("big@vendor.example", o.planned().get(1).recipient());
    }

    @Test
    void suppressedAddressesAndDomainsAreNeverMailed() {
        InMemoryDeliveryQueue queue = new InMemoryDeliveryQueue();
        ReportingConfig cfg = ReportingConfig.of("R", "r@receiver.example")
                .with(Suppression.of(List.of("vendor.example", "Noisy@Example.com")), RetryPolicy.DEFAULT);
        ReportSender s = sender("mailto:noisy@example.com,mailto:rua@eu.vendor.example,mailto:ok@example.com", cfg,
                queue);
        ReportOutcome o = s.generate(LocalDate.of(2026, 11, 20)).get(0);
        assertEquals(List.of(Delivery.State.SKIPPED, Delivery.State.SKIPPED, Delivery.State.PENDING),
                o.planned().stream().map(ReportOutcome.Planned::state).toList());
        assertEquals("suppressed: noisy@example.com is on the suppression list", o.planned().get(0).detail());
        s.deliverDue();
        assertEquals(List.of("ok@example.com"), queue.forDay(LocalDate.of(2026, 11, 20)).stream()
                .filter(d -> d.state() == Delivery.State.SENT).map(Delivery::recipient).toList());
    }

    @Test
    void deferredAuthorisationLeavesTheDayToTheNextRun() {
        InMemoryEvaluationLog log = new InMemoryEvaluationLog();
        Evaluations.stream(5, 50, Evaluations.START).stream().filter(e -> e.policyDomain().name().equals("example.org"))
                .forEach(log::record);
        FixtureResolver dns = FixtureResolver.builder()
                .timeout("example.org._report._dmarc.reports.example.net").build();
        InMemoryDeliveryQueue queue = new InMemoryDeliveryQueue();
        ReportSender s = ReportSender.builder(ReportingConfig.of("R", "r@receiver.example"), log, queue,
                new RecordingTransport()).dns(dns).clock(CLOCK).build();
        ReportOutcome o = s.generate(LocalDate.of(2026, 11, 20)).get(0);
        assertEquals(ReportOutcome.Status.DEFERRED, o.status());
        assertEquals(Optional.empty(), queue.forDay(LocalDate.of(2026, 11, 20)).stream().findAny());
        assertEquals(List.of(LocalDate.of(2026, 11, 20)), s.pendingDays(LocalDate.of(2026, 11, 14)));
    }
}
