package dev.aligned.server.analysis;

/**
 * Messages by one raw authentication result from {@code auth_results}.
 *
 * @param method {@code dkim} or {@code spf}
 * @param domain the DKIM {@code d=} or the SPF domain
 * @param selector the DKIM selector (empty for SPF)
 * @param result the result as reported ({@code pass}, {@code fail}, ...)
 * @param aligned whether {@code domain} is aligned with the From domain under the published mode
 */
public record AuthCount(String method, String domain, String selector, String result, boolean aligned,
        long messages) {
}
