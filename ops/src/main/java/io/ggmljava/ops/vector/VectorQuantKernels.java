package io.ggmljava.ops.vector;

import io.ggmljava.core.Fp16Bulk;
import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.scalar.ScalarQuantKernels;
import io.ggmljava.ops.scalar.quant.Blocks;
import io.ggmljava.ops.scalar.quant.Q8Quants;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link QuantKernels}; below about two vectors of work it uses the scalar code.
 *
 * <p>Fast paths: f16 and bf16 rows both ways (through {@link Fp16Bulk}); dequantization of q8_0, q4_0, q4_K and
 * q6_K; the CPU activation converters to q8_0 and q8_K ({@link #fromFloatCpu}). Everything else (the reference
 * quantizers, which are searches, the other types, and {@link #vecDot}, whose fast forms live with the matmul
 * kernels) delegates to {@link ScalarQuantKernels}. Results are bit-identical to the scalar reference: the same f32
 * operations per element, no FMA; the only reductions are max and small-integer sums, which do not depend on order.
 *
 * <p>Quantized bytes are read 16 at a time ({@link ByteVector#SPECIES_128}) and widened to {@code 16 / L} float
 * vectors, so the code is the same at every width. This class is a {@link Specialized} template (one hidden copy
 * per width, species constant), hence if-chains instead of enum switches (a switch would add a nested class).
 */
final class VectorQuantKernels implements QuantKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /** Bytes of a vector as wide as {@link #F}, and the mask of its first {@link #L} lanes. */
    static final VectorSpecies<Byte> BF = VectorSpecies.of(byte.class, F.vectorShape());
    static final VectorMask<Byte> FIRST_L_BYTES = BF.indexInRange(0, L);
    /** 1.5 * 2^23: adding and subtracting it rounds an f32 of magnitude below 2^22 to an integer, ties to even. */
    static final float ROUND_MAGIC = 12582912f;
    static final Fp16Bulk HALF = Fp16Bulk.vector(F.vectorBitSize());
    private static final QuantKernels SCALAR = ScalarQuantKernels.INSTANCE;

    public VectorQuantKernels() {
    }

    /** True when the vector path applies: a valid row long enough to be worth it. */
    private static boolean vectorWorthIt(GgmlType type, long n) {
        return n >= 2L * Math.max(L, type.blockSize()) && n % type.blockSize() == 0;
    }

    @Override
    public void quantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        if (type == GgmlType.F16 && vectorWorthIt(type, n)) {
            HALF.f32ToF16(src, srcOff, dst, dstOff, n);
        } else if (type == GgmlType.BF16 && vectorWorthIt(type, n)) {
            HALF.f32ToBf16(src, srcOff, dst, dstOff, n);
        } else {
            SCALAR.quantizeRow(type, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public void quantizeChunk(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                              long nrows, long nPerRow, float[] imatrix) {
        if ((type == GgmlType.F16 || type == GgmlType.BF16) && nrows >= 0 && nPerRow >= 0) {
            quantizeRow(type, src, srcOff, dst, dstOff, Math.multiplyExact(nrows, nPerRow));
        } else {
            SCALAR.quantizeChunk(type, src, srcOff, dst, dstOff, nrows, nPerRow, imatrix);
        }
    }

    @Override
    public void dequantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        long nb = n / type.blockSize();
        if (!vectorWorthIt(type, n)) {
            SCALAR.dequantizeRow(type, src, srcOff, dst, dstOff, n);
        } else if (type == GgmlType.F16) {
            HALF.f16ToF32(src, srcOff, dst, dstOff, n);
        } else if (type == GgmlType.BF16) {
            HALF.bf16ToF32(src, srcOff, dst, dstOff, n);
        } else if (type == GgmlType.Q8_0) {
            dequantizeQ8_0(nb, src, srcOff, dst, dstOff);
        } else if (type == GgmlType.Q4_0) {
            dequantizeQ4_0(nb, src, srcOff, dst, dstOff);
        } else if (type == GgmlType.Q4_K) {
            dequantizeQ4_K(nb, src, srcOff, dst, dstOff);
        } else if (type == GgmlType.Q6_K) {
            dequantizeQ6_K(nb, src, srcOff, dst, dstOff);
        } else {
            SCALAR.dequantizeRow(type, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public void fromFloatCpu(GgmlType dotType, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                             long n) {
        long nb = n / dotType.blockSize();
        if (!vectorWorthIt(dotType, n)) {
            SCALAR.fromFloatCpu(dotType, src, srcOff, dst, dstOff, n);
        } else if (dotType == GgmlType.F16 || dotType == GgmlType.BF16) {
            quantizeRow(dotType, src, srcOff, dst, dstOff, n); // ggml's plain conversions
        } else if (dotType == GgmlType.Q8_0) {
            fromFloatQ8_0(nb, src, srcOff, dst, dstOff);
        } else if (dotType == GgmlType.Q8_K) {
            fromFloatQ8_K(nb, src, srcOff, dst, dstOff);
        } else {
            SCALAR.fromFloatCpu(dotType, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public float vecDot(GgmlType type, long n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        return SCALAR.vecDot(type, n, x, xOff, y, yOff);
    }

    /** Stores the 16 signed bytes of {@code b} as f32 {@code b * d} at {@code off} (16 floats). */
    private static void storeScaled(ByteVector b, float d, MemorySegment dst, long off) {
        for (int part = 0; part < 16 / L; part++) {
            FloatVector f = (FloatVector) b.convertShape(VectorOperators.B2F, F, part);
            f.mul(d).intoMemorySegment(dst, off + 4L * L * part, LE);
        }
    }

    /** Stores the 16 signed bytes of {@code b} as f32 {@code b * d - m} (multiply, then subtract: no FMA, as ggml). */
    private static void storeScaledMinus(ByteVector b, float d, float m, MemorySegment dst, long off) {
        for (int part = 0; part < 16 / L; part++) {
            FloatVector f = (FloatVector) b.convertShape(VectorOperators.B2F, F, part);
            f.mul(d).sub(m).intoMemorySegment(dst, off + 4L * L * part, LE);
        }
    }

    // ---- dequantization; x: nb blocks at src+srcOff, y: nb*blockSize f32 at dst+dstOff

    /** q8_0: {@code y = qs[j] * d}. */
    private static void dequantizeQ8_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 34 * i;
            long yb = dstOff + 128 * i;
            float d = Blocks.f16(src, xb);
            storeScaled(ByteVector.fromMemorySegment(B16, src, xb + 2, LE), d, dst, yb);
            storeScaled(ByteVector.fromMemorySegment(B16, src, xb + 18, LE), d, dst, yb + 64);
        }
    }

    /** q4_0: {@code y[j] = ((qs[j] & 15) - 8) * d}, {@code y[j+16] = ((qs[j] >> 4) - 8) * d}. */
    private static void dequantizeQ4_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
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
    private static void dequantizeQ4_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
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
    private static void dequantizeQ6_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
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

    /** One block through the scalar converter (for the rare blocks with non-finite values or scales). */
    private static void scalarBlock(GgmlType type, MemorySegment src, long xb, MemorySegment dst, long yb) {
        float[] x = new float[type.blockSize()];
        Blocks.readFloats(src, xb, x, x.length);
        Q8Quants.quantizeCpu(type, x, 0, 1, dst, yb);
    }

    /** max |x| of the n floats at off (NaN if any is NaN; n a multiple of L). */
    private static float absMax(MemorySegment src, long off, int n) {
        FloatVector m = FloatVector.zero(F);
        for (int k = 0; k < n; k += L) {
            m = m.max(FloatVector.fromMemorySegment(F, src, off + 4L * k, LE).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /**
     * Rounds 16 floats {@code x[k] * id} (at {@code off}) half to even, clamps them to [{@code lo}, 127] and stores
     * them as int8; returns their sum if {@code wantSum} (small integers: exact in any order), else 0.
     */
    private static int roundStore16(MemorySegment src, long off, float id, float lo, boolean wantSum,
                                    MemorySegment dst, long dOff) {
        float sum = 0;
        for (int part = 0; part < 16 / L; part++) {
            FloatVector v = FloatVector.fromMemorySegment(F, src, off + 4L * L * part, LE).mul(id);
            FloatVector r = v.add(ROUND_MAGIC).sub(ROUND_MAGIC).max(lo).min(127f);
            if (wantSum) {
                sum += r.reduceLanes(VectorOperators.ADD);
            }
            // same-shape narrowing: the L bytes land in the first L lanes; store just those
            ((ByteVector) r.convert(VectorOperators.F2B, 0)).intoMemorySegment(dst, dOff + (long) L * part, LE,
                    FIRST_L_BYTES);
        }
        return (int) sum;
    }

    /**
     * The CPU's q8_0 converter ({@code quantize_row_q8_0}, x86 path): {@code d = amax/127}, levels
     * {@code round_half_even(x * (127/amax))}. Blocks containing NaN or infinities go through the scalar code.
     */
    private static void fromFloatQ8_0(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 128 * i;
            long yb = dstOff + 34 * i;
            float maxScalar = absMax(src, xb, 32);
            float id = maxScalar != 0.0f ? 127.f / maxScalar : 0.0f;
            if (!(maxScalar < Float.POSITIVE_INFINITY) || !(id < Float.POSITIVE_INFINITY)) {
                // NaN, infinities, or a tiny amax whose 127/amax overflows: levels may be NaN or infinite, which
                // the scalar code turns into what cvtps_epi32 gives (INT_MIN, saturated to -128)
                scalarBlock(GgmlType.Q8_0, src, xb, dst, yb);
                continue;
            }
            Blocks.putF16(dst, yb, maxScalar / 127.f);
            roundStore16(src, xb, id, -128f, false, dst, yb + 2);
            roundStore16(src, xb + 64, id, -128f, false, dst, yb + 18);
        }
    }

    /**
     * The q8_K converter ({@code quantize_row_q8_K_ref}): the signed value of largest magnitude (first on ties)
     * maps to -127, levels by {@code nearest_int}, sums of each 16 levels in {@code bsums}. Blocks containing NaN
     * or infinities, or whose scale overflows, go through the scalar code.
     */
    private static void fromFloatQ8_K(long nb, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        for (long i = 0; i < nb; i++) {
            long xb = srcOff + 1024 * i;
            long yb = dstOff + 292 * i;
            float amax = absMax(src, xb, 256);
            if (!(amax < Float.POSITIVE_INFINITY)) { // NaN or inf: scalar (nearest_int's range ends at 2^22)
                scalarBlock(GgmlType.Q8_K, src, xb, dst, yb);
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
            if (Float.isInfinite(iscale)) { // tiny (subnormal) max: nearest_int of infinities, leave it to scalar
                scalarBlock(GgmlType.Q8_K, src, xb, dst, yb);
                continue;
            }
            for (int g = 0; g < 16; g++) {
                // |iscale * x| <= 127 (max has the largest magnitude), so the -128 clamp never acts
                int sum = roundStore16(src, xb + 64L * g, iscale, -128f, true, dst, yb + 4 + 16L * g);
                Blocks.put16(dst, yb + 260 + 2L * g, sum);
            }
            Blocks.putF32(dst, yb, 1 / iscale);
        }
    }
}
