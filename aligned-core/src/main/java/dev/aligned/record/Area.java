package dev.aligned.record;

/** The protocol or record a finding is about; the human output groups findings by it. */
public enum Area {
    DOMAIN("Domain"), SPF("SPF"), DMARC("DMARC"), DKIM("DKIM"), MX("MX"), BIMI("BIMI"), MTA_STS("MTA-STS"),
    TLS_RPT("TLS-RPT");

    private final String title;

    Area(String title) {
        this.title = title;
    }

    /** The name shown to people: {@code SPF}, {@code MTA-STS}, ... */
    public String title() {
        return title;
    }

    /** The JSON keyword: {@code spf}, {@code mta-sts}, ... */
    public String keyword() {
        return title.toLowerCase(java.util.Locale.ROOT);
    }
}
