package io.ggmljava.ops.scalar.quant;

import static io.ggmljava.ops.scalar.quant.Blocks.f16;
import static io.ggmljava.ops.scalar.quant.Blocks.f32;
import static io.ggmljava.ops.scalar.quant.Blocks.i8;
import static io.ggmljava.ops.scalar.quant.Blocks.put8;
import static io.ggmljava.ops.scalar.quant.Blocks.u8;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * q5_K: q4_K with a fifth bit per level (levels {@code 0..31}).
 *
 * <pre>
 * 176 bytes: f16 d | f16 dmin | u8 scales[12] | u8 qh[32] | u8 qs[128]
 * x = d * sc_g * q - dmin * m_g
 * </pre>
 * Element {@code e = 64*p + 32*h + l} has its low four bits where q4_K has them and its fifth bit at bit
 * {@code 2p + h} of {@code qh[l]}. Scales and minimums are packed as in {@link Q4K}.
 */
final class Q5K implements BlockFormat {
    static final Q5K INSTANCE = new Q5K();
    private static final int BYTES = 176;

    private Q5K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    private static void packQs(int[] L, MemorySegment dst, long qhOff, long qsOff) {
        int[] qh = new int[32];
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < 256; n += 64) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[n + j];
                if (l1 > 15) {
                    l1 -= 16;
                    qh[j] |= m1;
                }
                int l2 = L[n + j + 32];
                if (l2 > 15) {
                    l2 -= 16;
                    qh[j] |= m2;
                }
                put8(dst, qsOff + n / 2 + j, l1 | (l2 << 4));
            }
            m1 <<= 2;
            m2 <<= 2;
        }
        for (int j = 0; j < 32; ++j) {
            put8(dst, qhOff + j, qh[j]);
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[256];
        int[] sc = new int[12];
        for (int i = 0; i < nb; i++) {
            int xb = xo + 256 * i;
            long yb = off + (long) BYTES * i;
            float[] dm = Q4K.refScales(x, xb, 31, -0.5f, 0.1f, 15, L, sc);
            Q4K.storeScalesAndRequantize(x, xb, dm[0], dm[1], sc, 31, L, dst, yb);
            packQs(L, dst, yb + 16, yb + 48);
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
            float[] dm = Q4K.weightedScales(x, xb, qw, 256 * i, 31, true, L, sc);
            Q4K.storeScalesAndRequantize(x, xb, dm[0], dm[1], sc, 31, L, dst, yb);
            packQs(L, dst, yb + 16, yb + 48);
        }
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float d = f16(src, off);
        float min = f16(src, off + 2);
        int[] sc = Q4K.readScales(src, off + 4);
        int e = yo;
        int u1 = 1;
        int u2 = 2;
        for (int p = 0; p < 4; ++p) {
            long ql = off + 48 + 32L * p;
            float d1 = d * Q4K.scaleK4(sc, 2 * p);
            float m1 = min * Q4K.minK4(sc, 2 * p);
            float d2 = d * Q4K.scaleK4(sc, 2 * p + 1);
            float m2 = min * Q4K.minK4(sc, 2 * p + 1);
            for (int l = 0; l < 32; ++l) {
                int h = (u8(src, off + 16 + l) & u1) != 0 ? 16 : 0;
                y[e++] = d1 * ((u8(src, ql + l) & 0xF) + h) - m1;
            }
            for (int l = 0; l < 32; ++l) {
                int h = (u8(src, off + 16 + l) & u2) != 0 ? 16 : 0;
                y[e++] = d2 * ((u8(src, ql + l) >>> 4) + h) - m2;
            }
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    @Override
    public float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo) {
        float sumf = 0;
        for (int i = 0; i < nb; ++i) {
            long xb = xo + (long) BYTES * i;
            long yb = yo + 292L * i; // q8_K
            int[] sc = Q4K.readScales(x, xb + 4);
            int sumMins = 0;
            for (int j = 0; j < 16; ++j) {
                sumMins += Q8Quants.q8kBsum(y, yb, j) * Q4K.minK4(sc, j / 2);
            }
            int isum = 0;
            for (int p = 0; p < 4; ++p) {
                long q = xb + 48 + 32L * p;
                long q8 = yb + 4 + 64L * p;
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; ++l) {
                    int b = u8(x, q + l);
                    int h = u8(x, xb + 16 + l) >>> (2 * p);
                    lo += ((b & 0xF) | ((h & 1) << 4)) * i8(y, q8 + l);
                    hi += ((b >>> 4) | ((h & 2) << 3)) * i8(y, q8 + 32 + l);
                }
                isum += Q4K.scaleK4(sc, 2 * p) * lo + Q4K.scaleK4(sc, 2 * p + 1) * hi;
            }
            float dy = f32(y, yb);
            sumf += f16(x, xb) * dy * isum - f16(x, xb + 2) * dy * sumMins;
        }
        return sumf;
    }
}
