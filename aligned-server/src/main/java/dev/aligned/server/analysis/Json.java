package dev.aligned.server.analysis;

/** The few lines of JSON the webhook sink writes (no JSON library in this module). */
final class Json {
    private Json() {
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static String alert(Alert a) {
        return "{\"kind\":" + string(a.kind()) + ",\"domain\":" + string(a.domain()) + ",\"key\":" + string(a.key())
                + ",\"title\":" + string(a.title()) + ",\"detail\":" + string(a.detail()) + ",\"at\":"
                + string(a.at().toString()) + "}";
    }
}
