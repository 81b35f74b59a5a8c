package io.ggmljava.cli;

import java.util.Locale;

/** A minimal streaming JSON writer (the reports of ggml size): objects, arrays, strings (escaped), numbers and booleans, two-space indentation. */
final class JsonWriter {
    private final StringBuilder sb = new StringBuilder();
    private int depth;
    private boolean first = true;

    JsonWriter beginObject() {
        value();
        sb.append('{');
        depth++;
        first = true;
        return this;
    }

    JsonWriter endObject() {
        depth--;
        newline();
        sb.append('}');
        first = false;
        return this;
    }

    JsonWriter beginArray() {
        value();
        sb.append('[');
        depth++;
        first = true;
        return this;
    }

    JsonWriter endArray() {
        depth--;
        newline();
        sb.append(']');
        first = false;
        return this;
    }

    /** Starts member {@code name}; the next value call writes its value. */
    JsonWriter key(String name) {
        if (!first) {
            sb.append(',');
        }
        newline();
        string(name);
        sb.append(": ");
        first = true;
        pendingKey = true;
        return this;
    }

    private boolean pendingKey;

    private void value() {
        if (pendingKey) {
            pendingKey = false;
            first = false;
            return;
        }
        if (depth > 0) {
            if (!first) {
                sb.append(',');
            }
            newline();
        }
        first = false;
    }

    private void newline() {
        if (depth >= 0 && !sb.isEmpty()) {
            sb.append('\n');
            sb.append("  ".repeat(Math.max(0, depth)));
        }
    }

    JsonWriter value(String s) {
        value();
        if (s == null) {
            sb.append("null");
        } else {
            string(s);
        }
        return this;
    }

    JsonWriter value(long v) {
        value();
        sb.append(v);
        return this;
    }

    JsonWriter value(double v) {
        value();
        sb.append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "null");
        return this;
    }

    JsonWriter value(boolean v) {
        value();
        sb.append(v);
        return this;
    }

    JsonWriter field(String k, String v) {
        return key(k).value(v);
    }

    JsonWriter field(String k, long v) {
        return key(k).value(v);
    }

    JsonWriter field(String k, double v) {
        return key(k).value(v);
    }

    JsonWriter field(String k, boolean v) {
        return key(k).value(v);
    }

    private void string(String s) {
        sb.append('"');
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
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return sb + "\n";
    }
}
