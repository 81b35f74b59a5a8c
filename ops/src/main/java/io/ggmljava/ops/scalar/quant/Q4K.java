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
 * q4_K: 256 values in 8 groups of 32, 4-bit levels with a 6-bit scale and a 6-bit minimum per group.
 *
 * <pre>
 * 144 bytes: f16 d | f16 dmin | u8 scales[12] | u8 qs[128]
 * x = d * sc_g * q - dmin * m_g
 * </pre>
 * Element {@code e = 64*p + 32*h + l} ({@code p < 4}, {@code h < 2}) is the low ({@code h = 0}) or high nibble of
 * {@code qs[32*p + l]}; its group is {@code e / 32}. The 6-bit scales and minimums share 12 bytes
 * ({@code get_scale_min_k4}): groups 0-3 have {@code sc = scales[g] & 63}, {@code m = scales[g+4] & 63}; groups 4-7
 * take their low nibbles from {@code scales[g+4]} and their top two bits from bits 6-7 of {@code scales[g-4]}
 * (scale) and {@code scales[g]} (minimum). q5_K uses the same packing.
 */
final class Q4K implements BlockFormat {
    static final Q4K INSTANCE = new Q4K();
    private static final int BYTES = 144;

    private Q4K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /** Packs 8 scales {@code ls} and minimums {@code lm} (6 bits each) into 12 bytes, as ggml writes them. */
    static void encodeScaleMin(int[] ls, int[] lm, int[] sc) {
        for (int j = 0; j < 8; ++j) {
            if (j < 4) {
                sc[j] = ls[j] & 0xFF;
                sc[j + 4] = lm[j] & 0xFF;
            } else {
                sc[j + 4] = ((ls[j] & 0xF) | ((lm[j] & 0xF) << 4)) & 0xFF;
                sc[j - 4] = (sc[j - 4] | ((ls[j] >>> 4) << 6)) & 0xFF;
                sc[j] = (sc[j] | ((lm[j] >>> 4) << 6)) & 0xFF;
            }
        }
    }

