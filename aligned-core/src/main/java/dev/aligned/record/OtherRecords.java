package dev.aligned.record;

import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** MX, BIMI, MTA-STS and TLS-RPT: noted when present, syntax-checked. */
final class OtherRecords {
    private static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");

    private final DnsResolver dns;
    final List<Finding> findings = new ArrayList<>();
    final List<String> mx = new ArrayList<>();
    Optional<String> bimi = Optional.empty();
    Optional<String> mtaSts = Optional.empty();
    Optional<String> tlsRpt = Optional.empty();

    OtherRecords(DnsResolver dns) {
        this.dns = dns;
    }

    static List<DomainName> names(DomainName domain) {
        List<DomainName> out = new ArrayList<>();
        for (String prefix : List.of("default._bimi.", "_mta-sts.", "_smtp._tls.")) {
            DomainName.parse(prefix + domain.name()).ifPresent(out::add);
        }
        return out;
    }

    void check(DomainName domain) {
        switch (dns.lookup(domain, DnsType.MX)) {
            case DnsAnswer.Records r -> {
                List<DnsRecord.Mx> list = new ArrayList<>(r.of(DnsRecord.Mx.class));
                list.sort(Comparator.comparingInt(DnsRecord.Mx::preference));
                for (DnsRecord.Mx m : list) {
                    mx.add(m.preference() + " " + (m.exchange().isRoot() ? "." : m.exchange().name()));
                }
                if (list.size() == 1 && list.get(0).exchange().isRoot()) {
                    findings.add(new Finding(FindingCode.MX_NULL, domain + " publishes a null MX (RFC 7505): it "
                            + "accepts no mail, so bounces and DMARC reports to it cannot be delivered.", ""));
                }
            }
            case DnsAnswer.TempFailure f -> findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "MX " + domain
                    + ": " + f.reason() + ".", "Run the check again."));
            case DnsAnswer.NxDomain n -> noMx(domain);
            case DnsAnswer.NoData n -> noMx(domain);
        }
        bimi = txt("default._bimi." + domain.name(), "v=BIMI1");
        bimi.ifPresent(t -> tags(t, FindingCode.BIMI_SYNTAX, "default._bimi." + domain.name(), "BIMI1",
                List.of("v", "l", "a"), tags -> {
                    String l = tags.getOrDefault("l", "");
                    if (!l.isEmpty() && !l.toLowerCase(Locale.ROOT).startsWith("https://")) {
                        return "l= must be an https:// URL of an SVG logo, not '" + l + "'";
                    }
                    String a = tags.getOrDefault("a", "");
                    if (!a.isEmpty() && !a.toLowerCase(Locale.ROOT).startsWith("https://")) {
                        return "a= must be an https:// URL of a mark certificate (VMC/CMC), not '" + a + "'";
                    }
                    if (!tags.containsKey("l")) {
                        return "the l= tag (logo URL) is missing";
                    }
                    return null;
                }));
        mtaSts = txt("_mta-sts." + domain.name(), "v=STSv1");
        mtaSts.ifPresent(t -> tags(t, FindingCode.MTA_STS_SYNTAX, "_mta-sts." + domain.name(), "STSv1",
                List.of("v", "id"), tags -> {
                    String id = tags.get("id");
                    if (id == null) {
                        return "the id= tag is missing (it changes whenever the policy file changes)";
                    }
                    if (!STS_ID.matcher(id).matches()) {
                        return "id=" + id + " must be 1 to 32 letters and digits (RFC 8461 section 3.1)";
                    }
                    return null;
                }));
        tlsRpt = txt("_smtp._tls." + domain.name(), "v=TLSRPTv1");
        tlsRpt.ifPresent(t -> tags(t, FindingCode.TLS_RPT_SYNTAX, "_smtp._tls." + domain.name(), "TLSRPTv1",
                List.of("v", "rua"), tags -> {
                    String rua = tags.get("rua");
                    if (rua == null) {
                        return "the rua= tag is missing (where TLS reports go)";
                    }
                    for (String u : rua.split(",")) {
                        String s = u.strip().toLowerCase(Locale.ROOT);
                        if (!s.startsWith("mailto:") && !s.startsWith("https://")) {
                            return "rua URI '" + u.strip() + "' must be mailto: or https: (RFC 8460 section 3)";
                        }
                    }
                    return null;
                }));
    }

    private void noMx(DomainName domain) {
        findings.add(new Finding(FindingCode.MX_NONE, domain + " has no MX record: mail to it (bounces, replies, "
                + "DMARC reports to addresses there) goes to its A record or nowhere.", "Publish MX records for the "
                + "servers that receive your mail, or \"0 .\" (null MX, RFC 7505) if the domain receives none."));
    }

    /** The TXT record at {@code name} that starts with {@code prefix} (case-insensitive), or the only TXT record. */
    private Optional<String> txt(String name, String prefix) {
        Optional<DomainName> n = DomainName.parse(name);
        if (n.isEmpty() || !(dns.lookup(n.get(), DnsType.TXT) instanceof DnsAnswer.Records r)) {
            return Optional.empty();
        }
        List<DnsRecord.Txt> txts = r.of(DnsRecord.Txt.class);
        for (DnsRecord.Txt t : txts) {
            if (t.text().regionMatches(true, 0, prefix, 0, prefix.length())) {
                return Optional.of(t.text());
            }
        }
        return txts.size() == 1 ? Optional.of(txts.get(0).text()) : Optional.empty();
    }

    private void tags(String text, FindingCode code, String name, String version, List<String> known,
            java.util.function.Function<java.util.Map<String, String>, String> rules) {
        java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
        String problem = null;
        int col = 1;
        for (String part : text.split(";", -1)) {
            String p = part.strip();
            if (!p.isEmpty()) {
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    problem = "column " + col + ": '" + p + "' is not tag=value";
                    break;
                }
                String tag = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (tags.containsKey(tag)) {
                    problem = "column " + col + ": tag " + tag + "= appears twice";
                    break;
                }
                tags.put(tag, p.substring(eq + 1).strip());
            }
            col += part.length() + 1;
        }
        if (problem == null) {
            if (tags.isEmpty() || !version.equals(tags.get("v")) || !tags.keySet().iterator().next().equals("v")) {
                problem = "the record must start with v=" + version;
            } else {
                problem = rules.apply(tags);
            }
        }
        if (problem != null) {
            findings.add(new Finding(code, "The record at " + name + " (\"" + text + "\") is malformed: " + problem
                    + ".", "Correct the record; receivers ignore a malformed one."));
        }
    }
}
