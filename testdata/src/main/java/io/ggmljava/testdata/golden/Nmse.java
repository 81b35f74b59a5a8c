package io.ggmljava.testdata.golden;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The comparison the fixtures' README defines: non-finite golden values must be matched by the same kind of
 * non-finite value (NaN, +inf, -inf) and are left out; then {@code NMSE = sum (a-b)^2 / sum a^2} over the rest, with
 * {@code a} our output and {@code b} the golden one, must not exceed {@code max_nmse} (0 means identical). A zero
 * numerator passes.
 */
public final class Nmse {
    private Nmse() {
    }

    /** One element that differs: flat index, ours, golden. */
    public record Mismatch(long index, double ours, double golden) {
        @Override
        public String toString() {
            return "[" + index + "] ours " + fmt(ours) + " golden " + fmt(golden) + " (diff " + fmt(ours - golden)
                    + ")";
        }
    }

    /**
     * The outcome of comparing one output.
     *
     * @param nmse    the NMSE over finite golden elements (0 if identical, +inf if ours has a non-finite value
     *                where golden is finite, NaN if a non-finite golden value was not matched)
     * @param passed  true if the output is within tolerance
     * @param problem null if passed, otherwise what was wrong
     * @param worst   the elements with the largest absolute differences (and first non-finite mismatches), worst
     *                first
     */
    public record Result(double nmse, boolean passed, String problem, List<Mismatch> worst) {
    }

    /** Compares {@code ours} with {@code golden} (same length) against {@code maxNmse}, reporting up to 5 elements. */
    public static Result compare(double[] ours, double[] golden, double maxNmse) {
        if (ours.length != golden.length) {
            return new Result(Double.NaN, false, "ours has " + ours.length + " elements, golden " + golden.length,
                    List.of());
        }
        final int keep = 5;
        List<Mismatch> nonFinite = new ArrayList<>();
        long nonFiniteCount = 0;
        PriorityQueue<Mismatch> worst = new PriorityQueue<>(
                Comparator.comparingDouble((Mismatch m) -> Math.abs(m.ours - m.golden)));
        double num = 0;
        double den = 0;
        for (int i = 0; i < ours.length; i++) {
            double a = ours[i];
            double b = golden[i];
            if (!Double.isFinite(b)) {
                boolean same = Double.isNaN(b) ? Double.isNaN(a) : a == b;
                if (!same) {
                    nonFiniteCount++;
                    if (nonFinite.size() < keep) {
                        nonFinite.add(new Mismatch(i, a, b));
                    }
                }
                continue;
            }
            if (!Double.isFinite(a)) {
                nonFiniteCount++;
                if (nonFinite.size() < keep) {
                    nonFinite.add(new Mismatch(i, a, b));
                }
                continue;
            }
            double d = a - b;
            num += d * d;
            den += a * a;
            if (d != 0) {
                worst.add(new Mismatch(i, a, b));
                if (worst.size() > keep) {
                    worst.poll();
                }
            }
        }
        List<Mismatch> top = new ArrayList<>(worst);
        top.sort(Comparator.comparingDouble((Mismatch m) -> Math.abs(m.ours - m.golden)).reversed());
        if (nonFiniteCount > 0) {
            List<Mismatch> all = new ArrayList<>(nonFinite);
            all.addAll(top);
            return new Result(Double.NaN, false, nonFiniteCount + " element(s) differ in NaN/inf", all);
        }
        if (num == 0) {
            return new Result(0, true, null, List.of());
        }
        double nmse = den == 0 ? Double.POSITIVE_INFINITY : num / den;
        boolean ok = nmse <= maxNmse;
        return new Result(nmse, ok, ok ? null : "NMSE " + fmt(nmse) + " > max_nmse " + fmt(maxNmse), top);
    }

    static String fmt(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        return a >= 1e-3 && a < 1e6 ? String.format(java.util.Locale.ROOT, "%.7g", v)
                : String.format(java.util.Locale.ROOT, "%.4e", v);
    }
}
