package io.ggmljava.ops;

import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;

/**
 * The parameters of one ROPE / ROPE_BACK node, decoded once from its op params, and the rotation angles of a
 * position computed exactly as ggml's CPU backend does.
 *
 * <p>ggml does not compute {@code pos * base^(-2i/n_dims)} directly: it starts from {@code theta = pos} and
 * multiplies by {@code theta_scale = powf(freq_base, -2/n_dims)} once per pair, in float. With positions in the
 * tens of thousands the rounding of that recurrence moves the angle by whole milliradians, so {@link #thetas}
 * reproduces it step by step, including the YaRN mix (which ggml's build contracts into one fused multiply-add).
 *
 * @param ne0         elements per row
 * @param nDims       rotated elements per row (even, at most {@code ne0}); the rest is copied
 * @param neox        true for mode 2 (pairs {@code (i, i + nDims/2)}), false for mode 0 (pairs {@code (2i, 2i+1)})
 * @param thetaScale  {@code powf(freq_base, -2.0f/n_dims)}
 * @param freqScale   YaRN interpolation factor
 * @param extFactor   YaRN extrapolation mix factor (0 disables the ramp and the magnitude correction)
 * @param mscale      magnitude applied to cos and sin: {@code attn_factor}, times YaRN's correction if enabled
 * @param corrLow     {@code corr_dims[0]} of {@code ggml_rope_yarn_corr_dims}
 * @param corrHigh    {@code corr_dims[1]}
 * @param freqFactors per-pair divisors of the angle ({@code nDims/2} of them), or null
 * @param sinSign     1 for ROPE, -1 for ROPE_BACK (the inverse rotation is the transpose)
 */
public record RopeSpec(int ne0, int nDims, boolean neox, float thetaScale, float freqScale, float extFactor,
                       float mscale, float corrLow, float corrHigh, float[] freqFactors, float sinSign) {

    /** ggml's mode bit for NeoX-style rotation. */
    public static final int MODE_NEOX = 2;
    /** ggml's mode bit for multimodal rotation (not supported here). */
    public static final int MODE_MROPE = 8;

    /**
     * Decodes a ROPE or ROPE_BACK node; {@code freqFactors} are the node's {@code src2} values (or null).
     *
     * @throws UnsupportedOperationException for the multimodal/vision modes
     */
    public static RopeSpec of(Tensor node, float[] freqFactors) {
        int nDims = node.opParamI32(1);
        int mode = node.opParamI32(2);
        int nCtxOrig = node.opParamI32(4);
        float freqBase = node.opParamF32(5);
        float freqScale = node.opParamF32(6);
        float extFactor = node.opParamF32(7);
        float attnFactor = node.opParamF32(8);
        float betaFast = node.opParamF32(9);
        float betaSlow = node.opParamF32(10);
        if ((mode & MODE_MROPE) != 0) {
            throw new UnsupportedOperationException(node.op() + ": mode " + mode
                    + " (multimodal/vision rope) is not supported; only modes 0 and 2 are");
        }
        long ne0 = node.src(0).ne(0);
        if (nDims <= 0 || nDims > ne0 || nDims % 2 != 0) {
            throw new IllegalArgumentException(node.op() + ": n_dims (" + nDims + ") must be even and in [2, ne0="
                    + ne0 + "]");
        }
        float thetaScale = (float) Math.pow(freqBase, -2.0f / nDims);
        float[] corr = yarnCorrDims(nDims, nCtxOrig, freqBase, betaFast, betaSlow);
        float mscale = attnFactor;
        if (extFactor != 0.0f) {
            // ggml: mscale *= 1.0f + 0.1f*logf(1.0f/freq_scale), the product-plus-sum contracted to one FMA
            mscale *= Math.fma(0.1f, (float) Math.log(1.0f / freqScale), 1.0f);
        }
        float sinSign = node.op() == Op.ROPE_BACK ? -1.0f : 1.0f;
        return new RopeSpec((int) ne0, nDims, (mode & MODE_NEOX) != 0, thetaScale, freqScale, extFactor, mscale,
                corr[0], corr[1], freqFactors, sinSign);
    }

    /** The same rotation on rows of exactly {@code nDims} elements (nothing to copy after them). */
    public static RopeSpec rotatedOnly(RopeSpec s) {
        return s.ne0 == s.nDims ? s : new RopeSpec(s.nDims, s.nDims, s.neox, s.thetaScale, s.freqScale, s.extFactor,
                s.mscale, s.corrLow, s.corrHigh, s.freqFactors, s.sinSign);
    }

    /**
     * {@code ggml_rope_yarn_corr_dims}: the first and last dimension of YaRN's ramp, in float arithmetic as ggml.
     * The comparisons are written as ggml's MAX/MIN macros so that infinities and NaN fall the same way.
     */
    public static float[] yarnCorrDims(int nDims, int nCtxOrig, float freqBase, float betaFast, float betaSlow) {
        float start = (float) Math.floor(yarnCorrDim(nDims, nCtxOrig, betaFast, freqBase));
        float end = (float) Math.ceil(yarnCorrDim(nDims, nCtxOrig, betaSlow, freqBase));
        float low = 0 > start ? 0 : start;
        float high = (nDims - 1) < end ? (nDims - 1) : end;
        return new float[]{low, high};
    }

    private static float yarnCorrDim(int nDims, int nCtxOrig, float nRot, float base) {
        float twoPiRot = nRot * 2 * (float) Math.PI;
        return nDims * (float) Math.log(nCtxOrig / twoPiRot) / (2 * (float) Math.log(base));
    }

    /**
     * Fills {@code theta[off .. off + nDims/2)} with the rotation angle of each pair for position {@code pos},
     * before cos/sin: the float recurrence {@code theta *= thetaScale}, the frequency factors and the YaRN mix.
     */
    public void thetas(long pos, float[] theta, int off) {
        float t = (float) pos;
        int pairs = nDims / 2;
        for (int i = 0; i < pairs; i++) {
            float ff = freqFactors != null ? freqFactors[i] : 1.0f;
            theta[off + i] = yarn(t / ff, i);
            t *= thetaScale;
        }
    }

    /** rope_yarn's angle: interpolated, or for {@code extFactor != 0} mixed with the extrapolated one. */
    private float yarn(float thetaExtrap, int pair) {
        float thetaInterp = freqScale * thetaExtrap;
        if (extFactor == 0.0f) {
            return thetaInterp;
        }
        float rampMix = ramp(pair) * extFactor;
        // ggml: theta_interp * (1 - ramp_mix) + theta_extrap * ramp_mix, contracted by the compiler to one FMA
        return Math.fma(thetaInterp, 1 - rampMix, thetaExtrap * rampMix);
    }

    /** rope_yarn_ramp for dimension {@code 2*pair}: 1 below {@code corrLow}, 0 above {@code corrHigh}. */
    private float ramp(int pair) {
        float span = 0.001f > corrHigh - corrLow ? 0.001f : corrHigh - corrLow;
        float y = (pair - corrLow) / span;
        float clamped = 0 > y ? 0 : y;
        return 1 - (1 < clamped ? 1 : clamped);
    }
}
