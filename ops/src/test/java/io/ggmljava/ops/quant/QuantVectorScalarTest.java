package io.ggmljava.ops.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API quant kernels against the scalar reference: identical bytes at every vector width, for awkward
 * row lengths (in blocks: 1, 2, 3, 7, 13, 31, 33, 127; f16/bf16 in elements up to 4098) and unaligned offsets, on
 * data with mixed magnitudes, zero blocks and special values.
 */
class QuantVectorScalarTest {
    static final GgmlType[] BLOCK_TYPES = {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
        GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
        GgmlType.Q8_K, GgmlType.IQ4_NL};
    static final int[] BLOCK_COUNTS = {1, 2, 3, 7, 13, 31, 33, 127};
    static final int[] FLOAT_COUNTS = {1, 3, 7, 13, 31, 33, 127, 1021, 4098};
    static final QuantKernels SCALAR = KernelProvider.scalar().quant();

    static Stream<Arguments> widths() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : new int[] {128, 256, 512}) {
            out.add(Arguments.of(bits));
        }
        return out.stream();
    }

    private static QuantKernels vector(int bits) {
        assumeTrue(KernelProvider.vectorAvailable(), "Vector API module absent");
        assumeTrue(bits <= KernelProvider.preferredVectorBits(), "machine vectors narrower than " + bits + " bits");
        return KernelProvider.vector(bits).quant();
    }

    /** n floats: blocks of uniform values at random scales 1e-3..1e3, a zero block, and special values if asked. */
    static float[] data(SplittableRandom r, int n, boolean specials) {
        float[] x = new float[n];
        int block = 32;
        for (int b = 0; b * block < n; b++) {
            int kind = r.nextInt(8);
            float scale = (float) Math.pow(10, r.nextDouble(-3, 3));
            for (int j = b * block; j < Math.min(n, (b + 1) * block); j++) {
                x[j] = switch (kind) {
                    case 0 -> 0f;
                    case 1 -> scale;                               // constant block
                    case 2 -> (float) (scale * r.nextDouble(0, 1)); // one-signed
                    default -> (float) (scale * r.nextDouble(-1, 1));
                };
            }
        }
        if (specials) {
            float[] sp = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE,
                -Float.MIN_NORMAL / 3, 65504f, 65520f, -65536f, 5.9604645e-8f, 1e-40f, Float.MAX_VALUE,
                Float.intBitsToFloat(0x7fa00001), Float.intBitsToFloat(0xffc00123), 1.00048828125f, 3.3895314e38f};
            for (int k = 0; k < Math.min(n, 24); k++) {
                x[r.nextInt(n)] = sp[r.nextInt(sp.length)];
            }
        }
        return x;
    }

    private static MemorySegment floats(Arena a, float[] x, long pad) {
        MemorySegment s = a.allocate(4L * x.length + pad);
        MemorySegment.copy(x, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, pad, x.length);
        return s;
    }

    private static void assertSame(String what, MemorySegment expected, MemorySegment actual) {
        long m = expected.mismatch(actual);
        assertEquals(-1, m, () -> what + ": first differing byte " + m + " (scalar "
                + (m < expected.byteSize() ? expected.get(ValueLayout.JAVA_BYTE, m) : "end") + ", vector "
                + (m < actual.byteSize() ? actual.get(ValueLayout.JAVA_BYTE, m) : "end") + ")");
    }

    @ParameterizedTest(name = "vector-{0}")
    @MethodSource("widths")
    void dequantizeIsIdentical(int bits) {
        QuantKernels vec = vector(bits);
        SplittableRandom r = new SplittableRandom(bits);
        try (Arena a = Arena.ofConfined()) {
            for (GgmlType t : BLOCK_TYPES) {
                for (int nb : BLOCK_COUNTS) {
                    long n = (long) nb * t.blockSize();
                    // quantized data from the quantizer (valid scales), then random bytes (any pattern)
                    for (int variant = 0; variant < 2; variant++) {
                        long pad = 3; // odd offset: nothing may assume alignment
                        MemorySegment q = a.allocate(t.rowSize(n) + pad);
                        if (variant == 0) {
                            MemorySegment x = floats(a, data(r, (int) n, false), 0);
                            SCALAR.quantizeRow(t, x, 0, q, pad, n);
                        } else {
                            for (long i = 0; i < q.byteSize(); i++) {
                                q.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
                            }
                        }
                        MemorySegment ys = a.allocate(4 * n + 4);
                        MemorySegment yv = a.allocate(4 * n + 4);
                        SCALAR.dequantizeRow(t, q, pad, ys, 4, n);
                        vec.dequantizeRow(t, q, pad, yv, 4, n);
                        assertSame(t + " dequantize, " + nb + " blocks, variant " + variant, ys, yv);
                    }
                }
            }
            for (GgmlType t : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                for (int n : FLOAT_COUNTS) {
                    MemorySegment h = a.allocate(2L * n + 2);
                    for (long i = 0; i < h.byteSize(); i++) {
                        h.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
                    }
                    MemorySegment ys = a.allocate(4L * n);
                    MemorySegment yv = a.allocate(4L * n);
                    SCALAR.dequantizeRow(t, h, 2, ys, 0, n);
                    vec.dequantizeRow(t, h, 2, yv, 0, n);
                    assertSame(t + " dequantize, n=" + n, ys, yv);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector-{0}")
    @MethodSource("widths")
    void convertersAreIdentical(int bits) {
        QuantKernels vec = vector(bits);
        SplittableRandom r = new SplittableRandom(31L * bits);
        try (Arena a = Arena.ofConfined()) {
            for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K}) {
                for (int nb : BLOCK_COUNTS) {
                    long n = (long) nb * t.blockSize();
                    for (boolean specials : new boolean[] {false, true}) {
                        MemorySegment x = floats(a, data(r, (int) n, specials), 8);
                        MemorySegment qs = a.allocate(t.rowSize(n) + 1);
                        MemorySegment qv = a.allocate(t.rowSize(n) + 1);
                        SCALAR.fromFloatCpu(t, x, 8, qs, 1, n);
                        vec.fromFloatCpu(t, x, 8, qv, 1, n);
                        assertSame(t + " fromFloatCpu, " + nb + " blocks, specials " + specials, qs, qv);
                    }
                }
            }
            for (GgmlType t : new GgmlType[] {GgmlType.F16, GgmlType.BF16}) {
                for (int n : FLOAT_COUNTS) {
                    MemorySegment x = floats(a, data(r, n, true), 4);
                    MemorySegment hs = a.allocate(2L * n);
                    MemorySegment hv = a.allocate(2L * n);
                    SCALAR.fromFloatCpu(t, x, 4, hs, 0, n);
                    vec.fromFloatCpu(t, x, 4, hv, 0, n);
                    assertSame(t + " fromFloatCpu, n=" + n, hs, hv);
                    hv.fill((byte) 0);
                    vec.quantizeRow(t, x, 4, hv, 0, n);
                    assertSame(t + " quantizeRow, n=" + n, hs, hv);
                    hv.fill((byte) 0);
                    vec.quantizeChunk(t, x, 4, hv, 0, 1, n, null);
                    assertSame(t + " quantizeChunk, n=" + n, hs, hv);
                }
            }
        }
    }
}
