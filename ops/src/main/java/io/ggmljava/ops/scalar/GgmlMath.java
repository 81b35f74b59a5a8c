package io.ggmljava.ops.scalar;

/**
 * ggml's CPU arithmetic for the element-wise functions, where it differs from plain libm: the fast {@code expf} its
 * SIMD SILU and softmax use, and the f16 lookup tables behind GELU and GELU_QUICK.
 *
 * <p>Every method here is the scalar definition; the vector kernels compute the same operations lane by lane (same
 * constants, same fused multiply-adds), so they agree bit for bit.
 */
public final class GgmlMath {
    private GgmlMath() {
    }

    // ---- exp: ggml_v_expf (ARM optimized-routines' expf: 2^n * p(b), b = x - n*ln2, |b| <= ln2/2) ----

    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer (in the low mantissa bits). */
    public static final float ROUND_MAGIC = 0x1.8p23f;
    public static final float LOG2E = 0x1.715476p+0f;
    /** ln 2 split in a high part (few bits, so n*LN2_HI is exact) and the rest. */
    public static final float LN2_HI = 0x1.62e4p-1f;
    public static final float LN2_LO = 0x1.7f7d1cp-20f;
    /** Coefficients of the degree-5 polynomial for e^b, b in [-ln2/2, ln2/2]. */
    public static final float C1 = 0x1.ffffecp-1f;
    public static final float C2 = 0x1.fffdb6p-2f;
    public static final float C3 = 0x1.555e66p-3f;
    public static final float C4 = 0x1.573e2ep-5f;
    public static final float C5 = 0x1.0e4020p-7f;
    /** Beyond |n| > 192 the result is 0 or +inf whatever the polynomial says. */
    public static final float EXP_N_LIMIT = 192f;

    /**
     * e^x as ggml's SIMD code computes it for SILU, SIGMOID-free softmax rows and friends (max error about 1.5 ulp;
     * above 88.38 it overflows to +inf, below -103.97 it flushes to 0).
     */
    public static float expf(float x) {
        float z = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = z - ROUND_MAGIC;                        // round(x / ln2)
        float b = Math.fma(-n, LN2_HI, x);
        b = Math.fma(-n, LN2_LO, b);                      // x - n*ln2 in two steps, little cancellation error
        float u = b * b;
        float j = Math.fma(Math.fma(Math.fma(C5, b, C4), u, Math.fma(C3, b, C2)), u, Math.fma(C1, b, 1.0f));
        if (Math.abs(n) > EXP_N_LIMIT) {
            return n > 0 ? Float.POSITIVE_INFINITY : 0.0f;
        }
        return Math.scalb(j, (int) n);                    // j * 2^n with one rounding, like vscalefps
    }

    /** SiLU {@code x / (1 + e^-x)} with {@link #expf}. */
    public static float silu(float x) {
        return x / (1.0f + expf(-x));
    }

    // ---- GELU tables ----

    public static final float GELU_COEF_A = 0.044715f;
    public static final float GELU_QUICK_COEF = -1.702f;
    public static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;

    /** GELU, tanh approximation, in f32 (what ggml tabulates). */
    public static float geluF32(float x) {
        float inner = SQRT_2_OVER_PI * x * Math.fma(GELU_COEF_A * x, x, 1.0f);
        return 0.5f * x * (1.0f + (float) Math.tanh(inner));
    }

    /** Quick GELU {@code x * sigmoid(1.702 x)} in f32 (what ggml tabulates). */
    public static float geluQuickF32(float x) {
        return x * (1.0f / (1.0f + (float) Math.exp(GELU_QUICK_COEF * x)));
    }

    /**
     * GELU of every f16 value, rounded to f16, stored as the f32 it converts back to: index by the f16 bits of the
     * (rounded) input, as ggml's {@code ggml_table_gelu_f16}.
     */
    public static final float[] GELU_TABLE = new float[1 << 16];
    /** Quick GELU of every f16 value, rounded to f16, as f32 ({@code ggml_table_gelu_quick_f16}). */
    public static final float[] GELU_QUICK_TABLE = new float[1 << 16];

    static {
        for (int i = 0; i < 1 << 16; i++) {
            float f = Float.float16ToFloat((short) i);
            GELU_TABLE[i] = Float.float16ToFloat(Float.floatToFloat16(geluF32(f)));
            GELU_QUICK_TABLE[i] = Float.float16ToFloat(Float.floatToFloat16(geluQuickF32(f)));
        }
    }

    /** ggml's CPU GELU: 0 below -10, identity above 10, otherwise the f16 table at the f16-rounded input. */
    public static float gelu(float x) {
        if (x <= -10.0f) {
            return 0.0f;
        }
        if (x >= 10.0f) {
            return x;
        }
        return GELU_TABLE[Float.floatToFloat16(x) & 0xFFFF];
    }

    /** ggml's CPU quick GELU: the f16 table at the f16-rounded input. */
    public static float geluQuick(float x) {
        return GELU_QUICK_TABLE[Float.floatToFloat16(x) & 0xFFFF];
    }
}
