package dev.aligned.report;

/** Why the applied disposition differs from the published policy. Written in reports as {@link #token()} (lower case). */
public enum PolicyOverride {
    FORWARDED("forwarded"),
    SAMPLED_OUT("sampled_out"),
    TRUSTED_FORWARDER("trusted_forwarder"),
    MAILING_LIST("mailing_list"),
    LOCAL_POLICY("local_policy"),
    OTHER("other"),
    POLICY_TEST_MODE("policy_test_mode");

    private final String token;

    PolicyOverride(String token) {
        this.token = token;
    }

    /** The value as written in reports, in lower case. */
    public String token() {
        return token;
    }

    /** The constant whose token is {@code token} (exact, lower case), if any. */
    public static java.util.Optional<PolicyOverride> ofToken(String token) {
        for (java.util.Optional<PolicyOverride> v : PRESENT) {
            if (v.get().token.equals(token)) {
                return v;
            }
        }
        return java.util.Optional.empty();
    }

    /** Each constant as a present {@code Optional}, one shared instance each (reports hold one per record). */
    private static final java.util.List<java.util.Optional<PolicyOverride>> PRESENT =
            java.util.Arrays.stream(values()).map(java.util.Optional::of).toList();
}
