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
 * q6_K: 256 values in 16 groups of 16, signed 6-bit levels ({@code -32..31}) with a signed 8-bit scale per group.
 *
 * <pre>
 * 210 bytes: u8 ql[128] | u8 qh[64] | i8 scales[16] | f16 d
 * x = d * scales[g] * (q - 32)
 * </pre>
 * Element {@code e = 128*h + 32*s + l} ({@code h < 2, s < 4, l < 32}): low four bits in
 * {@code ql[64*h + 32*(s&1) + l]} (low nibble for {@code s < 2}, high nibble otherwise), high two bits at bits
 * {@code 2s..2s+1} of {@code qh[32*h + l]}; group {@code e / 16}.
 */
final class Q6K implements BlockFormat {
    static final Q6K INSTANCE = new Q6K();
    private static final int BYTES = 210;

    private Q6K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** One block: group searches with optional weights {@code qw} (at {@code qwo}), then scales and levels. */
    private static void quantizeBlock(float[] x, int xb, float[] qw, int qwo, int[] L, float[] scales,
                                      MemorySegment dst, long yb) {
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ++ib) {
            float scale = QuantSearch.makeQxQuants(16, 32, x, xb + 16 * ib, L, 16 * ib, 1, qw, qwo + 16 * ib);
            scales[ib] = scale;
            float absScale = Math.abs(scale);
            if (absScale > maxAbsScale) {
                maxAbsScale = absScale;
                maxScale = scale;
            }
        }
        if (maxAbsScale < QuantSearch.GROUP_MAX_EPS) {
            dst.asSlice(yb, BYTES).fill((byte) 0);
            return;
        }
        float iscale = -128.f / maxScale;
        putF16(dst, yb + 208, 1 / iscale);
        int[] sc = new int[16];
        for (int ib = 0; ib < 16; ++ib) {
            sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            put8(dst, yb + 192 + ib, sc[ib]);
        }
        float dAll = roundTripF16(1 / iscale);
        for (int j = 0; j < 16; ++j) {
            float d = dAll * sc[j];
            if (d == 0) {
                continue; // keeps the search's levels
            }
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearestInt(x[xb + 16 * j + ii] / d);
                L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        for (int j = 0; j < 256; j += 128) {
            long ql = yb + j / 2;
            long qh = yb + 128 + j / 4;
            for (int l = 0; l < 32; ++l) {
                int q1 = L[j + l] & 0xF;
                int q2 = L[j + l + 32] & 0xF;
                int q3 = L[j + l + 64] & 0xF;
                int q4 = L[j + l + 96] & 0xF;
                put8(dst, ql + l, q1 | (q3 << 4));
                put8(dst, ql + l + 32, q2 | (q4 << 4));
                put8(dst, qh + l, (L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4)
                        | ((L[j + l + 96] >> 4) << 6));
            }
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[256];
        float[] scales = new float[16];
        for (int i = 0; i < nb; i++) {
            quantizeBlock(x, xo + 256 * i, null, 0, L, scales, dst, off + (long) BYTES * i);
        }
    }

    @Override
    public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
        int[] L = new int[256];
        float[] scales = new float[16];
        for (int i = 0; i < n / 256; i++) {
            quantizeBlock(x, xo + 256 * i, qw, 256 * i, L, scales, dst, off + (long) BYTES * i);
        }
    }

    /** The 6-bit level (minus 32) of element {@code 32*s + l} of half {@code h}. */
    private static int level(MemorySegment s, long off, int h, int sub, int l) {
        int lowByte = u8(s, off + 64L * h + 32 * (sub & 1) + l);
        int low = sub < 2 ? lowByte & 0xF : lowByte >>> 4;
        int high = (u8(s, off + 128 + 32L * h + l) >>> (2 * sub)) & 3;
        return (low | (high << 4)) - 32;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float d = f16(src, off + 208);
        for (int h = 0; h < 2; ++h) {
            for (int sub = 0; sub < 4; ++sub) {
                for (int l = 0; l < 32; ++l) {
                    int sc = i8(src, off + 192 + 8 * h + 2 * sub + l / 16);
                    y[yo + 128 * h + 32 * sub + l] = d * sc * level(src, off, h, sub, l);
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
            int isum = 0;
            for (int g = 0; g < 16; ++g) {
                int h = g / 8;
                int sub = (g % 8) / 2;
                int l0 = 16 * (g % 2);
                int gsum = 0;
                for (int l = l0; l < l0 + 16; ++l) {
                    gsum += level(x, xb, h, sub, l) * i8(y, yb + 4 + 128 * h + 32 * sub + l);
                }
                isum += i8(x, xb + 192 + g) * gsum;
            }
            sumf += f16(x, xb + 208) * f32(y, yb) * isum;
        }
        return sumf;
    }
}
