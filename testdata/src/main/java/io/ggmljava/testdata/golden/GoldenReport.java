package io.ggmljava.testdata.golden;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The results of a golden run: counts, a summary line, a per-op table and JSON. */
public record GoldenReport(List<CaseResult> results) {
    public GoldenReport {
        results = List.copyOf(results);
    }

    public long passed() {
        return results.stream().filter(CaseResult::passed).count();
    }

    public long failed() {
        return results.stream().filter(CaseResult::failed).count();
    }

    public long skipped() {
        return results.stream().filter(CaseResult::skipped).count();
    }

    /** {@code N passed, N failed, N skipped}. */
    public String summaryLine() {
        return passed() + " passed, " + failed() + " failed, " + skipped() + " skipped";
    }

    /** Per provider and op: passed/failed/skipped counts, one line each. */
    public String table() {
        Map<String, int[]> counts = new TreeMap<>();
        for (CaseResult r : results) {
            int[] c = counts.computeIfAbsent(r.provider() + "  " + r.op(), k -> new int[3]);
            c[r.status().ordinal()]++;
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, c) -> sb.append(String.format(java.util.Locale.ROOT, "%-40s %4d passed %4d failed %4d "
                + "skipped%n", k, c[0], c[1], c[2])));
        return sb.toString();
    }

    /** JSON: {@code {"passed":N,"failed":N,"skipped":N,"cases":[{"file","op","provider","status","nmse","max_nmse",...}]}}. */
    public String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"passed\":").append(passed()).append(",\"failed\":").append(failed()).append(",\"skipped\":")
                .append(skipped()).append(",\"cases\":[");
        for (int i = 0; i < results.size(); i++) {
            CaseResult r = results.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("\n{\"file\":").append(str(r.file())).append(",\"op\":").append(str(r.op()))
                    .append(",\"provider\":").append(str(r.provider())).append(",\"status\":")
                    .append(str(r.status().label())).append(",\"nmse\":").append(num(r.nmse()))
                    .append(",\"max_nmse\":").append(num(r.maxNmse()));
            if (r.reason() != null) {
                sb.append(",\"reason\":").append(str(r.reason()));
            }
            if (!r.details().isEmpty()) {
                sb.append(",\"details\":[");
                for (int k = 0; k < r.details().size(); k++) {
                    sb.append(k > 0 ? "," : "").append(str(r.details().get(k)));
                }
                sb.append(']');
            }
            sb.append('}');
        }
        sb.append("\n]}");
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
