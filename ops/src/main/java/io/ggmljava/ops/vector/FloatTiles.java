package io.ggmljava.ops.vector;

import io.ggmljava.core.Fp16;
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
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled dot products for f32, f16 and bf16 weights against f32 activations (a template: see
 * {@link Specialized}; one copy per vector width).
 *
 * <p>Shapes: a tile of {@code rows x cols} outputs is cut in 4x4 register blocks (16 accumulators; each weight
 * vector is used by 4 columns and each activation vector by 4 rows, so 8 loads feed 16 FMAs), then 4x1 blocks for
 * leftover columns and single outputs for leftover rows. Mat-vec ({@code cols = 1}) runs 4 rows at a time: 4
 * independent FMA chains and 4 weight streams in flight. f16 and bf16 weights are widened to f32 in registers right
 * after the load.
 *
 * <p>Every output, whatever block computes it, is one accumulator vector over {@code k} in steps of one vector,
 * then the same lane reduction ({@link #reduce4}: four accumulators at a time, a fixed pairwise tree per output,
 * zero accumulators as padding), then the scalar tail in order. The value never depends on where the output sits in
 * a tile, which keeps results identical for any split of the work.
 */
final class FloatTiles implements MatMulKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final int L = F.length();
    /** Shorts, one per float lane (half the bits). */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Four outputs, one per lane, after the reduction. */
    static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;
    static final VectorShuffle<Float> ROT8 = rotation(8);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> PAIR_LO = VectorShuffle.fromArray(Q, new int[]{0, 1, 4, 5}, 0);
    static final VectorShuffle<Float> PAIR_HI = VectorShuffle.fromArray(Q, new int[]{2, 3, 6, 7}, 0);
    static final VectorShuffle<Float> EVEN = VectorShuffle.fromArray(Q, new int[]{0, 2, 4, 6}, 0);
    static final VectorShuffle<Float> ODD = VectorShuffle.fromArray(Q, new int[]{1, 3, 5, 7}, 0);

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

    // ---- the reduction shared by every output ----

    /** Lanes {@code j, j+4, j+8, j+12} of an accumulator summed into lane {@code j} of a 4-lane vector. */
    static FloatVector fold(FloatVector c) {
        if (L >= 16) {
            c = c.add(c.rearrange(ROT8));
        }
        if (L >= 8) {
            c = c.add(c.rearrange(ROT4));
        }
        return (FloatVector) c.reinterpretShape(Q, 0);
    }

    /**
     * The lane sums of the four accumulators stored at {@code acc[base + r*L]}, {@code r < 4}, as lanes 0..3: for each
     * one the tree {@code ((x0+x8)+(x4+x12)) + ((x2+x10)+(x6+x14))} and so on, the same in interpreted and compiled
     * code (only lanewise adds and lane moves).
     */
    static FloatVector reduce4(float[] acc, int base) {
        FloatVector v0 = fold(FloatVector.fromArray(F, acc, base));
        FloatVector v1 = fold(FloatVector.fromArray(F, acc, base + L));
        FloatVector v2 = fold(FloatVector.fromArray(F, acc, base + 2 * L));
        FloatVector v3 = fold(FloatVector.fromArray(F, acc, base + 3 * L));
        FloatVector s01 = v0.rearrange(PAIR_LO, v1).add(v0.rearrange(PAIR_HI, v1)); // [v0 j+j2.. | v1 ..]
        FloatVector s23 = v2.rearrange(PAIR_LO, v3).add(v2.rearrange(PAIR_HI, v3));
        return s01.rearrange(EVEN, s23).add(s01.rearrange(ODD, s23));
    }

    // ---- loads: one vector of weights widened to f32 ----

    static FloatVector ldF32(MemorySegment s, long off) {
        return FloatVector.fromMemorySegment(F, s, off, LE);
    }

    /**
     * L f16 values at {@code off}, exactly converted (zeros, subnormals, infinities and NaN payloads kept). The Vector
     * API has no f16 conversion: sign and exponent/mantissa are moved into f32 position and a multiply by 2^112
     * rebiases the exponent (and normalizes subnormals); exponent 31 (inf/NaN) lands at or above 2^16, above every
     * finite f16, and is replaced by an all-ones exponent.
     */
    static FloatVector ldF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, off, LE).castShape(I, 0); // sign-extended
        IntVector bits = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
        FloatVector f = bits.reinterpretAsFloats().mul(0x1p112f);
        return f.blend(bits.or(0x7F800000).reinterpretAsFloats(), f.abs().compare(VectorOperators.GE, 0x1p16f));
    }

    static FloatVector ldBF16(MemorySegment s, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, off, LE).castShape(I, 0);
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
        if (srcType != GgmlType.F32 && srcType != GgmlType.F16 && srcType != GgmlType.BF16) {
            throw new UnsupportedTypeException("matrix product activations must be f32, f16 or bf16, got " + srcType);
        }
        for (int i = 0; i < k; i++) {
            float v = srcType == GgmlType.F32 ? src.get(F32, srcOff + 4L * i)
                    : srcType == GgmlType.F16 ? f16(src, srcOff + 2L * i) : bf16(src, srcOff + 2L * i);
            if (wtype == GgmlType.F16) {
                v = Float.float16ToFloat(Fp16.f32ToF16(v)); // ggml rounds activations to the dot type
            } else if (wtype == GgmlType.BF16) {
                v = Float.intBitsToFloat((Fp16.f32ToBf16(v) & 0xFFFF) << 16);
            }
            dst.set(F32, dstOff + 4L * i, v);
        }
    }

    @Override
    public void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
                     MemorySegment b, long bOff, long bStride, int cols,
                     MemorySegment dst, long dOff, long dStride) {
        int kind = wtype == GgmlType.F32 ? 0 : wtype == GgmlType.F16 ? 1 : wtype == GgmlType.BF16 ? 2 : -1;
        if (kind < 0) {
            throw new UnsupportedTypeException("FloatTiles.tile: weights of type " + wtype);
        }
        float[] acc = new float[16 * L]; // accumulators of one register block, [column][row][lane]
        float[] buf = kind == 1 ? new float[4 * KC] : null;
        int j = 0;
        for (; j + 4 <= cols; j += 4) {
            long bj = bOff + j * bStride;
            long dj = dOff + j * dStride;
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                long ai = aOff + i * aStride;
                if (kind == 0) {
                    f32x4x4(k, a, ai, aStride, b, bj, bStride, acc);
                } else if (kind == 1) {
                    f16x4x4(k, a, ai, aStride, b, bj, bStride, acc, buf);
                } else {
                    bf16x4x4(k, a, ai, aStride, b, bj, bStride, acc);
                }
                for (int jj = 0; jj < 4; jj++) {
                    finish(kind, k, acc, 4 * jj * L, 4, a, ai, aStride, b, bj + jj * bStride, dst,
                            dj + jj * dStride + 4L * i);
                }
            }
            for (; i < rows; i++) {
                for (int jj = 0; jj < 4; jj++) {
                    single(kind, k, acc, a, aOff + i * aStride, b, bj + jj * bStride, dst,
                            dj + jj * dStride + 4L * i);
                }
            }
        }
        for (; j < cols; j++) {
            long bj = bOff + j * bStride;
            long dj = dOff + j * dStride;
            int i = 0;
            if (kind != 1) {
                // mat-vec is a memory stream: 8 rows at a time keep more weight streams in flight
                for (; i + 8 <= rows; i += 8) {
                    long ai = aOff + i * aStride;
                    if (kind == 0) {
                        f32x8x1(k, a, ai, aStride, b, bj, acc);
                    } else {
                        bf16x8x1(k, a, ai, aStride, b, bj, acc);
                    }
                    finish(kind, k, acc, 0, 4, a, ai, aStride, b, bj, dst, dj + 4L * i);
                    finish(kind, k, acc, 4 * L, 4, a, ai + 4 * aStride, aStride, b, bj, dst, dj + 4L * (i + 4));
                }
            }
            for (; i + 4 <= rows; i += 4) {
                long ai = aOff + i * aStride;
                if (kind == 0) {
                    f32x4x1(k, a, ai, aStride, b, bj, acc);
                } else if (kind == 1) {
                    f16x4x1(k, a, ai, aStride, b, bj, acc);
                } else {
                    bf16x4x1(k, a, ai, aStride, b, bj, acc);
                }
                finish(kind, k, acc, 0, 4, a, ai, aStride, b, bj, dst, dj + 4L * i);
            }
            for (; i < rows; i++) {
                single(kind, k, acc, a, aOff + i * aStride, b, bj, dst, dj + 4L * i);
            }
        }
    }

    /**
     * Reduces the 4 accumulators at {@code acc[base]}, adds the scalar tails and stores the first {@code n} outputs
     * (weight rows {@code a0 + r*as}, one activation row {@code b0}) at {@code d0 + 4*r}.
     */
    private static void finish(int kind, int k, float[] acc, int base, int n, MemorySegment a, long a0, long as,
                               MemorySegment b, long b0, MemorySegment d, long d0) {
        FloatVector out = reduce4(acc, base);
        int kb = F.loopBound(k);
        if (kb < k) {
            float[] t = new float[4];
            for (int r = 0; r < n; r++) {
                t[r] = tail(kind, kb, k, a, a0 + r * as, b, b0);
            }
            out = out.add(FloatVector.fromArray(Q, t, 0));
        }
        if (n == 4) {
            out.intoMemorySegment(d, d0, LE);
        } else {
            for (int r = 0; r < n; r++) {
                d.set(F32, d0 + 4L * r, out.lane(r));
            }
        }
    }

    /** One output alone, reduced like every other (three zero accumulators as padding). */
    private static void single(int kind, int k, float[] acc, MemorySegment a, long a0, MemorySegment b, long b0,
                               MemorySegment d, long d0) {
        int kb = F.loopBound(k);
        FloatVector c = FloatVector.zero(F);
        if (kind == 0) {
            for (int i = 0; i < kb; i += L) {
                c = ldF32(a, a0 + 4L * i).fma(ldF32(b, b0 + 4L * i), c);
            }
        } else if (kind == 1) {
            for (int i = 0; i < kb; i += L) {
                c = ldF16(a, a0 + 2L * i).fma(ldF32(b, b0 + 4L * i), c);
            }
        } else {
            for (int i = 0; i < kb; i += L) {
                c = ldBF16(a, a0 + 2L * i).fma(ldF32(b, b0 + 4L * i), c);
            }
        }
        c.intoArray(acc, 0);
        java.util.Arrays.fill(acc, L, 4 * L, 0f);
        finish(kind, k, acc, 0, 1, a, a0, 0, b, b0, d, d0);
    }

    /** The scalar tail {@code [kb, k)} of one output, in order. */
    private static float tail(int kind, int kb, int k, MemorySegment a, long a0, MemorySegment b, long b0) {
        float s = 0;
        for (int i = kb; i < k; i++) {
            float x = kind == 0 ? a.get(F32, a0 + 4L * i) : kind == 1 ? f16(a, a0 + 2L * i) : bf16(a, a0 + 2L * i);
            s += x * b.get(F32, b0 + 4L * i);
        }
        return s;
    }

    // ---- f32 ----

    private static void f32x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                float[] acc) {
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
        c00.intoArray(acc, 0);
        c10.intoArray(acc, L);
        c20.intoArray(acc, 2 * L);
        c30.intoArray(acc, 3 * L);
        c01.intoArray(acc, 4 * L);
        c11.intoArray(acc, 5 * L);
        c21.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c02.intoArray(acc, 8 * L);
        c12.intoArray(acc, 9 * L);
        c22.intoArray(acc, 10 * L);
        c32.intoArray(acc, 11 * L);
        c03.intoArray(acc, 12 * L);
        c13.intoArray(acc, 13 * L);
        c23.intoArray(acc, 14 * L);
        c33.intoArray(acc, 15 * L);
    }

    private static void f32x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                float[] acc) {
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
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
    }

    private static void f32x8x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, float[] acc) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        long a4 = a3 + as;
        long a5 = a4 + as;
        long a6 = a5 + as;
        long a7 = a6 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 4L * i;
            FloatVector y = ldF32(b, b0 + 4L * i);
            c0 = ldF32(a, a0 + o).fma(y, c0);
            c1 = ldF32(a, a1 + o).fma(y, c1);
            c2 = ldF32(a, a2 + o).fma(y, c2);
            c3 = ldF32(a, a3 + o).fma(y, c3);
            c4 = ldF32(a, a4 + o).fma(y, c4);
            c5 = ldF32(a, a5 + o).fma(y, c5);
            c6 = ldF32(a, a6 + o).fma(y, c6);
            c7 = ldF32(a, a7 + o).fma(y, c7);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        c4.intoArray(acc, 4 * L);
        c5.intoArray(acc, 5 * L);
        c6.intoArray(acc, 6 * L);
        c7.intoArray(acc, 7 * L);
    }

    // ---- f16 ----
    //
    // The Vector API has no f16 conversion; emulating one costs ~8 vector ops per load (ldF16). In the 4x4 block
    // (n > 1) each weight value is used by 4 columns, so there the 4 weight rows are converted slice by slice, KC
    // values at a time, into a small f32 buffer that stays in L1, with a plain loop that C2 compiles to vcvtph2ps,
    // and the FMA loop reads that buffer. Mat-vec uses each weight once and converts in registers (f16x4x1). The
    // weights themselves stay f16 in memory.

    /** Weight values converted per slice; 4 rows of it (8 KB) stay in L1. */
    static final int KC = 512;

    /** Converts {@code n} f16 values of 4 rows ({@code a0 + r*as + 2*k0}) into {@code buf[r*KC ..]}. */
    private static void decodeF16x4(MemorySegment a, long a0, long as, int k0, int n, float[] buf) {
        for (int r = 0; r < 4; r++) {
            long off = a0 + r * as + 2L * k0;
            int pos = r * KC;
            for (int t = 0; t < n; t++) {
                buf[pos + t] = Float.float16ToFloat(a.get(I16, off + 2L * t));
            }
        }
    }

    private static void f16x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                float[] acc, float[] buf) {
        long b1 = b0 + bs;
        long b2 = b1 + bs;
        long b3 = b2 + bs;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int kb = F.loopBound(k);
        for (int k0 = 0; k0 < kb; k0 += KC) {
            int kn = Math.min(KC, kb - k0);
            decodeF16x4(a, a0, as, k0, kn, buf);
            for (int i = 0; i < kn; i += L) {
                long o = 4L * (k0 + i);
                FloatVector x0 = FloatVector.fromArray(F, buf, i);
                FloatVector x1 = FloatVector.fromArray(F, buf, KC + i);
                FloatVector x2 = FloatVector.fromArray(F, buf, 2 * KC + i);
                FloatVector x3 = FloatVector.fromArray(F, buf, 3 * KC + i);
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
        }
        c00.intoArray(acc, 0);
        c10.intoArray(acc, L);
        c20.intoArray(acc, 2 * L);
        c30.intoArray(acc, 3 * L);
        c01.intoArray(acc, 4 * L);
        c11.intoArray(acc, 5 * L);
        c21.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c02.intoArray(acc, 8 * L);
        c12.intoArray(acc, 9 * L);
        c22.intoArray(acc, 10 * L);
        c32.intoArray(acc, 11 * L);
        c03.intoArray(acc, 12 * L);
        c13.intoArray(acc, 13 * L);
        c23.intoArray(acc, 14 * L);
        c33.intoArray(acc, 15 * L);
    }

    // ---- bf16 ----

    private static void bf16x4x4(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, long bs,
                                 float[] acc) {
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
        c00.intoArray(acc, 0);
        c10.intoArray(acc, L);
        c20.intoArray(acc, 2 * L);
        c30.intoArray(acc, 3 * L);
        c01.intoArray(acc, 4 * L);
        c11.intoArray(acc, 5 * L);
        c21.intoArray(acc, 6 * L);
        c31.intoArray(acc, 7 * L);
        c02.intoArray(acc, 8 * L);
        c12.intoArray(acc, 9 * L);
        c22.intoArray(acc, 10 * L);
        c32.intoArray(acc, 11 * L);
        c03.intoArray(acc, 12 * L);
        c13.intoArray(acc, 13 * L);
        c23.intoArray(acc, 14 * L);
        c33.intoArray(acc, 15 * L);
    }

    private static void bf16x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0,
                                 float[] acc) {
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
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
    }

    private static void bf16x8x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, float[] acc) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        long a4 = a3 + as;
        long a5 = a4 + as;
        long a6 = a5 + as;
        long a7 = a6 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long o = 2L * i;
            FloatVector y = ldF32(b, b0 + 4L * i);
            c0 = ldBF16(a, a0 + o).fma(y, c0);
            c1 = ldBF16(a, a1 + o).fma(y, c1);
            c2 = ldBF16(a, a2 + o).fma(y, c2);
            c3 = ldBF16(a, a3 + o).fma(y, c3);
            c4 = ldBF16(a, a4 + o).fma(y, c4);
            c5 = ldBF16(a, a5 + o).fma(y, c5);
            c6 = ldBF16(a, a6 + o).fma(y, c6);
            c7 = ldBF16(a, a7 + o).fma(y, c7);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        c4.intoArray(acc, 4 * L);
        c5.intoArray(acc, 5 * L);
        c6.intoArray(acc, 6 * L);
        c7.intoArray(acc, 7 * L);
    }

    /**
     * Mat-vec with f16 weights: here the conversion is done in registers (the buffer of the 4x4 block would cost a
     * store and a load per value, too much when each weight is used once). The conversion is written out for each
     * row on purpose: as a helper method it is not inlined in this large loop and every vector would be boxed.
     */
    private static void f16x4x1(int k, MemorySegment a, long a0, long as, MemorySegment b, long b0, float[] acc) {
        long a1 = a0 + as;
        long a2 = a1 + as;
        long a3 = a2 + as;
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        int kb = F.loopBound(k);
        for (int i = 0; i < kb; i += L) {
            long h = 2L * i;
            FloatVector y = ldF32(b, b0 + 4L * i);
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(S, a, a0 + h, LE).castShape(I, 0);
            IntVector e0 = h0.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
            FloatVector f0 = e0.reinterpretAsFloats().mul(0x1p112f);
            f0 = f0.blend(e0.or(0x7F800000).reinterpretAsFloats(), f0.abs().compare(VectorOperators.GE, 0x1p16f));
            c0 = f0.fma(y, c0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(S, a, a1 + h, LE).castShape(I, 0);
            IntVector e1 = h1.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
            FloatVector f1 = e1.reinterpretAsFloats().mul(0x1p112f);
            f1 = f1.blend(e1.or(0x7F800000).reinterpretAsFloats(), f1.abs().compare(VectorOperators.GE, 0x1p16f));
            c1 = f1.fma(y, c1);
            IntVector h2 = (IntVector) ShortVector.fromMemorySegment(S, a, a2 + h, LE).castShape(I, 0);
            IntVector e2 = h2.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
            FloatVector f2 = e2.reinterpretAsFloats().mul(0x1p112f);
            f2 = f2.blend(e2.or(0x7F800000).reinterpretAsFloats(), f2.abs().compare(VectorOperators.GE, 0x1p16f));
            c2 = f2.fma(y, c2);
            IntVector h3 = (IntVector) ShortVector.fromMemorySegment(S, a, a3 + h, LE).castShape(I, 0);
            IntVector e3 = h3.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000);
            FloatVector f3 = e3.reinterpretAsFloats().mul(0x1p112f);
            f3 = f3.blend(e3.or(0x7F800000).reinterpretAsFloats(), f3.abs().compare(VectorOperators.GE, 0x1p16f));
            c3 = f3.fma(y, c3);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
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
