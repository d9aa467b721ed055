/** SPF (RFC 7208): record parser, check_host() evaluator, macro expansion and Received-SPF. */
package dev.aligned.spf;
