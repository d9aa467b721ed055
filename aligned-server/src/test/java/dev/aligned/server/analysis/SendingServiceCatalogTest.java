package dev.aligned.server.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aligned.server.analysis.SendingServiceCatalog.Service;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SendingServiceCatalogTest {
    final SendingServiceCatalog bundled = SendingServiceCatalog.bundled();

    @Test
    void theBundledFileNamesTheServicesTheDashboardPromises() {
        List<String> names = bundled.services().stream().map(Service::name).toList();
        for (String n : List.of("Google Workspace", "Microsoft 365", "Amazon SES", "SendGrid", "Mailchimp",
                "Salesforce", "HubSpot", "Zendesk", "lemlist", "Mailgun", "Postmark", "SparkPost", "Brevo", "Klaviyo",
                "Zoho Mail", "Fastmail")) {
            assertTrue(names.contains(n), n);
        }
        for (Service s : bundled.services()) {
            assertFalse(s.rdns().isEmpty() && s.mailfrom().isEmpty() && s.dkim().isEmpty(), s.name()
                    + " can never be matched");
        }
    }

    @Test
    void noDomainIsClaimedByTwoServices() {
        Map<String, String> owner = new HashMap<>();
        for (Service s : bundled.services()) {
            Map<String, List<String>> fields = Map.of("rdns", s.rdns(), "mailfrom", s.mailfrom(), "dkim", s.dkim());
            fields.forEach((field, domains) -> {
                for (String d : domains) {
                    String before = owner.putIfAbsent(field + " " + d, s.name());
                    assertTrue(before == null || before.equals(s.name()), field + " " + d + ": " + before + " and "
                            + s.name());
                }
            });
        }
    }

    @Test
    void namesBelowABaseDomainMatchAndTheLongestBaseWins() {
        assertEquals(Optional.of("Amazon SES"), bundled.byReverseName("a8-12.smtp-out.amazonses.com")
                .map(Service::name));
        assertEquals(Optional.of("Google Workspace"), bundled.byDkimDomain("example-com.20230601.gappssmtp.com")
                .map(Service::name));
        assertEquals(Optional.of("SendGrid"), bundled.byMailFrom("em123.SendGrid.net.").map(Service::name));
        assertEquals(Optional.empty(), bundled.byReverseName("notamazonses.com"));
        assertEquals(Optional.of("Forward Email"), bundled.forwarderByReverseName("mx1.forwardemail.net")
                .map(Service::name));
    }

    @Test
    void aMalformedFileIsRejectedNamingTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SendingServiceCatalog.parse(
                new StringReader("services:\n  - rdns: [x.example]\n")));
        assertEquals("sending services: services entry 1 needs a 'name'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SendingServiceCatalog.parse(
                new StringReader("services:\n  - name: X\n    rdns: x.example\n")));
        assertEquals("sending services: 'rdns' of X must be a list", e.getMessage());
    }
}