    /** {@code get_scale_min_k4}: the scale of group {@code j} from the 12 packed bytes. */
    static int scaleK4(int[] q, int j) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | ((q[j - 4] >>> 6) << 4);
    }

    /** {@code get_scale_min_k4}: the minimum of group {@code j} from the 12 packed bytes. */
    static int minK4(int[] q, int j) {
        return j < 4 ? q[j + 4] & 63 : (q[j + 4] >>> 4) | ((q[j] >>> 6) << 4);
    }

    /** The 12 scale bytes at {@code off}. */
    static int[] readScales(MemorySegment s, long off) {
        int[] sc = new int[12];
        for (int j = 0; j < 12; ++j) {
            sc[j] = u8(s, off + j);
        }
        return sc;
    }

    /**
     * Writes d, dmin and the scales, then recomputes the levels {@code 0..nmax} from the stored (f16-rounded)
     * values, as the q4_K and q5_K quantizers both end.
     */
    static void storeScalesAndRequantize(float[] x, int xb, float d, float dmin, int[] sc, int nmax, int[] L,
                                         MemorySegment dst, long yb) {
        putF16(dst, yb, d);
        putF16(dst, yb + 2, dmin);
        for (int j = 0; j < 12; ++j) {
            put8(dst, yb + 4 + j, sc[j]);
        }
        float dAll = roundTripF16(d);
        float mAll = roundTripF16(dmin);
        for (int j = 0; j < 8; ++j) {
            float dl = dAll * scaleK4(sc, j);
            if (dl == 0) {
                continue; // keeps the search's levels
            }
            float dm = mAll * minK4(sc, j);
            for (int ii = 0; ii < 32; ++ii) {
                int l = nearestInt((x[xb + 32 * j + ii] + dm) / dl);
                L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
    }

    /**
     * The reference path's first stage for q4_K/q5_K: per group of 32, weights {@code av_x + |x|} and a
     * {@code make_qkx2_quants} search; then the 6-bit scales and minimums relative to their maxima.
     * Returns {@code {d, dmin}} and fills {@code sc} (12 bytes) and the levels {@code L}.
     */
    static float[] refScales(float[] x, int xb, int nmax, float rmin, float rdelta, int nstep, int[] L, int[] sc) {
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        int[] laux = new int[32];
        float maxScale = 0; // as the min is deducted, scales are always positive
        float maxMin = 0;
        for (int j = 0; j < 8; ++j) {
            float sumX2 = 0;
            for (int l = 0; l < 32; ++l) {
                sumX2 += x[xb + 32 * j + l] * x[xb + 32 * j + l];
            }
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; ++l) {
                weights[l] = avX + Math.abs(x[xb + 32 * j + l]);
            }
            scales[j] = QuantSearch.makeQkx2Quants(32, nmax, x, xb + 32 * j, weights, 0, L, 32 * j, mins, j, laux,
                    rmin, rdelta, nstep, false);
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int j = 0; j < 8; ++j) {
            ls[j] = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF); // uint8_t, then MIN
            lm[j] = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
        }
        encodeScaleMin(ls, lm, sc);
        return new float[] {maxScale / 63.f, maxMin / 63.f};
    }

    /**
     * The importance-matrix path's first stage for q4_K/q5_K: per group weights {@code qw * sqrt(sigma2 + x²)}
     * (or {@code sqrt(sigma2) + |x|} without {@code qw}) and a {@code make_qkx3_quants} search; then the scales and
     * minimums themselves quantized to 6 bits by {@code make_qp_quants}. {@code clampLevels} applies q5_K's extra
     * {@code MIN(63, ...)}. Returns {@code {d, dmin}}.
     */
    static float[] weightedScales(float[] x, int xb, float[] qw, int qwo, int nmax, boolean clampLevels, int[] L,
                                  int[] sc) {
        float[] weights = new float[32];
        float[] sw = new float[8];
        float[] mins = new float[8];
        float[] scales = new float[8];
        int[] laux = new int[32];
        float sumX2 = 0;
        for (int l = 0; l < 256; ++l) {
            sumX2 += x[xb + l] * x[xb + l];
        }
        float sigma2 = 2 * sumX2 / 256;
        float avX = (float) Math.sqrt(sigma2);
        for (int j = 0; j < 8; ++j) {
            for (int l = 0; l < 32; ++l) {
                float xv = x[xb + 32 * j + l];
                weights[l] = qw != null ? qw[qwo + 32 * j + l] * (float) Math.sqrt(sigma2 + xv * xv)
                        : avX + Math.abs(xv);
            }
            float sumw = 0;
            for (int l = 0; l < 32; ++l) {
                sumw += weights[l];
            }
            sw[j] = sumw;
            scales[j] = QuantSearch.makeQkx3Quants(32, nmax, x, xb + 32 * j, weights, 0, L, 32 * j, mins, j, laux,
                    -0.9f, 0.05f, 36, false);
        }
        int[] ls = new int[8];
        int[] lm = new int[8];
        float dBlock = QuantSearch.makeQpQuants(8, 63, scales, ls, sw);
        float mBlock = QuantSearch.makeQpQuants(8, 63, mins, lm, sw);
        if (clampLevels) {
            for (int j = 0; j < 8; ++j) {
                ls[j] = Math.min(63, ls[j]);
                lm[j] = Math.min(63, lm[j]);
            }
        }
        encodeScaleMin(ls, lm, sc);
        return new float[] {dBlock, mBlock};
    }

    private static void packQs(int[] L, MemorySegment dst, long qsOff) {
        for (int j = 0; j < 256; j += 64) {
            for (int l = 0; l < 32; ++l) {
                put8(dst, qsOff + j / 2 + l, L[j + l] | (L[j + l + 32] << 4));
            }
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[256];
        int[] sc = new int[12];
        for (int i = 0; i < nb; i++) {
            int xb = xo + 256 * i;
            long yb = off + (long) BYTES * i;
            float[] dm = refScales(x, xb, 15, -1.f, 0.1f, 20, L, sc);
            storeScalesAndRequantize(x, xb, dm[0], dm[1], sc, 15, L, dst, yb);
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
        int[] sc = new int[12];
        for (int i = 0; i < n / 256; i++) {
            int xb = xo + 256 * i;
            long yb = off + (long) BYTES * i;
            float[] dm = weightedScales(x, xb, qw, 256 * i, 15, false, L, sc);
            storeScalesAndRequantize(x, xb, dm[0], dm[1], sc, 15, L, dst, yb);
            packQs(L, dst, yb + 16);
        }
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float d = f16(src, off);
        float min = f16(src, off + 2);
        int[] sc = readScales(src, off + 4);
        int e = yo;
        for (int p = 0; p < 4; ++p) {
            long q = off + 16 + 32L * p;
            float d1 = d * scaleK4(sc, 2 * p);
            float m1 = min * minK4(sc, 2 * p);
            float d2 = d * scaleK4(sc, 2 * p + 1);
            float m2 = min * minK4(sc, 2 * p + 1);
            for (int l = 0; l < 32; ++l) {
                y[e++] = d1 * (u8(src, q + l) & 0xF) - m1;
            }
            for (int l = 0; l < 32; ++l) {
                y[e++] = d2 * (u8(src, q + l) >>> 4) - m2;
            }
        }
    }

    @Override
    public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
        float sumf = 0;
        for (int i = 0; i < nb; ++i) {
            long xb = xo + (long) BYTES * i;
            long yb = yo + 292L * i; // q8_K
            int[] sc = readScales(x, xb + 4);
            int sumMins = 0;
            for (int j = 0; j < 16; ++j) {
                sumMins += Q8Quants.q8kBsum(y, yb, j) * minK4(sc, j / 2);
            }
            int isum = 0;
            for (int p = 0; p < 4; ++p) {
                long q = xb + 16 + 32L * p;
                long q8 = yb + 4 + 64L * p;
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; ++l) {
                    int b = u8(x, q + l);
                    lo += (b & 0xF) * i8(y, q8 + l);
                    hi += (b >>> 4) * i8(y, q8 + 32 + l);
                }
                isum += scaleK4(sc, 2 * p) * lo + scaleK4(sc, 2 * p + 1) * hi;
            }
            float dy = f32(y, yb);
            sumf += f16(x, xb) * dy * isum - f16(x, xb + 2) * dy * sumMins;
        }
        return sumf;
    }
}
