package dev.aligned.record;

import dev.aligned.dkim.DkimKeyRecord;
import dev.aligned.dns.DnsAnswer;
import dev.aligned.dns.DnsRecord;
import dev.aligned.dns.DnsResolver;
import dev.aligned.dns.DnsType;
import dev.aligned.dns.DomainName;
import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The DKIM part of a domain check: the key records at the named and the common selectors. */
final class DkimLint {
    private final DnsResolver dns;
    final List<Finding> findings = new ArrayList<>();
    final List<CheckReport.DkimKeySummary> keys = new ArrayList<>();
    private boolean tempFailure;

    DkimLint(DnsResolver dns) {
        this.dns = dns;
    }

    static Optional<DomainName> keyName(String selector, DomainName domain) {
        return DomainName.parse(selector + "._domainkey." + domain.name());
    }

    void check(DomainName domain, List<String> requested, List<String> common) {
        for (String s : requested) {
            selector(domain, s, true);
        }
        for (String s : common) {
            if (!requested.contains(s)) {
                selector(domain, s, false);
            }
        }
        if (keys.isEmpty() && requested.isEmpty() && !tempFailure) {
            findings.add(new Finding(FindingCode.DKIM_NONE_FOUND, common.isEmpty()
                    ? "No DKIM selector was given or known from the services in SPF, so no key was looked up."
                    : "No DKIM key at any of the " + common.size() + " common selectors tried ("
                    + String.join(", ", common) + "); DKIM may use another selector, or not be set up.", "Look up the selector in a DKIM-Signature header (s=) of a message you "
                    + "sent and run the check with --dkim-selector; if there is none, set up DKIM signing "
                    + "(`aligned setup` generates a key)."));
        }
    }

    private void selector(DomainName domain, String selector, boolean requested) {
        Optional<DomainName> name = keyName(selector, domain);
        if (name.isEmpty()) {
            if (requested) {
                findings.add(new Finding(FindingCode.DKIM_SELECTOR_MISSING, "'" + selector + "' is not a usable "
                        + "selector for " + domain + ".", "Give the s= value of a DKIM-Signature header."));
            }
            return;
        }
        DnsAnswer a = dns.lookup(name.get(), DnsType.TXT);
        switch (a) {
            case DnsAnswer.TempFailure f -> {
                tempFailure = true;
                findings.add(new Finding(FindingCode.DNS_TEMP_FAILURE, "Could not look up the DKIM key at "
                        + name.get() + ": " + f.reason() + ".", "Run the check again."));
            }
            case DnsAnswer.NxDomain n -> missing(name.get(), selector, requested);
            case DnsAnswer.NoData n -> missing(name.get(), selector, requested);
            case DnsAnswer.Records r -> {
                List<DnsRecord.Txt> txts = r.of(DnsRecord.Txt.class);
                if (txts.isEmpty()) {
                    missing(name.get(), selector, requested);
                } else if (txts.size() > 1) {
                    findings.add(new Finding(FindingCode.DKIM_MULTIPLE, name.get() + " has " + txts.size()
                            + " TXT records; verifiers pick one at random or fail.", "Keep only the key record."));
                } else {
                    key(name.get(), selector, requested, txts.get(0));
                }
            }
        }
    }

    private void missing(DomainName name, String selector, boolean requested) {
        if (requested) {
            findings.add(new Finding(FindingCode.DKIM_SELECTOR_MISSING, "No DKIM key at " + name + " (selector '"
                    + selector + "'); messages signed with s=" + selector + " fail DKIM.",
                    "Publish the key record your mail server or service gives you at " + name + "."));
        }
    }

    private void key(DomainName name, String selector, boolean requested, DnsRecord.Txt txt) {
        String text = txt.text();
        boolean longString = txt.strings().stream().anyMatch(s -> s.length > 255);
        if (longString || text.indexOf('"') >= 0 || text.contains("\\")) {
            findings.add(new Finding(FindingCode.DKIM_BAD_SPLIT, "The key record at " + name + " was published "
                    + (longString ? "with a character-string over 255 bytes" : "with quote or backslash characters "
                    + "inside it") + "; the key verifiers read is not the key you meant.",
                    "Publish it as several quoted strings of at most 255 bytes, e.g. ( \"v=DKIM1; k=rsa; p=MIIB...\" "
                    + "\"...rest of key\" ), with no quotes inside the strings (`aligned dkim keygen` prints it)."));
            if (!longString) {
                return;
            }
        }
        switch (DkimKeyRecord.parse(text)) {
            case DkimKeyRecord.Invalid i -> findings.add(new Finding(FindingCode.DKIM_INVALID, name + ": "
                    + i.reason() + "; signatures with s=" + selector + " get permerror.",
                    "Publish the key record exactly as your signer generated it."));
            case DkimKeyRecord.Valid v -> valid(name, selector, requested, v.record());
        }
    }

