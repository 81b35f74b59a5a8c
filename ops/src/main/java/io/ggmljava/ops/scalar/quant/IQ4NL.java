package io.ggmljava.ops.scalar.quant;

import static io.ggmljava.ops.scalar.quant.Blocks.f16;
import static io.ggmljava.ops.scalar.quant.Blocks.i8;
import static io.ggmljava.ops.scalar.quant.Blocks.put8;
import static io.ggmljava.ops.scalar.quant.Blocks.putF16;
import static io.ggmljava.ops.scalar.quant.Blocks.u8;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * iq4_nl: 32 values, 4-bit indices into a fixed non-linear table of 16 levels, with an f16 scale.
 *
 * <pre>
 * 18 bytes: f16 d | u8 qs[16]          x = d * KVALUES[q]
 * </pre>
 * Nibble order as in q4_0. The quantizer ({@code quantize_row_iq4_nl_impl} with one block per super-block) picks
 * for each value the nearest table entry for a first scale and refits the scale by least squares; the reference
 * quantizer ({@code ntry = -1}) stops there, {@code ggml_quantize_chunk} ({@code ntry = 7}) starts from the opposite
 * sign, also tries 15 other scales and re-derives the indices from the final (unrounded) scale. Weights are
 * {@code x²}, or with importance weights {@code qw * sqrt(sigma2 + x²)} with {@code sigma2 = 2 * sum(x²) / 32} over
 * the block.
 */
final class IQ4NL implements BlockFormat {
    static final IQ4NL INSTANCE = new IQ4NL();
    /** ggml's {@code kvalues_iq4nl}. */
    static final int[] KVALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private IQ4NL() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    /** {@code best_index_int8}: the index of the table entry nearest to {@code x} (the upper one on ties). */
    static int bestIndex(float x) {
        if (x <= KVALUES[0]) {
            return 0;
        }
        if (x >= KVALUES[15]) {
            return 15;
        }
        int ml = 0;
        int mu = 15;
        while (mu - ml > 1) {
            int mav = (ml + mu) / 2;
            if (x < KVALUES[mav]) {
                mu = mav;
            } else {
                ml = mav;
            }
        }
        return x - KVALUES[mu - 1] < KVALUES[mu] - x ? mu - 1 : mu;
    }

    /**
     * One block. {@code L} is the caller's index scratch: in ggml it outlives the block, and a block whose values
     * are all below 1e-15 keeps the previous block's indices in the reference path (its scale is 0, so they do not
     * matter for the values).
     */
    private static void quantizeBlock(float[] x, int xb, float[] qw, int qwo, int ntry, int[] L, MemorySegment dst,
                                      long yb) {
        float[] weight = new float[32];
        float sigma2 = 0;
        for (int j = 0; j < 32; ++j) {
            sigma2 += x[xb + j] * x[xb + j];
        }
        sigma2 *= 2.f / 32;
        for (int j = 0; j < 32; ++j) {
            float xv = x[xb + j];
            weight[j] = qw != null ? qw[qwo + j] * (float) Math.sqrt(sigma2 + xv * xv) : xv * xv;
        }
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; ++j) {
            float ax = Math.abs(x[xb + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xb + j];
            }
        }
        float scale;
        if (amax < QuantSearch.GROUP_MAX_EPS) {
            scale = 0;
        } else {
            float d = ntry > 0 ? -max / KVALUES[0] : max / KVALUES[0];
            float id = 1 / d;
            float sumqx = 0;
            float sumq2 = 0;
            for (int j = 0; j < 32; ++j) {
                float al = id * x[xb + j];
                int l = bestIndex(al);
                L[j] = l;
                float q = KVALUES[l];
                float w = weight[j];
                sumqx += w * q * x[xb + j];
                sumq2 += w * q * q;
            }
            d = sumqx / sumq2;
            float best = d * sumqx;
            for (int itry = -ntry; itry <= ntry; ++itry) {
                id = (itry + KVALUES[0]) / max;
                sumqx = 0;
                sumq2 = 0;
                for (int j = 0; j < 32; ++j) {
                    float al = id * x[xb + j];
                    int l = bestIndex(al);
                    float q = KVALUES[l];
                    float w = weight[j];
                    sumqx += w * q * x[xb + j];
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scale = d;
        }
        putF16(dst, yb, scale);
        if (ntry > 0) {
            float id = scale != 0 ? 1 / scale : 0;
            for (int j = 0; j < 32; ++j) {
                L[j] = bestIndex(id * x[xb + j]);
            }
        }
        for (int j = 0; j < 16; ++j) {
            put8(dst, yb + 2 + j, L[j] | (L[16 + j] << 4));
        }
    }

    @Override
    public void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off) {
        int[] L = new int[32];
        for (int i = 0; i < nb; i++) {
            quantizeBlock(x, xo + 32 * i, null, 0, -1, L, dst, off + 18L * i);
        }
    }

    @Override
    public void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
        int[] L = new int[32];
        for (int i = 0; i < n / 32; i++) {
            quantizeBlock(x, xo + 32 * i, qw, 32 * i, 7, L, dst, off + 18L * i);
        }
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long off, float[] y, int yo) {
        float d = f16(src, off);
        for (int j = 0; j < 16; ++j) {
            int q = u8(src, off + 2 + j);
            y[yo + j] = d * KVALUES[q & 0xF];
            y[yo + j + 16] = d * KVALUES[q >>> 4];
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
                sumi += KVALUES[q & 0xF] * i8(y, yb + 2 + j) + KVALUES[q >>> 4] * i8(y, yb + 2 + 16 + j);
            }
            sumf += (f16(x, xb) * f16(y, yb)) * sumi;
        }
        return sumf;
    }
}
