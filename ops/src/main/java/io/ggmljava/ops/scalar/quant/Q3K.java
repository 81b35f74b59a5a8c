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
 * q3_K: 256 values in 16 groups of 16, signed 3-bit levels ({@code -4..3}) with a signed 6-bit scale per group.
 *
 * <pre>
 * 110 bytes: u8 hmask[32] | u8 qs[64] | u8 scales[12] | f16 d
 * x = d * (scale_g - 32) * (q - (high bit set ? 0 : 4))
 * </pre>
 * The low two bits of element {@code e = 128*h + 32*s + l} are bits {@code 2s..2s+1} of {@code qs[32*h + l]} (as in
 * q2_K); its high bit is bit {@code 4h + s} of {@code hmask[l]}. Scale {@code g} (6 bits, biased by 32): low nibble
 * in {@code scales[g]} ({@code g < 8}) or the high nibble of {@code scales[g - 8]}; high two bits at bits
 * {@code 2*(g/4)} of {@code scales[8 + g%4]}.
 */
final class Q3K implements BlockFormat {
    static final Q3K INSTANCE = new Q3K();
    private static final int BYTES = 110;

    private Q3K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Encodes 16 six-bit scales {@code ls[j]} (0..63) into the 12 scale bytes. */
    private static void encodeScales(int[] ls, int[] sc) {
        java.util.Arrays.fill(sc, 0);
        for (int j = 0; j < 16; ++j) {
            int l = ls[j];
            if (j < 8) {
                sc[j] = l & 0xF;
            } else {
                sc[j - 8] |= (l & 0xF) << 4;
            }
            l >>= 4;
            sc[j % 4 + 8] |= l << (2 * (j / 4));
        }
        for (int j = 0; j < 12; ++j) {
            sc[j] &= 0xFF;
        }
    }

    /** The signed scale of group {@code j} ({@code -32..31}) from the 12 scale bytes. */
    private static int scale(int[] sc, int j) {
        int low = j < 8 ? sc[j] & 0xF : sc[j - 8] >>> 4;
        return (low | (((sc[8 + j % 4] >>> (2 * (j / 4))) & 3) << 4)) - 32;
    }

    private static int[] readScales(MemorySegment s, long off) {
        int[] sc = new int[12];
        for (int j = 0; j < 12; ++j) {
            sc[j] = u8(s, off + 96 + j);
        }
        return sc;
    }

    /** Final levels from the stored scales, then hmask/qs packing; shared by both quantizers. */
    private static void finish(float[] x, int xb, int[] sc, float d, int[] L, MemorySegment dst, long yb) {
        for (int j = 0; j < 12; ++j) {
            put8(dst, yb + 96 + j, sc[j]);
        }
        putF16(dst, yb + 108, d);
        float dAll = roundTripF16(d);
        for (int j = 0; j < 16; ++j) {
            float dl = dAll * scale(sc, j);
            if (dl == 0) {
                continue; // keeps the search's levels
            }
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearestInt(x[xb + 16 * j + ii] / dl);
                L[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }
        // the high bit of the first 32 levels goes to bit 0 of hmask[0..31], of the next 32 to bit 1, ...
        int[] hmask = new int[32];
        for (int j = 0; j < 256; ++j) {
            if (L[j] > 3) {
                hmask[j % 32] |= 1 << (j / 32);
                L[j] -= 4;
            }
        }
        for (int m = 0; m < 32; ++m) {
            put8(dst, yb + m, hmask[m]);
        }
        for (int j = 0; j < 256; j += 128) {
            for (int l = 0; l < 32; ++l) {
                put8(dst, yb + 32 + j / 4 + l,
                        L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
            }
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[256];
        float[] scales = new float[16];
        int[] ls = new int[16];
        int[] sc = new int[12];
        for (int i = 0; i < nb; i++) {
            int xb = xo + 256 * i;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = QuantSearch.makeQ3Quants(16, 4, x, xb + 16 * j, L, 16 * j, true);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            float d;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    int l = (byte) nearestInt(iscale * scales[j]); // int8_t in ggml
                    ls[j] = Math.max(-32, Math.min(31, l)) + 32;
                }
                encodeScales(ls, sc);
                d = 1 / iscale;
            } else {
                java.util.Arrays.fill(sc, 0);
                d = 0.f;
            }
            finish(x, xb, sc, d, L, dst, off + (long) BYTES * i);
        }
    }

    @Override
    public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
        if (qw == null) {
            quantizeRef(x, xo, n / 256, dst, off);
            return;
        }
        int[] L = new int[256];
        float[] scales = new float[16];
        float[] weight = new float[16];
        float[] sw = new float[16];
        int[] ls = new int[16];
        int[] sc = new int[12];
        for (int i = 0; i < n / 256; i++) {
            int xb = xo + 256 * i;
            float sumx2 = 0;
            for (int j = 0; j < 256; ++j) {
                sumx2 += x[xb + j] * x[xb + j];
            }
            float sigma2 = 2 * sumx2 / 256;
            for (int j = 0; j < 16; ++j) {
                int qwo = 256 * i + 16 * j;
                for (int l = 0; l < 16; ++l) {
                    float xv = x[xb + 16 * j + l];
                    weight[l] = qw[qwo + l] * (float) Math.sqrt(sigma2 + xv * xv);
                }
                float sumw = 0;
                for (int l = 0; l < 16; ++l) {
                    sumw += weight[l];
                }
                sw[j] = sumw;
                scales[j] = QuantSearch.makeQxQuants(16, 4, x, xb + 16 * j, L, 16 * j, 1, weight, 0);
            }
            float dBlock = QuantSearch.makeQxQuants(16, 32, scales, 0, ls, 0, 1, sw, 0);
            encodeScales(ls, sc);
            finish(x, xb, sc, dBlock, L, dst, off + (long) BYTES * i);
        }
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float dAll = f16(src, off + 108);
        int[] sc = readScales(src, off);
        int e = yo;
        int is = 0;
        int m = 1;
        for (int h = 0; h < 2; ++h) {
            long q = off + 32 + 32L * h;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 2; ++half) {
                    float dl = dAll * scale(sc, is++);
                    for (int l = 0; l < 16; ++l) {
                        int low = (u8(src, q + 16 * half + l) >>> shift) & 3;
                        int high = (u8(src, off + 16 * half + l) & m) != 0 ? 0 : 4;
                        y[e++] = dl * (low - high);
                    }
                }
                m <<= 1;
            }
        }
    }

    @Override
    public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
        float sumf = 0;
        for (int i = 0; i < nb; ++i) {
            long xb = xo + (long) BYTES * i;
            long yb = yo + 292L * i; // q8_K
            int[] sc = readScales(x, xb);
            int isum = 0;
            int is = 0;
            int m = 1;
            long q8 = yb + 4;
            for (int h = 0; h < 2; ++h) {
                long q3 = xb + 32 + 32L * h;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int half = 0; half < 2; ++half) {
                        int isuml = 0;
                        for (int l = 0; l < 16; ++l) {
                            int low = (u8(x, q3 + 16 * half + l) >>> shift) & 3;
                            int high = (u8(x, xb + 16 * half + l) & m) != 0 ? 0 : 4;
                            isuml += i8(y, q8 + 16 * half + l) * (low - high);
                        }
                        isum += scale(sc, is++) * isuml;
                    }
                    q8 += 32;
                    m <<= 1;
                }
            }
            sumf += f16(x, xb + 108) * f32(y, yb) * isum;
        }
        return sumf;
    }
}
