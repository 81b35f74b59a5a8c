package io.ggmljava.ops.scalar.quant;

import static io.ggmljava.ops.scalar.quant.Blocks.f16;
import static io.ggmljava.ops.scalar.quant.Blocks.f32;
import static io.ggmljava.ops.scalar.quant.Blocks.i16;
import static io.ggmljava.ops.scalar.quant.Blocks.i8;
import static io.ggmljava.ops.scalar.quant.Blocks.put16;
import static io.ggmljava.ops.scalar.quant.Blocks.put8;
import static io.ggmljava.ops.scalar.quant.Blocks.putF16;
import static io.ggmljava.ops.scalar.quant.Blocks.putF32;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The 8-bit types q8_0, q8_1 and q8_K: the dot types activations are converted to before a quantized product.
 *
 * <pre>
 * q8_0 (34 bytes, 32 values):  f16 d | i8 qs[32]                     x = d * qs[j]
 * q8_1 (36 bytes, 32 values):  f16 d | f16 s | i8 qs[32]             s = d * sum(qs)
 * q8_K (292 bytes, 256 values): f32 d | i8 qs[256] | i16 bsums[16]   bsums = sums of 16 consecutive qs
 * </pre>
 *
 * <p>Each has two quantizers. The reference one ({@code quantize_row_q8_*_ref}) computes {@code id = 1/d} and
 * rounds half away from zero ({@code roundf}). ggml's CPU backend converts activations with its own
 * {@code quantize_row_q8_0}/{@code _q8_1}, whose x86 (AVX/AVX2/AVX-512) path differs in two ways: the multiplier is
 * {@code 127/amax} (not {@code 1/(amax/127)}, which can differ in the last bit) and it rounds half to even
 * ({@code _mm256_round_ps(_MM_ROUND_NEAREST)}); results saturate to int8. The CPU q8_K converter is the reference
 * one. {@link #quantizeCpu} reproduces the CPU path; it is what a product's activations must go through to agree
 * with ggml.
 */
public final class Q8Quants {
    private Q8Quants() {
    }

    /** amax of the 32 values at {@code x[xo..]}. */
    private static float absMax32(float[] x, int xo) {
        float amax = 0.0f;
        for (int j = 0; j < 32; j++) {
            float v = Math.abs(x[xo + j]);
            amax = amax > v ? amax : v; // C's MAX(amax, fabsf(v))
        }
        return amax;
    }

    /**
     * The CPU's rounding of {@code v}: half to even ({@code _mm256_round_ps}), then {@code _mm256_cvtps_epi32}
     * (NaN and overflow give INT_MIN). The caller saturates to int8 as the pack instructions do.
     */
    static int cpuRound(float v) {
        return Blocks.truncToInt((float) Math.rint(v));
    }

    /**
     * Converts {@code nb} blocks as ggml's CPU backend does ({@code from_float} of its type traits) for q8_0 and
     * q8_1; q8_K uses the reference quantizer. {@code type} must be one of the three.
     */
    public static void quantizeCpu(GgmlType type, float[] x, int xo, int nb, MemorySegment dst, long off) {
        switch (type) {
            case Q8_0, Q8_1 -> {
                boolean withSum = type == GgmlType.Q8_1;
                int qs = withSum ? 4 : 2;
                long bytes = type.typeSize();
                for (int i = 0; i < nb; i++) {
                    int xb = xo + 32 * i;
                    long yb = off + i * bytes;
                    float maxScalar = absMax32(x, xb);
                    float d = maxScalar / 127.f;
                    putF16(dst, yb, d);
                    float id = maxScalar != 0.0f ? 127.f / maxScalar : 0.0f;
                    int sum = 0;
                    for (int j = 0; j < 32; j++) {
                        int r = cpuRound(x[xb + j] * id);
                        sum += r; // the AVX2 path sums the int32 lanes, before the saturating packs
                        put8(dst, yb + qs + j, Math.max(-128, Math.min(127, r)));
                    }
                    if (withSum) {
                        putF16(dst, yb + 2, d * sum);
                    }
                }
            }
            case Q8_K -> Q8_K.quantizeRef(x, xo, nb, dst, off);
            default -> throw new IllegalArgumentException("quantizeCpu: not a dot type: " + type);
        }
    }

    /** q8_0: 32 int8 levels with an f16 scale. */
    public static final BlockFormat Q8_0 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_0;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                long yb = off + 34L * i;
                float amax = absMax32(x, xb);
                float d = amax / ((1 << 7) - 1);
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, yb, d);
                for (int j = 0; j < 32; j++) {
                    put8(dst, yb + 2 + j, Blocks.truncToInt(Blocks.roundf(x[xb + j] * id)));
                }
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            for (int j = 0; j < 32; j++) {
                y[yo + j] = i8(src, off + 2 + j) * d;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ib++) {
                long xb = xo + 34L * ib;
                long yb = yo + 34L * ib;
                int sumi = 0;
                for (int j = 0; j < 32; j++) {
                    sumi += i8(x, xb + 2 + j) * i8(y, yb + 2 + j);
                }
                sumf += sumi * (f16(x, xb) * f16(y, yb));
            }
            return sumf;
        }
    };

    /** q8_1: q8_0 plus {@code s = d * sum(qs)}, which lets q4_1/q5_1 products add their minimum in one step. */
    public static final BlockFormat Q8_1 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_1;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                long yb = off + 36L * i;
                float amax = absMax32(x, xb);
                float d = amax / ((1 << 7) - 1);
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, yb, d);
                int sum = 0;
                for (int j = 0; j < 16; ++j) {
                    int q0 = (byte) Blocks.truncToInt(Blocks.roundf(x[xb + j] * id));
                    int q1 = (byte) Blocks.truncToInt(Blocks.roundf(x[xb + 16 + j] * id));
                    put8(dst, yb + 4 + j, q0);
                    put8(dst, yb + 4 + 16 + j, q1);
                    sum += q0;
                    sum += q1;
                }
                putF16(dst, yb + 2, sum * d);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            for (int j = 0; j < 32; j++) {
                y[yo + j] = i8(src, off + 4 + j) * d;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ib++) {
                long xb = xo + 36L * ib;
                long yb = yo + 36L * ib;
                int sumi = 0;
                for (int j = 0; j < 32; j++) {
                    sumi += i8(x, xb + 4 + j) * i8(y, yb + 4 + j);
                }
                sumf += sumi * (f16(x, xb) * f16(y, yb));
            }
            return sumf;
        }
    };

    /** q8_K: 256 int8 levels with an f32 scale and the sums of each 16 levels (used by the k-quant products). */
    public static final BlockFormat Q8_K = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_K;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            int[] q = new int[256];
            for (int i = 0; i < nb; i++) {
                int xb = xo + 256 * i;
                long yb = off + 292L * i;
                float max = 0;
                float amax = 0;
                for (int j = 0; j < 256; ++j) {
                    float ax = Math.abs(x[xb + j]);
                    if (ax > amax) {
                        amax = ax;
                        max = x[xb + j];
                    }
                }
                if (amax == 0) {
                    dst.asSlice(yb, 292).fill((byte) 0); // ggml zeroes d and qs and leaves bsums unwritten
                    continue;
                }
                // -127 rather than -128 so that no level is -128 (ggml: "else the AVX implementation becomes
                // very awkward" for iq2_xxs)
                float iscale = -127.f / max;
                for (int j = 0; j < 256; ++j) {
                    int v = QuantSearch.nearestInt(iscale * x[xb + j]);
                    q[j] = (byte) Math.min(127, v);
                    put8(dst, yb + 4 + j, q[j]);
                }
                for (int j = 0; j < 16; ++j) {
                    int sum = 0;
                    for (int ii = 0; ii < 16; ++ii) {
                        sum += q[j * 16 + ii];
                    }
                    put16(dst, yb + 260 + 2L * j, sum);
                }
                putF32(dst, yb, 1 / iscale);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f32(src, off);
            for (int j = 0; j < 256; ++j) {
                y[yo + j] = d * i8(src, off + 4 + j);
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ib++) {
                long xb = xo + 292L * ib;
                long yb = yo + 292L * ib;
                int sumi = 0;
                for (int j = 0; j < 256; j++) {
                    sumi += i8(x, xb + 4 + j) * i8(y, yb + 4 + j);
                }
                sumf += sumi * (f32(x, xb) * f32(y, yb));
            }
            return sumf;
        }
    };

    /** The q8_K block sum {@code bsums[j]} (16 levels each) of the block at {@code off}. */
    public static int q8kBsum(MemorySegment s, long off, int j) {
        return i16(s, off + 260 + 2L * j);
    }
}
