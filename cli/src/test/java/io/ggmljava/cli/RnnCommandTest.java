package io.ggmljava.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RnnCommandTest {
    private static double field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.Ee]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static String small(String... more) {
        String[] base = {"rnn", "--input", "8", "--hidden", "16", "--threads", "2", "--json"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return CliRun.stdout(all);
    }

    /** Runs {@code args}, expecting exit status 2; returns what went to stderr. */
    private static String fails(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.status(), r.out() + r.err());
        return r.err();
    }

    @Test
    void badInputGetsAMessageNotAStackTrace() {
        String err = fails("rnn", "--steps", "0");
        assertTrue(err.contains("ggml rnn: --input, --hidden and --steps must be positive"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        err = fails("rnn", "--hidden", "100000000", "--steps", "10");
        assertTrue(err.contains("more than this machine's"), err);
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        err = fails("rnn", "--hidden", "2000000000", "--input", "2000000000", "--steps", "2000000000");
        assertTrue(err.contains("overflows a 64-bit byte size"), err);
    }

    @Test
    void reportsTheDocumentedKeys() {
        String json = small("--steps", "7");
        for (String key : new String[] {"nodes", "compute_buffer_bytes", "build_ms", "plan_ms", "compute_ms",
            "us_per_step"}) {
            field(json, key);
        }
    }

    @Test
    void unrolledAndStepModesComputeTheSameSequence() {
        for (String cell : new String[] {"lstm", "gru"}) {
            double unrolled = field(small("--cell", cell, "--steps", "12"), "checksum");
            double step = field(small("--cell", cell, "--steps", "12", "--mode", "step"), "checksum");
            double ggml = field(small("--cell", cell, "--steps", "12", "--order", "ggml"), "checksum");
            assertEquals(unrolled, step, 1e-4, cell);
            assertEquals(unrolled, ggml, 1e-4, cell);
        }
    }

    @Test
    void memoryOrderIsFlatInTAndGgmlOrderGrows() {
        double m10 = field(small("--steps", "10"), "compute_buffer_bytes");
        double m40 = field(small("--steps", "40"), "compute_buffer_bytes");
        double g10 = field(small("--steps", "10", "--order", "ggml"), "compute_buffer_bytes");
        double g40 = field(small("--steps", "40", "--order", "ggml"), "compute_buffer_bytes");
        assertEquals(m10, m40);
        assertTrue(g40 - g10 >= 30 * 4 * 64, "ggml order keeps every input projection (4H floats) live: " + g10
                + " -> " + g40);
    }
}
