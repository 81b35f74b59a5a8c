package io.ggmljava.cli;

/** The two JSON encodings the commands need beyond numbers: strings, and floats that may not be finite. */
final class Json {
    private Json() {
    }

    /** A JSON string literal. */
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
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A number; NaN and infinities (not JSON numbers) become the strings "NaN", "Infinity", "-Infinity". */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        return Double.toString(d); // e.g. 1.0E10: valid JSON
    }

    /** A float shown with float precision (so 0.1f prints as 0.1, not 0.10000000149011612). */
    static String number(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return number((double) f);
        }
        return Float.toString(f);
    }
}