    private void valid(DomainName name, String selector, boolean requested, DkimKeyRecord k) {
        int bits = 0;
        if (!k.forEmail()) {
            findings.add(new Finding(FindingCode.DKIM_NOT_FOR_EMAIL, name + ": s=" + String.join(":",
                    k.serviceTypes()) + " does not include email, so verifiers ignore this key for mail.",
                    "Remove s= (or set s=email)."));
        }
        if (k.revoked()) {
            findings.add(new Finding(FindingCode.DKIM_REVOKED, name + ": the key is revoked (p= is empty); "
                    + "signatures with s=" + selector + " fail.", requested ? "If you still sign with this selector, "
                    + "publish its current key." : ""));
        } else {
            switch (k.keyType()) {
                case "rsa" -> {
                    Optional<Integer> b = rsaBits(k.publicKey());
                    if (b.isEmpty()) {
                        findings.add(new Finding(FindingCode.DKIM_KEY_UNREADABLE, name + ": p= is not an RSA "
                                + "public key.", "Publish the public key your signer generated (base64 of the "
                                + "SubjectPublicKeyInfo)."));
                    } else {
                        bits = b.get();
                        if (bits < 1024) {
                            findings.add(new Finding(FindingCode.DKIM_RSA_TOO_SHORT, name + ": the RSA key has "
                                    + bits + " bits; RFC 8301 requires verifiers to reject keys under 1024 bits.",
                                    "Generate a 2048-bit key (`aligned dkim keygen`), publish it under a new "
                                    + "selector and switch your signer to it."));
                        } else if (bits < 2048) {
                            findings.add(new Finding(FindingCode.DKIM_RSA_WEAK, name + ": the RSA key has " + bits
                                    + " bits; 2048 is the recommended size.", "Generate a 2048-bit key under a new "
                                    + "selector, switch your signer, then revoke this one."));
                        }
                    }
                }
                case "ed25519" -> {
                    if (k.publicKey().length != 32) {
                        findings.add(new Finding(FindingCode.DKIM_KEY_UNREADABLE, name + ": an Ed25519 key is 32 "
                                + "bytes, p= holds " + k.publicKey().length + ".", "Publish the 32-byte public key "
                                + "in base64."));
                    } else {
                        bits = 256;
                    }
                }
                default -> findings.add(new Finding(FindingCode.DKIM_UNKNOWN_KEY_TYPE, name + ": k=" + k.keyType()
                        + " is not a DKIM key type (rsa, ed25519); verifiers ignore the key.",
                        "Set k=rsa or k=ed25519 to match the key."));
            }
        }
        if (k.testing()) {
            findings.add(new Finding(FindingCode.DKIM_TESTING, name + ": t=y marks the key as testing; some "
                    + "verifiers treat its failures as if unsigned.", "Remove t=y once signing works."));
        }
        keys.add(new CheckReport.DkimKeySummary(selector, k.keyType(), bits, k.testing(), k.revoked(), requested));
    }

    /** The size of an RSA key in SubjectPublicKeyInfo or bare PKCS#1 form. */
    static Optional<Integer> rsaBits(byte[] p) {
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            try {
                PublicKey k = kf.generatePublic(new X509EncodedKeySpec(p));
                return Optional.of(((RSAPublicKey) k).getModulus().bitLength());
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                PublicKey k = kf.generatePublic(new X509EncodedKeySpec(wrapPkcs1(p)));
                return Optional.of(((RSAPublicKey) k).getModulus().bitLength());
            }
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] algId = java.util.HexFormat.of().parseHex("300d06092a864886f70d0101010500");
        ByteArrayOutputStream bitString = new ByteArrayOutputStream();
        bitString.write(0x03);
        length(bitString, pkcs1.length + 1);
        bitString.write(0);
        bitString.writeBytes(pkcs1);
        byte[] bs = bitString.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        length(out, algId.length + bs.length);
        out.writeBytes(algId);
        out.writeBytes(bs);
        return out.toByteArray();
    }

    private static void length(ByteArrayOutputStream out, int len) {
        if (len < 128) {
            out.write(len);
        } else if (len < 256) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xFF);
        }
    }
}
