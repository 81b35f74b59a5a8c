package io.ggmljava.ops.scalar.quant;

import static io.ggmljava.ops.scalar.quant.Blocks.f16;
import static io.ggmljava.ops.scalar.quant.Blocks.f32;
import static io.ggmljava.ops.scalar.quant.Blocks.i8;
import static io.ggmljava.ops.scalar.quant.Blocks.put8;
import static io.ggmljava.ops.scalar.quant.Blocks.putF16;
import static io.ggmljava.ops.scalar.quant.Blocks.roundTripF16;
import static io.ggmljava.ops.scalar.quant.Blocks.u8;
import static io.ggmljava.ops.scalar.quant.QuantSearch.nearestInt;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * q2_K: 256 values in 16 groups of 16, 2-bit levels with a 4-bit scale and a 4-bit minimum per group.
 *
 * <pre>
 * 84 bytes: u8 scales[16] (low nibble scale, high nibble min) | u8 qs[64] | f16 d | f16 dmin
 * x = d * (scales[g] &amp; 0xF) * q - dmin * (scales[g] &gt;&gt; 4)
 * </pre>
 * Element {@code e = 128*h + 32*s + l} ({@code h < 2, s < 4, l < 32}) is bits {@code 2s..2s+1} of
 * {@code qs[32*h + l]}; its group is {@code e / 16}.
 */
final class Q2K implements BlockFormat {
    static final Q2K INSTANCE = new Q2K();
    private static final int BYTES = 84;

    private Q2K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    /** Packs 256 levels of 2 bits, four elements 32 apart per byte. */
    private static void packQs(int[] L, MemorySegment dst, long qsOff) {
        for (int j = 0; j < 256; j += 128) {
            for (int l = 0; l < 32; ++l) {
                put8(dst, qsOff + j / 4 + l,
                        L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
            }
        }
    }

    /** Re-derives every level from the stored (f16-rounded) scales, as both quantizers do at the end. */
    private static void requantize(float[] x, int xb, float dAll, float mAll, int[] scales, int[] L) {
        for (int j = 0; j < 16; ++j) {
            float d = dAll * (scales[j] & 0xF);
            if (d == 0) {
                continue; // keeps the search's levels
            }
            float dm = mAll * (scales[j] >>> 4);
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearestInt((x[xb + 16 * j + ii] + dm) / d);
                L[16 * j + ii] = Math.max(0, Math.min(3, l));
            }
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[256];
        int[] laux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        int[] sc = new int[16];
        final float q4scale = 15.f;
        for (int i = 0; i < nb; i++) {
            int xb = xo + 256 * i;
            long yb = off + (long) BYTES * i;
            float maxScale = 0; // as the min is deducted, scales are always positive
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(x[xb + 16 * j + l]);
                }
                scales[j] = QuantSearch.makeQkx2Quants(16, 3, x, xb + 16 * j, weights, 0, L, 16 * j, mins, j, laux,
                        -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float d;
            float dmin;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < 16; ++j) {
                    sc[j] = nearestInt(iscale * scales[j]) & 0xFF;
                }
                d = maxScale / q4scale;
            } else {
                java.util.Arrays.fill(sc, 0);
                d = 0.f;
            }
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < 16; ++j) {
                    sc[j] = (sc[j] | (nearestInt(iscale * mins[j]) << 4)) & 0xFF;
                }
                dmin = maxMin / q4scale;
            } else {
                dmin = 0.f;
            }
            for (int j = 0; j < 16; ++j) {
                put8(dst, yb + j, sc[j]);
            }
            putF16(dst, yb + 80, d);
            putF16(dst, yb + 82, dmin);
            requantize(x, xb, roundTripF16(d), roundTripF16(dmin), sc, L);
            packQs(L, dst, yb + 16);
        }
    }

    @Override
    public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
        if (qw == null) {
            quantizeRef(x, xo, n / 256, dst, off);
            return;
        }
        int[] L = new int[256];
        int[] laux = new int[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        float[] sw = new float[16];
        float[] weight = new float[16];
        int[] ls = new int[16];
        int[] lm = new int[16];
        int[] sc = new int[16];
        for (int i = 0; i < n / 256; i++) {
            int xb = xo + 256 * i;
            long yb = off + (long) BYTES * i;
            java.util.Arrays.fill(sw, 0);
            float sumx2 = 0;
            for (int j = 0; j < 256; ++j) {
                sumx2 += x[xb + j] * x[xb + j];
            }
            float sigma2 = sumx2 / 256;
            for (int j = 0; j < 16; ++j) {
                int qwo = 256 * i + 16 * j;
                for (int l = 0; l < 16; ++l) {
                    float xv = x[xb + 16 * j + l];
                    weight[l] = qw[qwo + l] * (float) Math.sqrt(sigma2 + xv * xv);
                }
                for (int l = 0; l < 16; ++l) {
                    sw[j] += weight[l];
                }
                scales[j] = QuantSearch.makeQkx3Quants(16, 3, x, xb + 16 * j, weight, 0, L, 16 * j, mins, j, laux,
                        -0.9f, 0.05f, 36, false);
            }
            float dm = QuantSearch.makeQpQuants(16, 15, scales, ls, sw);
            float mm = QuantSearch.makeQpQuants(16, 15, mins, lm, sw);
            putF16(dst, yb + 80, dm);
            putF16(dst, yb + 82, mm);
            for (int j = 0; j < 16; ++j) {
                sc[j] = (ls[j] | (lm[j] << 4)) & 0xFF;
                put8(dst, yb + j, sc[j]);
            }
            requantize(x, xb, roundTripF16(dm), roundTripF16(mm), sc, L);
            packQs(L, dst, yb + 16);
        }
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float d = f16(src, off + 80);
        float min = f16(src, off + 82);
        int e = yo;
        int is = 0;
        for (int h = 0; h < 2; ++h) {
            long q = off + 16 + 32L * h;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 2; ++half) {
                    int sc = u8(src, off + is++);
                    float dl = d * (sc & 0xF);
                    float ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; ++l) {
                        y[e++] = dl * ((u8(src, q + 16 * half + l) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    @Override
    public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
        float sumf = 0;
        for (int i = 0; i < nb; ++i) {
            long xb = xo + (long) BYTES * i;
            long yb = yo + 292L * i; // q8_K
            // the minimums: sum over groups of min_g * (sum of the group's activations), from q8_K's bsums
            int summs = 0;
            for (int j = 0; j < 16; ++j) {
                summs += Q8Quants.q8kBsum(y, yb, j) * (u8(x, xb + j) >>> 4);
            }
            float dy = f32(y, yb);
            float dall = dy * f16(x, xb + 80);
            float dmin = dy * f16(x, xb + 82);
            int isum = 0;
            int is = 0;
            long q8 = yb + 4;
            for (int h = 0; h < 2; ++h) {
                long q2 = xb + 16 + 32L * h;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int half = 0; half < 2; ++half) {
                        int d = u8(x, xb + is++) & 0xF;
                        int isuml = 0;
                        for (int l = 0; l < 16; ++l) {
                            isuml += i8(y, q8 + 16 * half + l) * ((u8(x, q2 + 16 * half + l) >>> shift) & 3);
                        }
                        isum += d * isuml;
                    }
                    q8 += 32;
                }
            }
            sumf += dall * isum - dmin * summs;
        }
        return sumf;
    }
}
