package io.ggmljava.ops.vector;

import io.ggmljava.ops.scalar.quant.Blocks;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API block codecs for the types that carry most weights and activations: dequantization of q8_0, q4_0,
 * q4_K and q6_K, and the CPU activation converters to q8_0 and q8_K. Bit-identical to the scalar reference (the
 * same f32 operations per element, no FMA; reductions are max/integer sums, which do not depend on order).
 *
 * <p>Quantized bytes are read 16 at a time ({@link ByteVector#SPECIES_128}) and widened to {@code 16 / lanes} float
 * vectors, so the code is the same at every float width.
 */
final class VectorQuantBlocks {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** 1.5 * 2^23: adding and subtracting it rounds an f32 of magnitude below 2^22 to an integer, ties to even. */
    private static final float ROUND_MAGIC = 12582912f;

    private final VectorSpecies<Float> fs;
    private final int lanes;

    VectorQuantBlocks(VectorSpecies<Float> fs) {
        this.fs = fs;
        this.lanes = fs.length();
    }

    /** Stores the 16 signed bytes of {@code b} as f32 {@code b * d} at {@code off} (16 floats). */
    private void storeScaled(ByteVector b, float d, MemorySegment dst, long off) {
        for (int part = 0; part < 16 / lanes; part++) {
            FloatVector f = (FloatVector) b.convertShape(VectorOperators.B2F, fs, part);
            f.mul(d).intoMemorySegment(dst, off + 4L * lanes * part, LE);
        }
    }

    /** Stores the 16 signed bytes of {@code b} as f32 {@code b * d - m} (multiply, then subtract: no FMA, as ggml). */
    private void storeScaledMinus(ByteVector b, float d, float m, MemorySegment dst, long off) {
        for (int part = 0; part < 16 / lanes; part++) {
            FloatVector f = (FloatVector) b.convertShape(VectorOperators.B2F, fs, part);
            f.mul(d).sub(m).intoMemorySegment(dst, off + 4L * lanes * part, LE);
        }
    }

    // ---- dequantization; x: nb blocks at src+srcOff, y: nb*blockSize f32 at dst+dstOff

    /** q8_0: {@code y = qs[j] * d}. */
    void dequantizeQ8_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 34 * i;
            long yb = dstOff + 128 * i;
            float d = Blocks.f16(src, xb);
            storeScaled(ByteVector.fromMemorySegment(B16, src, xb + 2, LE), d, dst, yb);
            storeScaled(ByteVector.fromMemorySegment(B16, src, xb + 18, LE), d, dst, yb + 64);
        }
    }

    /** q4_0: {@code y[j] = ((qs[j] & 15) - 8) * d}, {@code y[j+16] = ((qs[j] >> 4) - 8) * d}. */
    void dequantizeQ4_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 18 * i;
            long yb = dstOff + 128 * i;
            float d = Blocks.f16(src, xb);
            ByteVector qs = ByteVector.fromMemorySegment(B16, src, xb + 2, LE);
            storeScaled(qs.and((byte) 0x0F).sub((byte) 8), d, dst, yb);
            storeScaled(qs.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8), d, dst, yb + 64);
        }
    }

    /** q4_K: per 32 values {@code y = d*sc * q - dmin*m} with the 6-bit scales/minimums of {@code get_scale_min_k4}. */
    void dequantizeQ4_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        int[] sc = new int[12];
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 144 * i;
            long yb = dstOff + 1024 * i;
            float d = Blocks.f16(src, xb);
            float min = Blocks.f16(src, xb + 2);
            for (int j = 0; j < 12; j++) {
                sc[j] = Blocks.u8(src, xb + 4 + j);
            }
            for (int p = 0; p < 4; p++) {
                float d1 = d * scaleK4(sc, 2 * p);
                float m1 = min * minK4(sc, 2 * p);
                float d2 = d * scaleK4(sc, 2 * p + 1);
                float m2 = min * minK4(sc, 2 * p + 1);
                for (int h = 0; h < 2; h++) { // bytes 0-15 and 16-31 of the 32 that hold this group pair
                    ByteVector q = ByteVector.fromMemorySegment(B16, src, xb + 16 + 32 * p + 16 * h, LE);
                    long y = yb + 4 * (64L * p + 16 * h);
                    storeScaledMinus(q.and((byte) 0x0F), d1, m1, dst, y);
                    storeScaledMinus(q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F), d2, m2, dst, y + 128);
                }
            }
        }
    }

    /** q6_K: {@code y = d*scales[g] * (q - 32)}, q from 4 low bits in ql and 2 high bits in qh. */
    void dequantizeQ6_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 210 * i;
            long yb = dstOff + 1024 * i;
            float d = Blocks.f16(src, xb + 208);
            for (int h = 0; h < 2; h++) {
                for (int l0 = 0; l0 < 32; l0 += 16) { // 16 values share one scale
                    ByteVector ql0 = ByteVector.fromMemorySegment(B16, src, xb + 64 * h + l0, LE);
                    ByteVector ql1 = ByteVector.fromMemorySegment(B16, src, xb + 64 * h + 32 + l0, LE);
                    ByteVector qh = ByteVector.fromMemorySegment(B16, src, xb + 128 + 32 * h + l0, LE);
                    for (int sub = 0; sub < 4; sub++) {
                        ByteVector ql = (sub & 1) == 0 ? ql0 : ql1;
                        ByteVector low = sub < 2 ? ql.and((byte) 0x0F)
                                : ql.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
                        ByteVector high = qh.lanewise(VectorOperators.LSHR, 2 * sub).and((byte) 3)
                                .lanewise(VectorOperators.LSHL, 4);
                        int sc = Blocks.i8(src, xb + 192 + 8 * h + 2 * sub + l0 / 16);
                        storeScaled(low.or(high).sub((byte) 32), d * sc, dst,
                                yb + 4 * (128L * h + 32 * sub + l0));
                    }
                }
            }
        }
    }

    private static int scaleK4(int[] q, int j) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | ((q[j - 4] >>> 6) << 4);
    }

    private static int minK4(int[] q, int j) {
        return j < 4 ? q[j + 4] & 63 : (q[j + 4] >>> 4) | ((q[j] >>> 6) << 4);
    }

    // ---- activation converters; x: nb*blockSize f32 at src+srcOff

    /** Loads 32 floats and returns max |x| (NaN if any is NaN). */
    private float absMax(MemorySegment src, long off, int n) {
        FloatVector m = FloatVector.zero(fs);
        for (int k = 0; k < n; k += lanes) {
            m = m.max(FloatVector.fromMemorySegment(fs, src, off + 4L * k, LE).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Rounds {@code 16} floats {@code x[k] * id} (at {@code off}) half to even and stores them as int8 saturated to
     * [-128, 127]; returns their sum.
     */
    private int roundStore16(MemorySegment src, long off, float id, int lo, MemorySegment dst, long dOff) {
        ByteVector acc = ByteVector.zero(B16);
        float sum = 0;
        for (int part = 0; part < 16 / lanes; part++) {
            FloatVector v = FloatVector.fromMemorySegment(fs, src, off + 4L * lanes * part, LE).mul(id);
            FloatVector r = v.add(ROUND_MAGIC).sub(ROUND_MAGIC).max((float) lo).min(127f);
            sum += r.reduceLanes(VectorOperators.ADD); // small integers: exact in any order
            acc = acc.or((ByteVector) r.convertShape(VectorOperators.F2B, B16, -part));
        }
        acc.intoMemorySegment(dst, dOff, LE);
        return (int) sum;
    }

    /**
     * The CPU's q8_0 converter ({@code quantize_row_q8_0}, x86 path): {@code d = amax/127}, levels
     * {@code round_half_even(x * (127/amax))}. Blocks containing NaN or infinities go through the scalar code.
     */
    void fromFloatQ8_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 128 * i;
            long yb = dstOff + 34 * i;
            float maxScalar = absMax(src, xb, 32);
            if (!(maxScalar < Float.POSITIVE_INFINITY)) { // NaN or inf: scalar (it mimics cvtps_epi32 on NaN)
                float[] x = new float[32];
                Blocks.readFloats(src, xb, x, 32);
                io.ggmljava.ops.scalar.quant.Q8Quants.quantizeCpu(io.ggmljava.core.GgmlType.Q8_0, x, 0, 1, dst, yb);
                continue;
            }
            Blocks.putF16(dst, yb, maxScalar / 127.f);
            float id = maxScalar != 0.0f ? 127.f / maxScalar : 0.0f;
            roundStore16(src, xb, id, -128, dst, yb + 2);
            roundStore16(src, xb + 64, id, -128, dst, yb + 18);
        }
    }

    /**
     * The q8_K converter ({@code quantize_row_q8_K_ref}): the signed value of largest magnitude (first on ties)
     * maps to -127, levels by {@code nearest_int}, sums of each 16 levels in {@code bsums}. Blocks containing NaN
     * or values too large for the rounding trick go through the scalar code.
     */
    void fromFloatQ8_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 1024 * i;
            long yb = dstOff + 292 * i;
            float amax = absMax(src, xb, 256);
            if (!(amax < Float.POSITIVE_INFINITY)) { // NaN or inf: scalar (nearest_int's range ends at 2^22)
                float[] x = new float[256];
                Blocks.readFloats(src, xb, x, 256);
                io.ggmljava.ops.scalar.quant.Q8Quants.quantizeCpu(io.ggmljava.core.GgmlType.Q8_K, x, 0, 1, dst, yb);
                continue;
            }
            if (amax == 0) {
                dst.asSlice(yb, 292).fill((byte) 0);
                continue;
            }
            float max = 0;
            for (int j = 0; j < 256; j++) { // the first value of largest magnitude gives the sign
                float v = Blocks.f32(src, xb + 4L * j);
                if (Math.abs(v) == amax) {
                    max = v;
                    break;
                }
            }
            float iscale = -127.f / max;
            for (int g = 0; g < 16; g++) {
                int sum = roundStore16(src, xb + 64L * g, iscale, Integer.MIN_VALUE, dst, yb + 4 + 16L * g);
                Blocks.put16(dst, yb + 260 + 2L * g, sum);
            }
            Blocks.putF32(dst, yb, 1 / iscale);
        }
    }
}
