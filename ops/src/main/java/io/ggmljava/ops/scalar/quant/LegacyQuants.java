package io.ggmljava.ops.scalar.quant;

import static io.ggmljava.ops.scalar.quant.Blocks.f16;
import static io.ggmljava.ops.scalar.quant.Blocks.i8;
import static io.ggmljava.ops.scalar.quant.Blocks.put32;
import static io.ggmljava.ops.scalar.quant.Blocks.put8;
import static io.ggmljava.ops.scalar.quant.Blocks.putF16;
import static io.ggmljava.ops.scalar.quant.Blocks.truncToInt;
import static io.ggmljava.ops.scalar.quant.Blocks.u32;
import static io.ggmljava.ops.scalar.quant.Blocks.u8;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The original 32-value block types q4_0, q4_1, q5_0 and q5_1.
 *
 * <pre>
 * q4_0 (18 bytes): f16 d | u8 qs[16]                   x = d * (q - 8)
 * q4_1 (20 bytes): f16 d | f16 m | u8 qs[16]           x = d * q + m
 * q5_0 (22 bytes): f16 d | u8 qh[4] | u8 qs[16]        x = d * (q - 16)
 * q5_1 (24 bytes): f16 d | f16 m | u8 qh[4] | u8 qs[16]  x = d * q + m
 * </pre>
 * Element {@code j < 16} is the low nibble of {@code qs[j]}, element {@code j + 16} its high nibble; the fifth bit of
 * element {@code j} is bit {@code j} of the little-endian 32-bit {@code qh}.
 *
 * <p>Without importance weights the reference quantizers take the scale from the extreme value (symmetric types:
 * the signed value of largest magnitude maps to level 0; asymmetric types: {@code [min, max]} spans all levels).
 * With weights, {@code ggml_quantize_chunk} searches the scale ({@code make_qx_quants} for _0,
 * {@code make_qkx3_quants} for _1) with weights {@code qw * sqrt(sigma2 + x²)}, sigma2 the row's mean square.
 */
public final class LegacyQuants {
    private LegacyQuants() {
    }

    /** C's {@code (int8_t)f}: the float-to-int conversion, then the low 8 bits as a signed value. */
    private static int toInt8(float f) {
        return (byte) truncToInt(f);
    }

    /** The mean square of the row, {@code sum(x²)/n} in f32: the weights' sigma2 for the _0/_1 types. */
    static float rowSigma2(float[] x, int xo, int n) {
        float sumX2 = 0;
        for (int j = 0; j < n; ++j) {
            sumX2 += x[xo + j] * x[xo + j];
        }
        return sumX2 / (float) (long) n;
    }

    /** The 32 importance weights {@code qw[j] * sqrt(sigma2 + x[j]²)} of one block. */
    static void blockWeights(float[] x, int xb, float[] qw, int qwo, float sigma2, float[] weight) {
        for (int j = 0; j < 32; ++j) {
            weight[j] = qw[qwo + j] * (float) Math.sqrt(sigma2 + x[xb + j] * x[xb + j]);
        }
    }

    /** The signed value of largest magnitude among 32 (the first one on ties). */
    private static float signedAbsMax32(float[] x, int xb) {
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < 32; j++) {
            float v = x[xb + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** Packs 32 levels of 4 bits (element j low nibble, j+16 high nibble) to {@code qs} at {@code off}. */
    private static void packNibbles(int[] L, MemorySegment dst, long off) {
        for (int j = 0; j < 16; ++j) {
            put8(dst, off + j, L[j] | (L[j + 16] << 4));
        }
    }

    /** Packs 32 levels of 5 bits: low nibbles to {@code qs} at {@code qsOff}, fifth bits to {@code qh}. */
    private static void packFiveBits(int[] L, MemorySegment dst, long qhOff, long qsOff) {
        int qh = 0;
        for (int j = 0; j < 16; ++j) {
            int xi0 = L[j] & 0xFF;
            int xi1 = L[j + 16] & 0xFF;
            put8(dst, qsOff + j, (xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= ((xi0 & 0x10) >>> 4) << j;
            qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
        }
        put32(dst, qhOff, qh);
    }

    /** q4_0: symmetric 4-bit, {@code x = d * (q - 8)}. */
    public static final BlockFormat Q4_0 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_0;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            int[] L = new int[32];
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                float max = signedAbsMax32(x, xb);
                float d = max / -8;
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, off + 18L * i, d);
                for (int j = 0; j < 32; ++j) {
                    L[j] = Math.min(15, toInt8(x[xb + j] * id + 8.5f)) & 0xFF;
                }
                packNibbles(L, dst, off + 18L * i + 2);
            }
        }

        @Override
        public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
            if (qw == null) {
                quantizeRef(x, xo, n / 32, dst, off);
                return;
            }
            float sigma2 = rowSigma2(x, xo, n);
            float[] weight = new float[32];
            int[] L = new int[32];
            for (int ib = 0; ib < n / 32; ++ib) {
                int xb = xo + 32 * ib;
                blockWeights(x, xb, qw, 32 * ib, sigma2, weight);
                float d = QuantSearch.makeQxQuants(32, 8, x, xb, L, 0, 1, weight, 0);
                putF16(dst, off + 18L * ib, d);
                packNibbles(L, dst, off + 18L * ib + 2);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            for (int j = 0; j < 16; ++j) {
                int q = u8(src, off + 2 + j);
                y[yo + j] = ((q & 0x0F) - 8) * d;
                y[yo + j + 16] = ((q >>> 4) - 8) * d;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ++ib) {
                long xb = xo + 18L * ib;
                long yb = yo + 34L * ib; // q8_0
                int sumi = 0;
                for (int j = 0; j < 16; ++j) {
                    int q = u8(x, xb + 2 + j);
                    sumi += ((q & 0x0F) - 8) * i8(y, yb + 2 + j);
                    sumi += ((q >>> 4) - 8) * i8(y, yb + 2 + 16 + j);
                }
                sumf += sumi * (f16(x, xb) * f16(y, yb));
            }
            return sumf;
        }
    };

