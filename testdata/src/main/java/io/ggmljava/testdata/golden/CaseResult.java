package io.ggmljava.testdata.golden;

import java.util.List;

/**
 * The result of one case with one kernel provider.
 *
 * @param file     the case file, relative to its fixture root
 * @param op       {@code golden.op} ({@code UNARY(GELU)} style for unary ops)
 * @param provider the provider's name ({@code scalar}, {@code vector-256}, ...)
 * @param status   passed, failed or skipped
 * @param nmse     the largest NMSE over the outputs (NaN if not computed)
 * @param maxNmse  the case's tolerance
 * @param reason   why it was skipped or failed (null if passed)
 * @param details  for failures: per output, the worst elements side by side (may be empty)
 */
public record CaseResult(String file, String op, String provider, Status status, double nmse, double maxNmse,
                         String reason, List<String> details) {

    /** Outcome of a case. */
    public enum Status {
        PASSED, FAILED, SKIPPED;

        /** Lower-case name, as in reports and JSON. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CaseResult {
        details = details == null ? List.of() : List.copyOf(details);
    }

    public boolean passed() {
        return status == Status.PASSED;
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    public boolean skipped() {
        return status == Status.SKIPPED;
    }

    /** One line: {@code PASS  file  op  provider  nmse=... max=...} plus the reason for skips and failures. */
    public String line() {
        String tag = switch (status) {
            case PASSED -> "PASS";
            case FAILED -> "FAIL";
            case SKIPPED -> "SKIP";
        };
        StringBuilder sb = new StringBuilder();
        sb.append(tag).append("  ").append(file).append("  ").append(op).append("  ").append(provider);
        if (status != Status.SKIPPED) {
            sb.append("  nmse=").append(Nmse.fmt(nmse)).append(" max=").append(Nmse.fmt(maxNmse));
        }
        if (reason != null) {
            sb.append("  -- ").append(reason);
        }
        return sb.toString();
    }

    /** {@link #line()} followed by the detail lines, indented. */
    public String describe() {
        StringBuilder sb = new StringBuilder(line());
        for (String d : details) {
            sb.append(System.lineSeparator()).append("      ").append(d);
        }
        return sb.toString();
    }
}
