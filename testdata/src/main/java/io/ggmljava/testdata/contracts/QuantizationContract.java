package io.ggmljava.testdata.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * What every {@link QuantKernels} implementation must guarantee. Implement it once per implementation:
 *
 * <pre>{@code
 * class MyQuantProperties implements QuantizationContract {
 *     public QuantKernels kernels() { return myProvider.quant(); }
 * }
 * }</pre>
 *
 * <p>Agreement with the reference: quantization (reference and importance-weighted), dequantization and the CPU's
 * activation conversion produce exactly the bytes of the scalar reference ({@link #reference()}), on rows of awkward
 * block counts at unaligned offsets.
 *
 * <p>Round trips: {@code dequantize(quantize(x))} stays within a per-type bound on the largest error relative to
 * the largest magnitude in the block ({@link #REF_BOUND}, {@link #IMATRIX_BOUND}), for blocks whose magnitude is in
 * [0.5, 2e4] (so every f16 scale is a normal number; below that ggml's f16 scales lose precision and q6_K, for one,
 * flushes small blocks to zero). The bounds of the legacy and 8-bit types are derived (half a step, or a full step
 * where ggml clamps the top level, plus the f16 rounding of the scale and minimum); those of the k-quants and iq4_nl,
 * whose scales come from searches, are the worst error seen over 60,000 blocks of the same distributions plus 25 %.
 * Idempotence: re-quantizing dequantized data reproduces the bytes for the types where ggml's quantizer has that
 * property (q4_0 q4_1 q5_0 q5_1 q8_0 iq4_nl; not q8_1/q8_K, whose stored sum/scale come from the unrounded scale, nor
 * the k-quants, whose searches move). f16/bf16: every 16-bit pattern survives a round trip (NaNs come back as ggml's
 * canonical NaN), and f32 to f16/bf16 rounds to nearest even with ggml's NaN rules, checked against an independent
 * oracle on values that include -0, subnormals, infinities, NaNs, overflow and ties.
 */
public interface QuantizationContract {
    /** The implementation under test. */
    QuantKernels kernels();

    /** The reference the implementation must agree with byte for byte (ggml's quantizers, as the scalar code). */
    default QuantKernels reference() {
        return KernelProvider.scalar().quant();
    }

    /** Every block type with a quantizer. */
    GgmlType[] BLOCK_TYPES = {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
        GgmlType.Q8_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.Q8_K,
        GgmlType.IQ4_NL};

    /** The activation types of the products ({@link QuantKernels#dotType}). */
    GgmlType[] DOT_TYPES = {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K, GgmlType.F16, GgmlType.BF16};

    /** Block counts that exercise vector loops and their tails. */
    int[] BLOCK_COUNTS = {1, 2, 3, 7, 13, 31, 33};

    /** Largest |x - dequantize(quantize_ref(x))| / max|x| per block. */
    Map<GgmlType, Double> REF_BOUND = Map.ofEntries(
            Map.entry(GgmlType.Q4_0, 1 / 8.0 + 1 / 2048.0), // the top level is clamped: one full step
            Map.entry(GgmlType.Q5_0, 1 / 16.0 + 1 / 2048.0),
            Map.entry(GgmlType.Q4_1, 2 / 30.0 + 3 / 2048.0), // half of range/15, plus f16 rounding of d and m
            Map.entry(GgmlType.Q5_1, 2 / 62.0 + 3 / 2048.0),
            Map.entry(GgmlType.Q8_0, 1 / 254.0 + 1 / 2048.0),
            Map.entry(GgmlType.Q8_1, 1 / 254.0 + 1 / 2048.0),
            Map.entry(GgmlType.Q8_K, 1 / 254.0 + 1e-6), // f32 scale
            Map.entry(GgmlType.Q2_K, 0.52),
            Map.entry(GgmlType.Q3_K, 0.36),
            Map.entry(GgmlType.Q4_K, 0.15),
            Map.entry(GgmlType.Q5_K, 0.085),
            Map.entry(GgmlType.Q6_K, 0.03),
            Map.entry(GgmlType.IQ4_NL, 0.17));

    /** The same with importance weights in [0.1, 4) (ggml_quantize_chunk; weighted fits allow larger max errors). */
    Map<GgmlType, Double> IMATRIX_BOUND = Map.ofEntries(
            Map.entry(GgmlType.Q4_0, 0.27),
            Map.entry(GgmlType.Q5_0, 0.11),
            Map.entry(GgmlType.Q4_1, 0.19),
            Map.entry(GgmlType.Q5_1, 0.09),
            Map.entry(GgmlType.Q8_0, REF_BOUND.get(GgmlType.Q8_0)), // ggml ignores the weights
            Map.entry(GgmlType.Q8_1, REF_BOUND.get(GgmlType.Q8_1)), // not a chunk type: the reference quantizer
            Map.entry(GgmlType.Q8_K, REF_BOUND.get(GgmlType.Q8_K)),
            Map.entry(GgmlType.Q2_K, 0.92),
            Map.entry(GgmlType.Q3_K, 0.47),
            Map.entry(GgmlType.Q4_K, 0.19),
            Map.entry(GgmlType.Q5_K, 0.105),
            Map.entry(GgmlType.Q6_K, 0.085),
            Map.entry(GgmlType.IQ4_NL, 0.22));

    /**
     * One block of {@code type} from {@code seed}: uniform, one-signed, Gaussian, outlier-heavy, offset, constant or
     * single-spike values at a scale in [0.5, 1000].
     */
    static float[] block(GgmlType type, int kind, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = type.blockSize();
        double scale = Math.pow(10, r.nextDouble(-0.3, 3));
        float[] x = new float[n];
        int spike = r.nextInt(n);
        for (int j = 0; j < n; j++) {
            double v = switch (kind) {
                case 0 -> r.nextDouble(-1, 1);
                case 1 -> r.nextDouble(0, 1);
                case 2 -> r.nextGaussian();
                case 3 -> r.nextDouble() < 0.05 ? r.nextDouble(-20, 20) : r.nextDouble(-1, 1);
                case 4 -> r.nextDouble(-1, 0) - 0.5;
                case 5 -> 0.75;
                default -> j == spike ? -1 : 0;
            };
            x[j] = (float) (v * scale);
        }
        return x;
    }

    /** {@code n} importance weights in [0.1, 4) from {@code seed}. */
    static float[] importance(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] im = new float[n];
        for (int j = 0; j < n; j++) {
            im[j] = (float) r.nextDouble(0.1, 4);
        }
        return im;
    }

    @Provide
    default Arbitrary<GgmlType> blockTypes() {
        return Arbitraries.of(BLOCK_TYPES);
    }

    /** Quantizes (reference, or chunk with weights), dequantizes, returns the worst |error| / max|x|. */
    private double roundTripError(GgmlType type, float[] x, float[] imatrix) {
        int n = x.length;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocate(4L * n);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
            MemorySegment q = a.allocate(type.rowSize(n));
            MemorySegment y = a.allocate(4L * n);
            if (imatrix == null) {
                kernels().quantizeRow(type, xs, 0, q, 0, n);
            } else {
                kernels().quantizeChunk(type, xs, 0, q, 0, 1, n, imatrix);
            }
            kernels().dequantizeRow(type, q, 0, y, 0, n);
            double amax = 0;
            double err = 0;
            for (int j = 0; j < n; j++) {
                float v = y.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j);
                amax = Math.max(amax, Math.abs(x[j]));
                err = Math.max(err, Math.abs((double) x[j] - v));
            }
            return amax == 0 ? err : err / amax;
        }
    }

    @Property(seed = Contracts.SEED)
    default void roundTripErrorIsBounded(@ForAll("blockTypes") GgmlType type,
                                         @ForAll @IntRange(min = 0, max = 6) int kind, @ForAll long seed) {
        Statistics.label("type").collect(type);
        Statistics.label("kind").collect(kind);
        double e = roundTripError(type, block(type, kind, seed), null);
        assertTrue(e <= REF_BOUND.get(type), type + " kind " + kind + " seed " + seed + ": error/amax " + e + " > "
                + REF_BOUND.get(type));
        Statistics.label("type").coverage(c -> {
            for (GgmlType t : BLOCK_TYPES) {
                c.check(t).count(k -> k >= 5);
            }
        });
    }

    @Property(seed = Contracts.SEED)
    default void weightedRoundTripErrorIsBounded(@ForAll("blockTypes") GgmlType type,
                                                 @ForAll @IntRange(min = 0, max = 6) int kind, @ForAll long seed) {
        Statistics.label("type").collect(type);
        float[] x = block(type, kind, seed);
        double e = roundTripError(type, x, importance(x.length, ~seed));
        assertTrue(e <= IMATRIX_BOUND.get(type), type + " kind " + kind + " seed " + seed + ": error/amax " + e
                + " > " + IMATRIX_BOUND.get(type));
    }

    @Property(seed = Contracts.SEED)
    default void requantizingIsIdempotent(
            @ForAll("idempotentTypes") GgmlType type, @ForAll @IntRange(min = 0, max = 6) int kind,
            @ForAll @IntRange(min = 1, max = 4) int blocks, @ForAll long seed) {
        Statistics.label("type").collect(type);
        int n = blocks * type.blockSize();
        float[] x = new float[n];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(block(type, kind, seed + b), 0, x, b * type.blockSize(), type.blockSize());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocate(4L * n);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
            MemorySegment q1 = a.allocate(type.rowSize(n));
            MemorySegment q2 = a.allocate(type.rowSize(n));
            MemorySegment y = a.allocate(4L * n);
            kernels().quantizeRow(type, xs, 0, q1, 0, n);
            kernels().dequantizeRow(type, q1, 0, y, 0, n);
            kernels().quantizeRow(type, y, 0, q2, 0, n);
            assertEquals(-1, q1.mismatch(q2), type + " kind " + kind + " seed " + seed + ": bytes changed");
        }
    }

    @Provide
    default Arbitrary<GgmlType> idempotentTypes() {
        return Arbitraries.of(GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0,
                GgmlType.IQ4_NL);
    }

    /** A row of {@code blocks} blocks mixing the block kinds, written at byte {@code pad} of a fresh segment. */
    private static MemorySegment row(Arena a, GgmlType type, int blocks, long seed, int pad) {
        int n = blocks * type.blockSize();
        MemorySegment xs = a.allocate(4L * n + pad);
        for (int b = 0; b < blocks; b++) {
            float[] x = block(type, (int) Math.floorMod(seed + b, 7), seed * 31 + b);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT_UNALIGNED, pad + 4L * b * type.blockSize(), x.length);
        }
        return xs;
    }

    @Provide
    default Arbitrary<Integer> blockCounts() {
        return Arbitraries.of(java.util.Arrays.stream(BLOCK_COUNTS).boxed().toList());
    }

    /** quantizeRow and quantizeChunk (with and without importance weights) give the reference's bytes. */
    @Property(seed = Contracts.SEED)
    default void quantizeMatchesTheReferenceQuantizer(@ForAll("blockTypes") GgmlType type,
                                                     @ForAll("blockCounts") int blocks,
                                                     @ForAll @IntRange(min = 0, max = 3) int pad,
                                                     @ForAll boolean weighted, @ForAll long seed) {
        Statistics.label("type").collect(type);
        Statistics.label("blocks").collect(blocks);
        int n = blocks * type.blockSize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = row(a, type, blocks, seed, pad);
            long bytes = type.rowSize(n);
            MemorySegment want = a.allocate(bytes + pad);
            MemorySegment got = a.allocate(bytes + pad);
            if (weighted) {
                float[] im = importance(n, seed);
                reference().quantizeChunk(type, xs, pad, want, pad, 1, n, im);
                kernels().quantizeChunk(type, xs, pad, got, pad, 1, n, im);
            } else {
                reference().quantizeRow(type, xs, pad, want, pad, n);
                kernels().quantizeRow(type, xs, pad, got, pad, n);
            }
            long at = want.mismatch(got);
            assertEquals(-1, at, type + " x" + blocks + " blocks, seed " + seed + (weighted ? " (weighted)" : "")
                    + ": first differing byte at " + at);
        }
        Statistics.label("blocks").coverage(c -> c.check(33).count(k -> k > 0));
    }

    /** dequantizeRow gives the reference's floats bit for bit, from arbitrary block bytes. */
    @Property(seed = Contracts.SEED)
    default void dequantizeMatchesTheReference(@ForAll("blockTypes") GgmlType type, @ForAll("blockCounts") int blocks,
                                               @ForAll @IntRange(min = 0, max = 3) int pad, @ForAll long seed) {
        int n = blocks * type.blockSize();
        try (Arena a = Arena.ofConfined()) {
            long bytes = type.rowSize(n);
            MemorySegment q = a.allocate(bytes + pad);
            // quantized data of real values, with some bytes flipped so that unusual codes appear too
            reference().quantizeRow(type, row(a, type, blocks, seed, 0), 0, q, pad, n);
            SplittableRandom r = new SplittableRandom(seed);
            for (int k = 0; k < blocks; k++) {
                long off = pad + r.nextLong(bytes);
                if (type != GgmlType.Q8_K || off % type.typeSize() >= 4) { // keep q8_K's f32 scale finite
                    q.set(ValueLayout.JAVA_BYTE, off, (byte) r.nextInt());
                }
            }
            MemorySegment want = a.allocate(4L * n);
            MemorySegment got = a.allocate(4L * n);
            reference().dequantizeRow(type, q, pad, want, 0, n);
            kernels().dequantizeRow(type, q, pad, got, 0, n);
            for (int j = 0; j < n; j++) {
                int w = Float.floatToRawIntBits(want.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j));
                int g = Float.floatToRawIntBits(got.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j));
                boolean bothNaN = Float.isNaN(Float.intBitsToFloat(w)) && Float.isNaN(Float.intBitsToFloat(g));
                if (w != g && !bothNaN) {
                    throw new AssertionError(type + " x" + blocks + " blocks, seed " + seed + ": element " + j
                            + " is " + Float.intBitsToFloat(g) + ", the reference gives " + Float.intBitsToFloat(w));
                }
            }
        }
    }

    /** The CPU's activation conversion (before a product) gives the reference's bytes for every dot type. */
    @Property(seed = Contracts.SEED)
    default void activationConversionMatchesTheReference(@ForAll("dotTypes") GgmlType type,
                                                         @ForAll("blockCounts") int blocks,
                                                         @ForAll @IntRange(min = 0, max = 3) int pad,
                                                         @ForAll long seed) {
        Statistics.label("dot type").collect(type);
        int per = type.blockSize() == 1 ? 32 : type.blockSize();
        int n = blocks * per;
        try (Arena a = Arena.ofConfined()) {
            GgmlType shape = type.blockSize() == 1 ? GgmlType.Q8_0 : type; // value distributions of that block size
            MemorySegment xs = row(a, shape, blocks, seed, pad);
            long bytes = type.rowSize(n);
            MemorySegment want = a.allocate(bytes);
            MemorySegment got = a.allocate(bytes);
            reference().fromFloatCpu(type, xs, pad, want, 0, n);
            kernels().fromFloatCpu(type, xs, pad, got, 0, n);
            long at = want.mismatch(got);
            assertEquals(-1, at, type + " x" + n + ", seed " + seed + ": first differing byte at " + at);
        }
        Statistics.label("dot type").coverage(c -> {
            for (GgmlType t : DOT_TYPES) {
                c.check(t).count(k -> k > 0);
            }
        });
    }

    @Provide
    default Arbitrary<GgmlType> dotTypes() {
        return Arbitraries.of(DOT_TYPES);
    }

    // ---- f16 / bf16

    /** Every f16 and bf16 bit pattern: to f32 and back gives the pattern (NaN: ggml's canonical/quieted NaN). */
    @Example
    default void every16BitPatternRoundTrips() {
        int n = 1 << 16;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                h.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) i);
            }
            MemorySegment f = a.allocate(4L * n);
            MemorySegment back = a.allocate(2L * n);
            for (GgmlType t : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                kernels().dequantizeRow(t, h, 0, f, 0, n);
                kernels().quantizeRow(t, f, 0, back, 0, n);
                for (int i = 0; i < n; i++) {
                    int bits = i & 0xFFFF;
                    boolean nan = t == GgmlType.F16 ? (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0
                            : (bits & 0x7F80) == 0x7F80 && (bits & 0x7F) != 0;
                    int expected = !nan ? bits : t == GgmlType.F16 ? (bits & 0x8000) | 0x7E00 : bits | 0x40;
                    int got = back.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) & 0xFFFF;
                    assertEquals(expected, got, t + " pattern 0x" + Integer.toHexString(bits));
                }
            }
        }
    }

    @Provide
    default Arbitrary<Float> floatsWithSpecials() {
        Arbitrary<Float> specials = Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xFFC00001),
                Float.intBitsToFloat(0x7F800001), Float.MAX_VALUE, -Float.MAX_VALUE, 65504f, 65519.99f, 65520f,
                -65520f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-14f, 0x1.ffcp-15f, 3.3895314e38f,
                Float.intBitsToFloat(0x7F7F8000), Float.intBitsToFloat(0x7F7F7FFF), Float.intBitsToFloat(0x3F808000),
                Float.intBitsToFloat(0x3F818000));
        Arbitrary<Float> anyBits = Arbitraries.integers().map(Float::intBitsToFloat);
        Arbitrary<Float> halfRange = Arbitraries.floats().between(-70000f, 70000f);
        // exactly halfway between two neighbouring finite f16 values (exact in f32: 12 significant bits)
        Arbitrary<Float> f16Ties = Arbitraries.integers().between(0, 0x7BFE).map(h ->
                (Float.float16ToFloat((short) (int) h) + Float.float16ToFloat((short) (h + 1))) / 2);
        // exactly halfway between two neighbouring bf16 values
        Arbitrary<Float> bf16Ties = Arbitraries.integers().between(0, 0xFF7E).map(h ->
                Float.intBitsToFloat((h << 16) | 0x8000));
        return Arbitraries.frequencyOf(Tuple.of(2, specials), Tuple.of(3, anyBits), Tuple.of(3, halfRange),
                Tuple.of(2, f16Ties), Tuple.of(2, bf16Ties));
    }

    /** Rows of up to 70 values, so that vector implementations run their vector loop and their tail. */
    @Property(seed = Contracts.SEED)
    default void f32ToF16AndBf16RoundToNearestEven(
            @ForAll @Size(min = 1, max = 70) List<@From("floatsWithSpecials") Float> values) {
        int n = values.size();
        for (float v : values) {
            Statistics.label("class").collect(Float.isNaN(v) ? "nan" : Float.isInfinite(v) ? "inf"
                    : Math.abs(v) < 0x1p-14f ? "f16-subnormal" : Math.abs(v) > 65504f ? "f16-overflow" : "normal");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(4L * n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values.get(i));
            }
            MemorySegment h = a.allocate(2L * n);
            kernels().quantizeRow(GgmlType.F16, x, 0, h, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(f16Oracle(values.get(i)), h.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) & 0xFFFF,
                        "f16 of " + values.get(i));
            }
            kernels().fromFloatCpu(GgmlType.BF16, x, 0, h, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(bf16Oracle(values.get(i)), h.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) & 0xFFFF,
                        "bf16 of " + values.get(i));
            }
        }
        Statistics.label("class").coverage(c -> {
            for (String k : new String[] {"nan", "inf", "f16-subnormal", "f16-overflow", "normal"}) {
                c.check(k).count(cnt -> cnt > 0);
            }
        });
    }

    /** f16 by exact comparison with the two neighbouring f16 values (ties to even); NaN -> 0x7E00 with the sign. */
    static int f16Oracle(float v) {
        int sign = Float.floatToRawIntBits(v) >>> 16 & 0x8000;
        if (Float.isNaN(v)) {
            return sign | 0x7E00;
        }
        double av = Math.abs((double) v);
        if (av >= 65520.0) { // from halfway between 65504 and 2^16 up: infinity
            return sign | 0x7C00;
        }
        int lo = 0; // the largest finite pattern whose value is <= av
        for (int b = 0x4000; b > 0; b >>= 1) {
            if (lo + b <= 0x7BFF && Float.float16ToFloat((short) (lo + b)) <= av) {
                lo += b;
            }
        }
        double dl = av - Float.float16ToFloat((short) lo);
        double du = lo == 0x7BFF ? Double.POSITIVE_INFINITY : Float.float16ToFloat((short) (lo + 1)) - av;
        return sign | (dl < du ? lo : dl > du ? lo + 1 : (lo & 1) == 0 ? lo : lo + 1);
    }

    /** bf16 by exact comparison with the two neighbouring bf16 values (ties to even); NaN -> quieted truncation. */
    static int bf16Oracle(float v) {
        int u = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (u >>> 16 | 0x40) & 0xFFFF;
        }
        int lo = u >>> 16; // truncation: the neighbour toward zero
        if (Float.isInfinite(v)) {
            return lo;
        }
        double a = Math.abs((double) v);
        double dl = a - Math.abs((double) Float.intBitsToFloat(lo << 16));
        // the neighbour away from zero; past the largest finite bf16 it is infinity, "worth" 2^128 for rounding
        double up = (lo & 0x7FFF) == 0x7F7F ? 0x1p128 : Math.abs((double) Float.intBitsToFloat((lo + 1) << 16));
        double du = up - a;
        return (dl < du ? lo : dl > du ? lo + 1 : (lo & 1) == 0 ? lo : lo + 1) & 0xFFFF;
    }

    @Property(seed = Contracts.SEED)
    default void signsZerosInfinitiesAndNaNsSurviveF16AndBf16(@ForAll("floatsWithSpecials") float v) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(4);
            x.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, v);
            MemorySegment h = a.allocate(2);
            MemorySegment back = a.allocate(4);
            for (GgmlType t : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                kernels().quantizeRow(t, x, 0, h, 0, 1);
                kernels().dequantizeRow(t, h, 0, back, 0, 1);
                float w = back.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
                assertEquals(Float.floatToRawIntBits(v) < 0, Float.floatToRawIntBits(w) < 0, t + ": sign bit of " + v);
                assertEquals(Float.isNaN(v), Float.isNaN(w), t + ": NaN-ness of " + v + " -> " + w);
                if (Float.isInfinite(v) || v == 0) {
                    assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(w), t + ": " + v);
                }
            }
        }
    }
}
