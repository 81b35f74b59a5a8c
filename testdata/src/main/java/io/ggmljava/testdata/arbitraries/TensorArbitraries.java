package io.ggmljava.testdata.arbitraries;

import io.ggmljava.core.GgmlType;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators for tensor shapes, types, views and contents, biased to the sizes where kernels go wrong: around vector
 * lane counts (4, 8, 16 floats) and block sizes (32, 256), and values that include, on request, -0, subnormals,
 * ±inf and NaN.
 *
 * <pre>{@code
 * @Property
 * void myKernelHandlesOddRows(@ForAll("rows") int n) { ... }
 *
 * @Provide
 * Arbitrary<Integer> rows() { return TensorArbitraries.awkwardSizes(); }
 * }</pre>
 *
 * <p>Contents are derived from a seed ({@link #fill}) rather than generated element by element, so a failing case
 * is small to print and reproduce.
 */
public final class TensorArbitraries {
    private TensorArbitraries() {
    }

    /** Sizes around vector lane counts and block sizes. */
    public static final List<Integer> AWKWARD_SIZES = List.of(1, 3, 7, 13, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127,
            128, 129, 255, 256, 257, 1021, 1024, 4098);

    /** One of {@link #AWKWARD_SIZES}. */
    public static Arbitrary<Integer> awkwardSizes() {
        return Arbitraries.of(AWKWARD_SIZES);
    }

    /** A multiple of {@code type}'s block size: 1 to {@code maxBlocks} blocks, biased to 1, 2, 3, 7, 31, 33. */
    public static Arbitrary<Integer> rowLengths(GgmlType type, int maxBlocks) {
        Arbitrary<Integer> blocks = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(List.of(1, 2, 3, 7, 31, 33)
                        .stream().filter(b -> b <= maxBlocks).toList())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, maxBlocks)));
        return blocks.map(b -> b * type.blockSize());
    }

    /** Shapes of 1 to 4 dimensions: {@code ne0} awkward, higher dimensions small, at most {@code maxElements}. */
    public static Arbitrary<long[]> shapes(long maxElements) {
        return Combinators.combine(awkwardSizes(), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 2)).as((n0, n1, n2, n3) -> {
                    long[] ne = {n0, n1, n2, n3};
                    for (int d = 3; d >= 1 && ne[0] * ne[1] * ne[2] * ne[3] > maxElements; d--) {
                        ne[d] = 1;
                    }
                    return ne;
                }).filter(ne -> ne[0] * ne[1] * ne[2] * ne[3] <= maxElements);
    }

    /** A shape that {@code shape} broadcasts from: each dimension either equal or 1 (ggml's can_repeat). */
    public static Arbitrary<long[]> broadcastShapesOf(long[] shape) {
        return Arbitraries.integers().between(0, 15).map(mask -> {
            long[] b = shape.clone();
            for (int d = 0; d < 4; d++) {
                if ((mask & (1 << d)) != 0) {
                    b[d] = 1;
                }
            }
            return b;
        });
    }

    /** Axis permutations keeping dimension 0 in place (rows stay contiguous), including the identity. */
    public static Arbitrary<int[]> rowPreservingPermutations() {
        return Arbitraries.of(List.of(new int[] {0, 1, 2, 3}, new int[] {0, 2, 1, 3}, new int[] {0, 1, 3, 2},
                new int[] {0, 3, 2, 1}, new int[] {0, 2, 3, 1}, new int[] {0, 3, 1, 2}));
    }

    /** Every type ggml still defines (retired ids left out). */
    public static Arbitrary<GgmlType> types() {
        return Arbitraries.of(GgufArbitraries.usableTypes());
    }

    /** The block-quantized types (block size above 1). */
    public static Arbitrary<GgmlType> quantizedTypes() {
        return Arbitraries.of(GgufArbitraries.usableTypes().stream().filter(GgmlType::isQuantized).toList());
    }

    /** Float weight types of the matrix products. */
    public static Arbitrary<GgmlType> floatTypes() {
        return Arbitraries.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);
    }

    /** The special float values the contracts mix into inputs on request. */
    public static final float[] SPECIALS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 0x1p-130f, -0x1.8p-127f,
        Float.MIN_NORMAL, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE,
        -Float.MAX_VALUE};

    /** Kinds of content. */
    public enum Fill {
        /** Uniform in [-range, range]. */
        UNIFORM,
        /** Uniform, with about 1 in 8 elements replaced by one of {@link #SPECIALS}. */
        WITH_SPECIALS,
        /**
         * As {@link #WITH_SPECIALS} but without ±{@code Float.MAX_VALUE}: for sums, whose result with finite values
         * some 10^38 apart depends on the order of the additions (so two correct kernels may disagree).
         */
        WITH_SPECIALS_NOT_HUGE
    }

    /** The special values {@link Fill#WITH_SPECIALS_NOT_HUGE} mixes in: {@link #SPECIALS} without ±MAX_VALUE. */
    private static final float[] SPECIALS_NOT_HUGE = notHuge();

    private static float[] notHuge() {
        float[] out = new float[SPECIALS.length];
        int n = 0;
        for (float v : SPECIALS) {
            if (Math.abs(v) != Float.MAX_VALUE) {
                out[n++] = v;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Fills, weighted to plain values. */
    public static Arbitrary<Fill> fills() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(Fill.UNIFORM)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Fill.WITH_SPECIALS)));
    }

    /**
     * {@code n} values from {@code seed}: uniform in [lo, hi], and for {@link Fill#WITH_SPECIALS} about one in eight
     * replaced by a special value (or, for {@link Fill#WITH_SPECIALS_NOT_HUGE}, one that is not
     * ±{@code Float.MAX_VALUE}; the first special lands on the last element, so tails see them too).
     */
    public static float[] fill(long seed, int n, float lo, float hi, Fill fill) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (lo + (hi - (double) lo) * r.nextDouble());
        }
        if (fill != Fill.UNIFORM && n > 0) {
            float[] specials = fill == Fill.WITH_SPECIALS ? SPECIALS : SPECIALS_NOT_HUGE;
            x[n - 1] = specials[r.nextInt(specials.length)];
            for (int i = 0; i < n - 1; i++) {
                if (r.nextInt(8) == 0) {
                    x[i] = specials[r.nextInt(specials.length)];
                }
            }
        }
        return x;
    }
}
