package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** MUL_MAT with quantized weights: vector kernels at every width against the scalar reference, and thread counts. */
class MatMulQuantTest {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** 1.0 as f16. */
    static final short ONE = 0x3C00;

    /** Weights: uniform values quantized with the reference quantizer; some rows scaled up or down. */
    static Tensor weights(Context ctx, Arena arena, GgmlType t, int k, int m, Random rnd) {
        Tensor a = ctx.newTensor2d(t, k, m);
        MatMulHarness.bind(arena, a);
        MemorySegment row = arena.allocate(4L * k, 64);
        for (int r = 0; r < m; r++) {
            float scale = r % 5 == 3 ? 40f : r % 7 == 2 ? 0.01f : 1f;
            for (int i = 0; i < k; i++) {
                row.set(F32, 4L * i, (rnd.nextFloat() * 2 - 1) * scale);
            }
            KernelProvider.scalar().quant().quantizeRow(t, row, 0, a.data(), r * a.nb(1), k);
        }
        return a;
    }

    /** sum_k |dequant(a)_k * b_k| for output (i, j): the size the float rounding is measured against. */
    static double magnitude(Tensor a, Tensor b, int i, int j, Arena arena) {
        int k = (int) a.ne(0);
        MemorySegment row = arena.allocate(4L * k, 64);
        KernelProvider.scalar().quant().dequantizeRow(a.type(), a.data(), i * a.nb(1), row, 0, k);
        double s = 0;
        for (int kk = 0; kk < k; kk++) {
            s += Math.abs(row.get(F32, 4L * kk) * b.getF32(kk, j, 0, 0));
        }
        return s;
    }