    /** q4_1: asymmetric 4-bit, {@code x = d * q + m}. */
    public static final BlockFormat Q4_1 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_1;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            int[] L = new int[32];
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                long yb = off + 20L * i;
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int j = 0; j < 32; j++) {
                    float v = x[xb + j];
                    if (v < min) {
                        min = v;
                    }
                    if (v > max) {
                        max = v;
                    }
                }
                float d = (max - min) / ((1 << 4) - 1);
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, yb, d);
                putF16(dst, yb + 2, min);
                for (int j = 0; j < 32; ++j) {
                    L[j] = Math.min(15, toInt8((x[xb + j] - min) * id + 0.5f)) & 0xFF;
                }
                packNibbles(L, dst, yb + 4);
            }
        }

        @Override
        public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
            if (qw == null) {
                quantizeRef(x, xo, n / 32, dst, off);
                return;
            }
            float sigma2 = rowSigma2(x, xo, n);
            float[] weight = new float[32];
            float[] min = new float[1];
            int[] L = new int[32];
            int[] laux = new int[32];
            for (int ib = 0; ib < n / 32; ++ib) {
                int xb = xo + 32 * ib;
                long yb = off + 20L * ib;
                blockWeights(x, xb, qw, 32 * ib, sigma2, weight);
                float d = QuantSearch.makeQkx3Quants(32, 15, x, xb, weight, 0, L, 0, min, 0, laux, -0.9f, 0.05f, 36,
                        false);
                putF16(dst, yb, d);
                putF16(dst, yb + 2, -min[0]);
                packNibbles(L, dst, yb + 4);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            float m = f16(src, off + 2);
            for (int j = 0; j < 16; ++j) {
                int q = u8(src, off + 4 + j);
                y[yo + j] = (q & 0x0F) * d + m;
                y[yo + j + 16] = (q >>> 4) * d + m;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ++ib) {
                long xb = xo + 20L * ib;
                long yb = yo + 36L * ib; // q8_1
                int sumi = 0;
                for (int j = 0; j < 16; ++j) {
                    int q = u8(x, xb + 4 + j);
                    sumi += (q & 0x0F) * i8(y, yb + 4 + j);
                    sumi += (q >>> 4) * i8(y, yb + 4 + 16 + j);
                }
                // the minimum contributes m * sum(y) = m * s, with s precomputed by the q8_1 quantizer
                sumf += (f16(x, xb) * f16(y, yb)) * sumi + f16(x, xb + 2) * f16(y, yb + 2);
            }
            return sumf;
        }
    };

    /** q5_0: symmetric 5-bit, {@code x = d * (q - 16)}. */
    public static final BlockFormat Q5_0 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_0;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            int[] L = new int[32];
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                long yb = off + 22L * i;
                float max = signedAbsMax32(x, xb);
                float d = max / -16;
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, yb, d);
                for (int j = 0; j < 32; ++j) {
                    L[j] = Math.min(31, toInt8(x[xb + j] * id + 16.5f));
                }
                packFiveBits(L, dst, yb + 2, yb + 6);
            }
        }

        @Override
        public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
            if (qw == null) {
                quantizeRef(x, xo, n / 32, dst, off);
                return;
            }
            float sigma2 = rowSigma2(x, xo, n);
            float[] weight = new float[32];
            int[] L = new int[32];
            for (int ib = 0; ib < n / 32; ++ib) {
                int xb = xo + 32 * ib;
                long yb = off + 22L * ib;
                blockWeights(x, xb, qw, 32 * ib, sigma2, weight);
                float d = QuantSearch.makeQxQuants(32, 16, x, xb, L, 0, 1, weight, 0);
                putF16(dst, yb, d);
                packFiveBits(L, dst, yb + 2, yb + 6);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            int qh = u32(src, off + 2);
            for (int j = 0; j < 16; ++j) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = u8(src, off + 6 + j);
                y[yo + j] = (((q & 0x0F) | xh0) - 16) * d;
                y[yo + j + 16] = (((q >>> 4) | xh1) - 16) * d;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ++ib) {
                long xb = xo + 22L * ib;
                long yb = yo + 34L * ib; // q8_0
                int qh = u32(x, xb + 2);
                int sumi = 0;
                for (int j = 0; j < 16; ++j) {
                    int q = u8(x, xb + 6 + j);
                    int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
                    int x1 = ((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
                    sumi += x0 * i8(y, yb + 2 + j) + x1 * i8(y, yb + 2 + 16 + j);
                }
                sumf += sumi * (f16(x, xb) * f16(y, yb));
            }
            return sumf;
        }
    };

    /** q5_1: asymmetric 5-bit, {@code x = d * q + m}. */
    public static final BlockFormat Q5_1 = new BlockFormat() {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_1;
        }

        @Override
        public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
            int[] L = new int[32];
            for (int i = 0; i < nb; i++) {
                int xb = xo + 32 * i;
                long yb = off + 24L * i;
                float min = Float.MAX_VALUE;
                float max = -Float.MAX_VALUE;
                for (int j = 0; j < 32; j++) {
                    float v = x[xb + j];
                    if (v < min) {
                        min = v;
                    }
                    if (v > max) {
                        max = v;
                    }
                }
                float d = (max - min) / ((1 << 5) - 1);
                float id = d != 0 ? 1.0f / d : 0.0f;
                putF16(dst, yb, d);
                putF16(dst, yb + 2, min);
                for (int j = 0; j < 32; ++j) {
                    L[j] = truncToInt((x[xb + j] - min) * id + 0.5f) & 0xFF; // (uint8_t), no clamp in ggml
                }
                packFiveBits(L, dst, yb + 4, yb + 8);
            }
        }

        @Override
        public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
            if (qw == null) {
                quantizeRef(x, xo, n / 32, dst, off);
                return;
            }
            float sigma2 = rowSigma2(x, xo, n);
            float[] weight = new float[32];
            float[] min = new float[1];
            int[] L = new int[32];
            int[] laux = new int[32];
            for (int ib = 0; ib < n / 32; ++ib) {
                int xb = xo + 32 * ib;
                long yb = off + 24L * ib;
                blockWeights(x, xb, qw, 32 * ib, sigma2, weight);
                float d = QuantSearch.makeQkx3Quants(32, 31, x, xb, weight, 0, L, 0, min, 0, laux, -0.9f, 0.05f, 36,
                        false);
                putF16(dst, yb, d);
                putF16(dst, yb + 2, -min[0]);
                packFiveBits(L, dst, yb + 4, yb + 8);
            }
        }

        @Override
        public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
            float d = f16(src, off);
            float m = f16(src, off + 2);
            int qh = u32(src, off + 4);
            for (int j = 0; j < 16; ++j) {
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                int q = u8(src, off + 8 + j);
                y[yo + j] = ((q & 0x0F) | xh0) * d + m;
                y[yo + j + 16] = ((q >>> 4) | xh1) * d + m;
            }
        }

        @Override
        public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
            float sumf = 0;
            for (int ib = 0; ib < nb; ++ib) {
                long xb = xo + 24L * ib;
                long yb = yo + 36L * ib; // q8_1
                int qh = u32(x, xb + 4);
                int sumi = 0;
                for (int j = 0; j < 16; ++j) {
                    int q = u8(x, xb + 8 + j);
                    int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
                    int x1 = (q >>> 4) | ((qh >>> (j + 12)) & 0x10);
                    sumi += x0 * i8(y, yb + 4 + j) + x1 * i8(y, yb + 4 + 16 + j);
                }
                sumf += (f16(x, xb) * f16(y, yb)) * sumi + f16(x, xb + 2) * f16(y, yb + 2);
            }
            return sumf;
        }
    };
}
