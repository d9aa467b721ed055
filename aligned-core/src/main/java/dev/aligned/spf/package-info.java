/**
 * SPF (RFC 7208): record parser ({@link dev.aligned.spf.SpfRecord}, sealed {@link dev.aligned.spf.Term}),
 * {@code check_host()} evaluation ({@link dev.aligned.spf.SpfEvaluator}, sealed
 * {@link dev.aligned.spf.SpfResult}), macro expansion, the limits of section 4.6.4
 * ({@link dev.aligned.spf.SpfLimits}) and Received-SPF ({@link dev.aligned.spf.ReceivedSpf}).
 */
package dev.aligned.spf;
