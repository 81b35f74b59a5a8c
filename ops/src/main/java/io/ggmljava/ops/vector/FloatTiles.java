package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import io.ggmljava.ops.MatMulKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled dot products for f32, f16 and bf16 weights against f32 activations (a template: see
 * {@link Specialized}; one copy per vector width).
 *
 * <p>Shapes: a tile of {@code rows x cols} outputs is cut in 4x4 register blocks (16 accumulators; each weight
 * vector is used by 4 columns and each activation vector by 4 rows, so 8 loads feed 16 FMAs), then 4x1 / 1x4 / 1x1
 * blocks for the edges. Mat-vec ({@code cols = 1}) runs 4 rows at a time: 4 independent FMA chains and 4 weight
 * streams in flight. f16 and bf16 weights are widened to f32 in registers right after the load.
 *
 * <p>Every output, whatever block computes it, is one accumulator vector over {@code k} in steps of one vector, a
 * fixed tree reduction ({@link #hsum}) and then the scalar tail in order: the value never depends on where the
 * output sits in a tile, which keeps results identical for any split of the work.
 */
final class FloatTiles implements MatMulKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final int L = F.length();
    /** Shorts, one per float lane (half the bits). */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorShuffle<Float> ROT8 = rotation(8);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> ROT2 = rotation(2);
    static final VectorShuffle<Float> ROT1 = rotation(1);

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    FloatTiles() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = (i + by) % L;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    /** Sum of the lanes in a fixed order (pairwise tree), the same in interpreted and compiled code. */
    static float hsum(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(ROT8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(ROT4));
        }
        v = v.add(v.rearrange(ROT2));
        v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    // ---- loads: one vector of weights widened to f32 ----

    static FloatVector ldF32(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    /** L f16 values at {@code off}, exactly converted (zeros, subnormals, infinities and NaN payloads kept). */
    static FloatVector ldF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, off, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector em = h.and(0x7FFF);
        IntVector bits = em.lanewise(VectorOperators.LSHL, 13);
        // exponent and mantissa in place; times 2^112 rebiases the exponent and normalizes subnormals
        FloatVector f = bits.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Integer> infNan = em.compare(VectorOperators.GE, 0x7C00);
        IntVector r = f.reinterpretAsInts().blend(bits.or(0x7F800000), infNan);
        return r.or(h.and(0x80000000)).reinterpretAsFloats();
    }

    static FloatVector ldBF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, off, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(I16, off));
    }

    static float bf16(MemorySegment s, long off) {
        return Float.intBitsToFloat((s.get(I16, off) & 0xFFFF) << 16);
    }

    // ---- MatMulKernels ----

    @Override
    public void prepare(GgmlType wtype, GgmlType srcType, int k, MemorySegment src, long srcOff, MemorySegment dst,
                        long dstOff) {
        if (wtype != GgmlType.F32 && wtype != GgmlType.F16 && wtype != GgmlType.BF16) {
            throw new UnsupportedTypeException("FloatTiles.prepare: weights of type " + wtype);
        }
        for (int i = 0; i < k; i++) {
            float v;
            if (srcType == GgmlType.F32) {
                v = src.get(F32, srcOff + 4L * i);
            } else if (srcType == GgmlType.F16) {
                v = f16(src, srcOff + 2L * i);
            } else if (srcType == GgmlType.BF16) {
                v = bf16(src, srcOff + 2L * i);
            } else {
                throw new UnsupportedTypeException("matrix product activations must be f32, f16 or bf16, got "
                        + srcType);
            }
            if (wtype == GgmlType.F16) {
                v = Float.float16ToFloat(io.ggmljava.core.Fp16.f32ToF16(v));
            } else if (wtype == GgmlType.BF16) {
                v = bf16Round(v);
            }
            dst.set(F32, dstOff + 4L * i, v);
        }
    }

    /** f32 rounded to bf16 (nearest even, NaN quieted) and back. */
    static float bf16Round(float v) {
        return Float.intBitsToFloat((io.ggmljava.core.Fp16.f32ToBf16(v) & 0xFFFF) << 16);
    }

    @Override
    public void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
                     MemorySegment b, long bOff, long bStride, int cols,
                     MemorySegment dst, long dOff, long dStride) {
        int kind = wtype == GgmlType.F32 ? 0 : wtype == GgmlType.F16 ? 1 : wtype == GgmlType.BF16 ? 2 : -1;
        if (kind < 0) {
            throw new UnsupportedTypeException("FloatTiles.tile: weights of type " + wtype);
        }
        long es = wtype.typeSize();
        int j = 0;
        for (; j + 4 <= cols; j += 4) {
            long bj = bOff + j * bStride;
            long dj = dOff + j * dStride;
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                long ai = aOff + i * aStride;
                long di = dj + 4L * i;
                if (kind == 0) {
                    f32x4x4(k, a, ai, aStride, b, bj, bStride, dst, di, dStride);
                } else if (kind == 1) {
                    f16x4x4(k, a, ai, aStride, b, bj, bStride, dst, di, dStride);
                } else {
                    bf16x4x4(k, a, ai, aStride, b, bj, bStride, dst, di, dStride);
                }
            }
            for (; i < rows; i++) {
                for (int jj = 0; jj < 4; jj++) {
                    long di = dj + jj * dStride + 4L * i;
                    dst.set(F32, di, dot1(kind, es, k, a, aOff + i * aStride, b, bj + jj * bStride));
                }
            }
        }
        for (; j < cols; j++) {
            long bj = bOff + j * bStride;
            long dj = dOff + j * dStride;
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                long ai = aOff + i * aStride;
                long di = dj + 4L * i;
                if (kind == 0) {
                    f32x4x1(k, a, ai, aStride, b, bj, dst, di);
                } else if (kind == 1) {
                    f16x4x1(k, a, ai, aStride, b, bj, dst, di);
                } else {
                    bf16x4x1(k, a, ai, aStride, b, bj, dst, di);
                }
            }
            for (; i < rows; i++) {
                dst.set(F32, dj + 4L * i, dot1(kind, es, k, a, aOff + i * aStride, b, bj));
            }
        }
    }

    /** One output alone, in the canonical order. */
    private static float dot1(int kind, long es, int k, MemorySegment a, long a0, MemorySegment b, long b0) {
        int kb = F.loopBound(k);
        FloatVector c = FloatVector.zero(F);
        for (int i = 0; i < kb; i += L) {
            FloatVector x = kind == 0 ? ldF32(a, a0 + 4L * i) : kind == 1 ? ldF16(a, a0 + 2L * i) : ldBF16(a, a0 + 2L * i);
            c = x.fma(ldF32(b, b0 + 4L * i), c);
        }
        return hsum(c) + tail(kind, es, kb, k, a, a0, b, b0);
    }

    /** The scalar tail {@code [kb, k)} of one output, in order. */
    private static float tail(int kind, long es, int kb, int k, MemorySegment a, long a0, MemorySegment b, long b0) {
        float s = 0;
        for (int i = kb; i < k; i++) {
            float x = kind == 0 ? a.get(F32, a0 + 4L * i) : kind == 1 ? f16(a, a0 + 2L * i) : bf16(a, a0 + 2L * i);
            s += x * b.get(F32, b0 + 4L * i);
        }
        return s;
    }

    // ---- f32 ----

    private static void f32x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                MemorySegment d, long d0, long ds) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        long b1 = b0 + bs;
        long b2 = b1 + bs;
        long b3 = b2 + bs;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 4L * i;
            FloatVector x0 = ldF32(a, a0 + o);
            FloatVector x1 = ldF32(a, a1 + o);
            FloatVector x2 = ldF32(a, a2 + o);
            FloatVector x3 = ldF32(a, a3 + o);
            FloatVector y = ldF32(b, b0 + o);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = ldF32(b, b1 + o);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = ldF32(b, b2 + o);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = ldF32(b, b3 + o);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        store4x4(0, k, kb, a, a0, as, b, b0, bs, d, d0, ds,
                c00, c10, c20, c30, c01, c11, c21, c31, c02, c12, c22, c32, c03, c13, c23, c33);
    }

    private static void f32x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                MemorySegment d, long d0) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 4L * i;
            FloatVector y = ldF32(b, b0 + o);
            c0 = ldF32(a, a0 + o).fma(y, c0);
            c1 = ldF32(a, a1 + o).fma(y, c1);
            c2 = ldF32(a, a2 + o).fma(y, c2);
            c3 = ldF32(a, a3 + o).fma(y, c3);
        }
        store4x1(0, k, kb, a, a0, as, b, b0, d, d0, c0, c1, c2, c3);
    }

    // ---- f16 ----

    private static void f16x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                MemorySegment d, long d0, long ds) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        long b1 = b0 + bs;
        long b2 = b1 + bs;
        long b3 = b2 + bs;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 4L * i;
            long h = 2L * i;
            FloatVector x0 = ldF16(a, a0 + h);
            FloatVector x1 = ldF16(a, a1 + h);
            FloatVector x2 = ldF16(a, a2 + h);
            FloatVector x3 = ldF16(a, a3 + h);
            FloatVector y = ldF32(b, b0 + o);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = ldF32(b, b1 + o);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = ldF32(b, b2 + o);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = ldF32(b, b3 + o);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        store4x4(1, k, kb, a, a0, as, b, b0, bs, d, d0, ds,
                c00, c10, c20, c30, c01, c11, c21, c31, c02, c12, c22, c32, c03, c13, c23, c33);
    }

    private static void f16x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                MemorySegment d, long d0) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long h = 2L * i;
            FloatVector y = ldF32(b, b0 + 4L * i);
            c0 = ldF16(a, a0 + h).fma(y, c0);
            c1 = ldF16(a, a1 + h).fma(y, c1);
            c2 = ldF16(a, a2 + h).fma(y, c2);
            c3 = ldF16(a, a3 + h).fma(y, c3);
        }
        store4x1(1, k, kb, a, a0, as, b, b0, d, d0, c0, c1, c2, c3);
    }

    // ---- bf16 ----

    private static void bf16x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                 MemorySegment d, long d0, long ds) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        long b1 = b0 + bs;
        long b2 = b1 + bs;
        long b3 = b2 + bs;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 4L * i;
            long h = 2L * i;
            FloatVector x0 = ldBF16(a, a0 + h);
            FloatVector x1 = ldBF16(a, a1 + h);
            FloatVector x2 = ldBF16(a, a2 + h);
            FloatVector x3 = ldBF16(a, a3 + h);
            FloatVector y = ldF32(b, b0 + o);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = ldF32(b, b1 + o);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = ldF32(b, b2 + o);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = ldF32(b, b3 + o);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        store4x4(2, k, kb, a, a0, as, b, b0, bs, d, d0, ds,
                c00, c10, c20, c30, c01, c11, c21, c31, c02, c12, c22, c32, c03, c13, c23, c33);
    }

    private static void bf16x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                 MemorySegment d, long d0) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long h = 2L * i;
            FloatVector y = ldF32(b, b0 + 4L * i);
            c0 = ldBF16(a, a0 + h).fma(y, c0);
            c1 = ldBF16(a, a1 + h).fma(y, c1);
            c2 = ldBF16(a, a2 + h).fma(y, c2);
            c3 = ldBF16(a, a3 + h).fma(y, c3);
        }
        store4x1(2, k, kb, a, a0, as, b, b0, d, d0, c0, c1, c2, c3);
    }

    // ---- finishing: reduce, add the scalar tail, store ----

    private static void store4x1(int kind, int k, int kb, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                 MemorySegment d, long d0, FloatVector c0, FloatVector c1, FloatVector c2,
                                 FloatVector c3) {
        long es = kind == 0 ? 4 : 2;
        d.set(F32, d0, hsum(c0) + tail(kind, es, kb, k, a, a0, b, b0));
        d.set(F32, d0 + 4, hsum(c1) + tail(kind, es, kb, k, a, a0 + as, b, b0));
        d.set(F32, d0 + 8, hsum(c2) + tail(kind, es, kb, k, a, a0 + 2 * as, b, b0));
        d.set(F32, d0 + 12, hsum(c3) + tail(kind, es, kb, k, a, a0 + 3 * as, b, b0));
    }

    private static void store4x4(int kind, int k, int kb, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                 long bs, MemorySegment d, long d0, long ds,
                                 FloatVector c00, FloatVector c10, FloatVector c20, FloatVector c30,
                                 FloatVector c01, FloatVector c11, FloatVector c21, FloatVector c31,
                                 FloatVector c02, FloatVector c12, FloatVector c22, FloatVector c32,
                                 FloatVector c03, FloatVector c13, FloatVector c23, FloatVector c33) {
        store4x1(kind, k, kb, a, a0, as, b, b0, d, d0, c00, c10, c20, c30);
        store4x1(kind, k, kb, a, a0, as, b, b0 + bs, d, d0 + ds, c01, c11, c21, c31);
        store4x1(kind, k, kb, a, a0, as, b, b0 + 2 * bs, d, d0 + 2 * ds, c02, c12, c22, c32);
        store4x1(kind, k, kb, a, a0, as, b, b0 + 3 * bs, d, d0 + 3 * ds, c03, c13, c23, c33);
    }

    @Override
    public void axpy(int n, float s, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        int nb = F.loopBound(n);
        FloatVector sv = FloatVector.broadcast(F, s);
        for (int i = 0; i < nb; i += L) {
            long o = 4L * i;
            ldF32(x, xOff + o).fma(sv, ldF32(y, yOff + o)).intoMemorySegment(y, yOff + o, LE);
        }
        for (int i = nb; i < n; i++) {
            long o = 4L * i;
            y.set(F32, yOff + o, Math.fma(x.get(F32, xOff + o), s, y.get(F32, yOff + o)));
        }
    }
}
