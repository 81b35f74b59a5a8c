package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnaryOp;
import io.ggmljava.ops.BinaryKernels.BinaryOp;
import io.ggmljava.ops.UnaryKernels.MathOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector kernels of the unary, binary, reduce, copy, norm and softmax families against the scalar reference, at
 * awkward sizes (1 ... 4098), unaligned offsets and every vector width. Kernels documented as bit-identical are
 * compared bit for bit (NaN payloads aside); the others within a few ulps or, for sums, a relative error bound.
 * Inputs mix uniform values with special ones (signed zeros, subnormals, infinities, NaN, large magnitudes).
 */
class BasicKernelsVectorTest {
    static final int[] SIZES = {1, 3, 7, 13, 31, 33, 127, 1021, 4098};
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int bits : new int[]{128, 256, 512}) {
            for (int n : SIZES) {
                out.add(Arguments.of(bits, n));
            }
        }
        return out.stream();
    }

    /** A segment of n floats at byte offset 4 (deliberately not vector-aligned), filled from {@code rnd}. */
    static MemorySegment floats(Random rnd, int n, float lo, float hi, boolean specials) {
        MemorySegment s = arena.allocate(4L * n + 8, 64).asSlice(4, 4L * n);
        for (int i = 0; i < n; i++) {
            float v = lo + (hi - lo) * rnd.nextFloat();
            if (specials && rnd.nextInt(16) == 0) {
                float[] sp = {0.0f, -0.0f, Float.MIN_VALUE, -1e-40f, Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY, Float.NaN, 1e30f, -1e30f, 9.999f, 10.0f, -10.0f, 65520f, 1e-6f};
                v = sp[rnd.nextInt(sp.length)];
            }
            s.set(Layouts.F32, 4L * i, v);
        }
        return s;
    }

    static MemorySegment zeros(int n) {
        return arena.allocate(4L * n + 8, 64).asSlice(4, 4L * n);
    }

    static float[] read(MemorySegment s, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = s.get(Layouts.F32, 4L * i);
        }
        return r;
    }

    static void sameBits(float[] e, float[] a, String what) {
        for (int i = 0; i < e.length; i++) {
            boolean same = Float.floatToIntBits(e[i]) == Float.floatToIntBits(a[i])
                    || Float.isNaN(e[i]) && Float.isNaN(a[i]);
            if (!same) {
                fail(what + ": element " + i + " scalar " + e[i] + " vector " + a[i]);
            }
        }
    }

    /** Within {@code ulps} units in the last place (same non-finite kind). */
    static void close(float[] e, float[] a, int ulps, String what) {
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
                assertTrue(Float.isNaN(e[i]) && Float.isNaN(a[i]), what + ": element " + i + " scalar " + e[i]
                        + " vector " + a[i]);
                continue;
            }
            if (Float.isInfinite(e[i]) || Float.isInfinite(a[i])) {
                assertEquals(e[i], a[i], what + ": element " + i);
                continue;
            }
            float tol = ulps * Math.max(Math.ulp(e[i]), Float.MIN_NORMAL);
            if (Math.abs(e[i] - a[i]) > tol) {
                fail(what + ": element " + i + " scalar " + e[i] + " vector " + a[i] + " (more than " + ulps
                        + " ulps)");
            }
        }
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void unaryKernels(int bits, int n) {
        UnaryKernels s = KernelProvider.scalar().unary();
        UnaryKernels v = KernelProvider.vector(bits).unary();
        for (UnaryOp op : UnaryOp.values()) {
            Random rnd = new Random(31L * n + op.ordinal());
            float range = op == UnaryOp.EXP ? 20 : op == UnaryOp.GELU || op == UnaryOp.GELU_QUICK ? 12 : 8;
            MemorySegment x = floats(rnd, n, -range, range, true);
            MemorySegment ys = zeros(n);
            MemorySegment yv = zeros(n);
            s.unary(op, x, 0, ys, 0, n);
            v.unary(op, x, 0, yv, 0, n);
            String what = op + " n=" + n + " " + bits + " bits";
            switch (op) {
                case TANH, ELU, SIGMOID, EXP -> close(read(ys, n), read(yv, n), 4, what);
                case ABS, SGN, NEG, STEP, RELU, GELU, GELU_QUICK, SILU, HARDSWISH, HARDSIGMOID ->
                        sameBits(read(ys, n), read(yv, n), what);
            }
            // in place: y = x
            MemorySegment xi = floats(new Random(7), n, -range, range, true);
            MemorySegment tmp = zeros(n);
            s.unary(op, xi, 0, tmp, 0, n);
            float[] expected = read(tmp, n);
            v.unary(op, xi, 0, xi, 0, n);
            close(expected, read(xi, n), 4, what + " in place");
        }
        for (MathOp op : MathOp.values()) {
            Random rnd = new Random(17L * n + op.ordinal());
            MemorySegment x = floats(rnd, n, op == MathOp.SQRT || op == MathOp.LOG ? 0.01f : -6.5f, 6.5f, true);
            MemorySegment ys = zeros(n);
            MemorySegment yv = zeros(n);
            s.math(op, x, 0, ys, 0, n);
            v.math(op, x, 0, yv, 0, n);
            close(read(ys, n), read(yv, n), op == MathOp.LOG ? 2 : 0, op + " n=" + n + " " + bits + " bits");
        }
        Random rnd = new Random(n);
        MemorySegment x = floats(rnd, n, -3, 3, true);
        MemorySegment dy = floats(rnd, n, -1, 1, false);
        float[][] pairs = new float[2][];
        for (int k = 0; k < 2; k++) {
            UnaryKernels u = k == 0 ? s : v;
            MemorySegment y = zeros(n);
            u.scale(x, 0, y, 0, n, -0.37f);
            float[] sc = read(y, n);
            u.clamp(x, 0, y, 0, n, -0.5f, 1.25f);
            float[] cl = read(y, n);
            u.leakyRelu(x, 0, y, 0, n, 0.1f);
            float[] lr = read(y, n);
            u.siluBack(x, 0, dy, 0, y, 0, n);
            pairs[k] = concat(sc, cl, lr);
            if (k == 1) {
                MemorySegment xf = floats(new Random(n + 1L), n, -6, 6, false);
                u.siluBack(xf, 0, dy, 0, y, 0, n);
                MemorySegment ref = zeros(n);
                s.siluBack(xf, 0, dy, 0, ref, 0, n);
                assertTrue(nmse(read(y, n), read(ref, n)) < 1e-12, "siluBack n=" + n);
            }
        }
        sameBits(pairs[0], pairs[1], "scale/clamp/leakyRelu n=" + n + " " + bits + " bits");
    }

    static float[] concat(float[]... parts) {
        int len = 0;
        for (float[] p : parts) {
            len += p.length;
        }
        float[] r = new float[len];
        int k = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, r, k, p.length);
            k += p.length;
        }
        return r;
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void binaryKernels(int bits, int n) {
        BinaryKernels s = KernelProvider.scalar().binary();
        BinaryKernels v = KernelProvider.vector(bits).binary();
        Random rnd = new Random(n * 7L + bits);
        MemorySegment a = floats(rnd, n, -4, 4, true);
        MemorySegment b = floats(rnd, n, -4, 4, true);
        for (BinaryOp op : BinaryOp.values()) {
            MemorySegment ys = zeros(n);
            MemorySegment yv = zeros(n);
            s.apply(op, a, 0, b, 0, ys, 0, n);
            v.apply(op, a, 0, b, 0, yv, 0, n);
            sameBits(read(ys, n), read(yv, n), op + " n=" + n + " " + bits + " bits");
            s.applyScalar(op, a, 0, 1.7f, ys, 0, n);
            v.applyScalar(op, a, 0, 1.7f, yv, 0, n);
            sameBits(read(ys, n), read(yv, n), op + " scalar operand n=" + n + " " + bits + " bits");
            // in place into the first operand
            MemorySegment c = floats(new Random(3), n, -4, 4, false);
            MemorySegment ref = zeros(n);
            s.apply(op, c, 0, b, 0, ref, 0, n);
            v.apply(op, c, 0, b, 0, c, 0, n);
            sameBits(read(ref, n), read(c, n), op + " in place n=" + n);
        }
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void reduceKernels(int bits, int n) {
        ReduceKernels s = KernelProvider.scalar().reduce();
        ReduceKernels v = KernelProvider.vector(bits).reduce();
        Random rnd = new Random(n * 11L + bits);
        MemorySegment x = floats(rnd, n, -5, 5, false);
        MemorySegment y = floats(rnd, n, -5, 5, false);
        double es = s.sum(x, 0, n);
        double vs = v.sum(x, 0, n);
        assertEquals(es, vs, 1e-12 * Math.max(1, sumAbs(x, n)), "sum n=" + n);
        assertEquals(s.dot(x, 0, y, 0, n), v.dot(x, 0, y, 0, n), 1e-12 * n * 25, "dot n=" + n);
        assertEquals(Float.floatToIntBits(s.max(x, 0, n)), Float.floatToIntBits(v.max(x, 0, n)), "max n=" + n);
        assertEquals(s.argmax(x, 0, n), v.argmax(x, 0, n), "argmax n=" + n);
        // ties: the last maximum wins; NaN follows C's comparison rules
        MemorySegment t = zeros(n);
        for (int i = 0; i < n; i++) {
            t.set(Layouts.F32, 4L * i, i % 3 == 0 ? 2.0f : 1.0f);
        }
        assertEquals(s.argmax(t, 0, n), v.argmax(t, 0, n), "argmax ties n=" + n);
        if (n > 2) {
            t.set(Layouts.F32, 4L * (n / 2), Float.NaN);
            assertEquals(s.argmax(t, 0, n), v.argmax(t, 0, n), "argmax with NaN n=" + n);
            assertEquals(Float.floatToIntBits(s.max(t, 0, n)), Float.floatToIntBits(v.max(t, 0, n)),
                    "max with NaN n=" + n);
        }
        MemorySegment ia = arena.allocate(4L * n, 4);
        MemorySegment ib = arena.allocate(4L * n, 4);
        for (int i = 0; i < n; i++) {
            ia.set(Layouts.I32, 4L * i, rnd.nextInt(3));
            ib.set(Layouts.I32, 4L * i, rnd.nextInt(3));
        }
        assertEquals(s.countEqualI32(ia, 0, ib, 0, n), v.countEqualI32(ia, 0, ib, 0, n), "countEqual n=" + n);
    }

    static double sumAbs(MemorySegment x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x.get(Layouts.F32, 4L * i));
        }
        return s;
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void copyKernels(int bits, int n) {
        CopyKernels s = KernelProvider.scalar().copy();
        CopyKernels v = KernelProvider.vector(bits).copy();
        Random rnd = new Random(n * 13L + bits);
        MemorySegment x = floats(rnd, n, -70000, 70000, true);
        for (int i = 0; i < n; i += 5) {
            // values near f16 rounding ties and in the f16 subnormal range
            x.set(Layouts.F32, 4L * i, (rnd.nextInt(4096) + 0.5f) * 0x1p-24f * (rnd.nextBoolean() ? 1 : -1));
        }
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.I32};
        for (GgmlType to : types) {
            MemorySegment ds = arena.allocate(4L * n, 4);
            MemorySegment dv = arena.allocate(4L * n, 4);
            s.convert(GgmlType.F32, x, 0, 4, to, ds, 0, to.typeSize(), n);
            v.convert(GgmlType.F32, x, 0, 4, to, dv, 0, to.typeSize(), n);
            assertEquals(-1, ds.mismatch(dv), "f32 -> " + to + " n=" + n + " " + bits + " bits");
            // and back
            MemorySegment bs = zeros(n);
            MemorySegment bv = zeros(n);
            s.convert(to, ds, 0, to.typeSize(), GgmlType.F32, bs, 0, 4, n);
            v.convert(to, ds, 0, to.typeSize(), GgmlType.F32, bv, 0, 4, n);
            sameBits(read(bs, n), read(bv, n), to + " -> f32 n=" + n);
        }
        // every f16 bit pattern through the vector widening, against Float.float16ToFloat
        if (n == 4098) {
            MemorySegment h = arena.allocate(2L * 65536, 2);
            for (int i = 0; i < 65536; i++) {
                h.set(Layouts.I16, 2L * i, (short) i);
            }
            MemorySegment f = zeros(65536);
            v.convert(GgmlType.F16, h, 0, 2, GgmlType.F32, f, 0, 4, 65536);
            for (int i = 0; i < 65536; i++) {
                float e = Float.float16ToFloat((short) i);
                float a = f.get(Layouts.F32, 4L * i);
                assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(a), "f16 0x" + Integer.toHexString(i));
            }
        }
        MemorySegment fs = zeros(n);
        MemorySegment fv = zeros(n);
        s.fill(GgmlType.F32, fs, 0, 4, n, -2.5f);
        v.fill(GgmlType.F32, fv, 0, 4, n, -2.5f);
        sameBits(read(fs, n), read(fv, n), "fill n=" + n);
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void normKernels(int bits, int n) {
        NormKernels s = KernelProvider.scalar().norm();
        NormKernels v = KernelProvider.vector(bits).norm();
        Random rnd = new Random(n * 17L + bits);
        MemorySegment x = floats(rnd, n, -10, 10, false);
        MemorySegment dz = floats(rnd, n, -1, 1, false);
        MemorySegment ys = zeros(n);
        MemorySegment yv = zeros(n);
        s.norm(x, 0, ys, 0, n, 1e-5f);
        v.norm(x, 0, yv, 0, n, 1e-5f);
        close(read(ys, n), read(yv, n), 2, "norm n=" + n);
        s.rmsNorm(x, 0, ys, 0, n, 1e-6f);
        v.rmsNorm(x, 0, yv, 0, n, 1e-6f);
        close(read(ys, n), read(yv, n), 1, "rmsNorm n=" + n);
        s.rmsNormBack(dz, 0, x, 0, ys, 0, n, 1e-6f);
        v.rmsNormBack(dz, 0, x, 0, yv, 0, n, 1e-6f);
        assertTrue(nmse(read(yv, n), read(ys, n)) < 1e-10, "rmsNormBack n=" + n);
        double cs = s.center(x, 0, ys, 0, n, 0.25f);
        double cv = v.center(x, 0, yv, 0, n, 0.25f);
        sameBits(read(ys, n), read(yv, n), "center n=" + n);
        assertEquals(cs, cv, 1e-12 * Math.max(1, cs), "center sum n=" + n);
    }

    @ParameterizedTest(name = "{0} bits, n={1}")
    @MethodSource("cases")
    void softMaxKernels(int bits, int n) {
        SoftMaxKernels s = KernelProvider.scalar().softMax();
        SoftMaxKernels v = KernelProvider.vector(bits).softMax();
        Random rnd = new Random(n * 19L + bits);
        MemorySegment x = floats(rnd, n, -8, 8, false);
        MemorySegment m32 = floats(rnd, n, -1, 1, false);
        MemorySegment m16 = arena.allocate(2L * n + 2, 2).asSlice(2, 2L * n);
        for (int i = 0; i < n; i++) {
            float mv = i % 7 == 3 ? Float.NEGATIVE_INFINITY : -1 + 2 * rnd.nextFloat();
            m16.set(Layouts.I16, 2L * i, Float.floatToFloat16(mv));
        }
        for (int k = 0; k < 3; k++) {
            MemorySegment mask = k == 0 ? null : k == 1 ? m32 : m16;
            GgmlType mt = k == 2 ? GgmlType.F16 : GgmlType.F32;
            MemorySegment ys = zeros(n);
            MemorySegment yv = zeros(n);
            s.softMax(x, 0, mask, 0, mt, 0.7f, 0.5f, ys, 0, n);
            v.softMax(x, 0, mask, 0, mt, 0.7f, 0.5f, yv, 0, n);
            close(read(ys, n), read(yv, n), 2, "softMax mask " + k + " n=" + n + " " + bits + " bits");
        }
        MemorySegment y = zeros(n);
        s.softMax(x, 0, null, 0, GgmlType.F32, 1, 1, y, 0, n);
        MemorySegment dy = floats(rnd, n, -1, 1, false);
        MemorySegment ds = zeros(n);
        MemorySegment dv = zeros(n);
        s.softMaxBack(dy, 0, y, 0, ds, 0, n, 0.5f);
        v.softMaxBack(dy, 0, y, 0, dv, 0, n, 0.5f);
        assertTrue(nmse(read(dv, n), read(ds, n)) < 1e-10, "softMaxBack n=" + n);
    }

    static double nmse(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += a[i] * (double) a[i];
        }
        return num == 0 ? 0 : num / den;
    }
}
