package dev.aligned.server.analysis;

/**
 * One sending IP of a domain over a period.
 *
 * @param ip the source IP as reported
 * @param reverse its reverse DNS name (from the enrichment cache; {@link ReverseName#PENDING} until looked up)
 * @param service the sending service recognised from reverse DNS, SPF domain or DKIM {@code d=}, or empty
 * @param category the classification's kind (for sorting and filtering)
 * @param classification the classification with its details and fixes
 * @param volume messages and rates
 * @param dkimDomains the DKIM {@code d=} domains seen ({@code d/selector=result}), most messages first, at most 4
 * @param spfDomains the SPF (MAIL FROM) domains seen ({@code domain=result}), most messages first, at most 4
 */
public record SourceRow(String ip, ReverseName reverse, String service, Category category,
        Classification classification, Volume volume, java.util.List<String> dkimDomains,
        java.util.List<String> spfDomains) {
    public SourceRow {
        dkimDomains = java.util.List.copyOf(dkimDomains);
        spfDomains = java.util.List.copyOf(spfDomains);
    }
}