    /**
     * Computes {@code d = a * b} with the scalar kernels, then with every vector provider on 2 threads, and fails
     * unless each output agrees within {@code 2e-5 * sum |a*b|}; {@code where} names an output (row i, column j).
     */
    static void assertVectorProvidersAgree(Tensor a, Tensor b, Tensor d, Arena arena,
                                           BiFunction<Integer, Integer, String> where) {
        int m = (int) d.ne(0);
        int n = (int) d.ne(1);
        MatMulHarness.compute(KernelProvider.scalar(), d, 1);
        float[] want = d.toFloatArray();
        for (KernelProvider p : MatMulHarness.vectorProviders()) {
            d.data().fill((byte) 0x7f);
            MatMulHarness.compute(p, d, 2);
            float[] got = d.toFloatArray();
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    int o = j * m + i;
                    double mag = magnitude(a, b, i, j, arena);
                    if (!(Math.abs(got[o] - want[o]) <= 2e-5 * mag + 1e-6)) {
                        fail(p + " " + a.type() + " " + where.apply(i, j) + ": " + got[o] + ", scalar " + want[o]
                                + " (sum |a*b| = " + mag + ")");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K",
            "Q5_K", "Q6_K", "IQ4_NL"})
    void vectorMatchesScalarAtAwkwardShapes(GgmlType t) {
        int bs = t.blockSize();
        int[] ks = bs == 32 ? new int[]{32, 64, 96, 288, 4096} : new int[]{256, 512, 1280};
        int[][] mn = {{1, 1}, {3, 7}, {7, 3}, {17, 2}, {5, 1}, {64, 1}, {33, 17}};
        Random rnd = new Random(t.ordinal() * 1000L + 1);
        for (int k : ks) {
            for (int[] s : mn) {
                try (Arena arena = Arena.ofShared()) {
                    Context ctx = new Context();
                    Tensor a = weights(ctx, arena, t, k, s[0], rnd);
                    Tensor b = ctx.newTensor2d(GgmlType.F32, k, s[1]);
                    Tensor d = ctx.mulMat(a, b);
                    MatMulHarness.bind(arena, b, d);
                    MatMulHarness.fill(b, rnd);
                    assertVectorProvidersAgree(a, b, d, arena, (i, j) -> "k=" + k + " m=" + s[0] + " n=" + s[1]
                            + ": dst[" + i + "," + j + "]");
                }
            }
        }
    }

    /**
     * The integer kernels rely on ranges (short products and pair sums below 2^15, levels taken without their
     * offsets): weights at the ends of their level ranges against activations that convert to +-127 and -128 must
     * still give the reference's results.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void extremeLevelsAgreeWithTheReference(GgmlType t) {
        int k = t.blockSize() == 32 ? 256 : 512;
        int m = 8;
        int n = 5;
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor a = ctx.newTensor2d(t, k, m);
            Tensor b = ctx.newTensor2d(GgmlType.F32, k, n);
            Tensor d = ctx.mulMat(a, b);
            MatMulHarness.bind(arena, a, b, d);
            // row r: every level byte r's pattern (all ones, all zeros, sign bits, ...), integer scales at their
            // largest, f16 scales 1
            byte[] patterns = {(byte) 0xFF, 0x00, (byte) 0x80, 0x7F, (byte) 0xF0, 0x0F, (byte) 0x81, (byte) 0xAA};
            int blocks = k / t.blockSize();
            for (int r = 0; r < m; r++) {
                for (int ib = 0; ib < blocks; ib++) {
                    long o = r * a.nb(1) + (long) ib * t.typeSize();
                    a.data().asSlice(o, t.typeSize()).fill(patterns[r]);
                    switch (t) {
                        case Q8_0, Q4_0 -> a.data().set(F16, o, ONE);
                        case Q4_K -> {
                            a.data().set(F16, o, ONE);
                            a.data().set(F16, o + 2, ONE);
                            a.data().asSlice(o + 4, 12).fill((byte) 0xFF); // 6-bit scales and minimums 63
                        }
                        default -> {
                            a.data().asSlice(o + 192, 16).fill(r % 2 == 0 ? (byte) 0x7F : (byte) 0x80);
                            a.data().set(F16, o + 208, ONE);
                        }
                    }
                }
            }
            // columns: all +1, all -1, alternating, one large value among small ones (-128 in q8_K), uniform
            Random rnd = new Random(7);
            for (int i = 0; i < k; i++) {
                b.setF32(i, 0, 0, 0, 1f);
                b.setF32(i, 1, 0, 0, -1f);
                b.setF32(i, 2, 0, 0, i % 2 == 0 ? 1f : -1f);
                b.setF32(i, 3, 0, 0, i % 37 == 0 ? 50f : 0.5f);
                b.setF32(i, 4, 0, 0, rnd.nextFloat() * 2 - 1);
            }
            assertVectorProvidersAgree(a, b, d, arena, (i, j) -> "row pattern "
                    + String.format("0x%02X", patterns[i]) + ", column " + j);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q5_K"})
    void threadCountsGiveIdenticalResults(GgmlType t) {
        int k = t.blockSize() == 32 ? 640 : 1024;
        for (int[] s : new int[][]{{300, 1}, {67, 45}}) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(s[0]);
                Context ctx = new Context();
                Tensor a = weights(ctx, arena, t, k, s[0], rnd);
                Tensor b = ctx.newTensor2d(GgmlType.F32, k, s[1]);
                Tensor d = ctx.mulMat(a, b);
                MatMulHarness.bind(arena, b, d);
                MatMulHarness.fill(b, rnd);
                for (KernelProvider p : List.of(KernelProvider.scalar(), KernelProvider.get())) {
                    MatMulHarness.compute(p, d, 1);
                    float[] one = d.toFloatArray();
                    for (int nth = 2; nth <= 4; nth++) {
                        d.data().fill((byte) 0);
                        MatMulHarness.compute(p, d, nth);
                        assertArrayEquals(one, d.toFloatArray(), 0f, p + " " + t + " m,n=" + s[0] + "," + s[1] + ": "
                                + nth + " threads differ from 1");
                    }
                }
            }
        }
    }
}
