package io.ggmljava.core;

/**
 * IEEE half (f16) and bfloat16 (bf16) conversions, bit-exact with ggml's CPU.
 *
 * <p>f32 to f16 and f32 to bf16 round to nearest, ties to even; subnormals are kept; infinities map to infinities.
 * NaN becomes {@code 0x7E00} (sign kept) in f16 and is quieted by setting bit 6 of the upper half in bf16.
 */
public final class Fp16 {
    private Fp16() {
    }

    /** f16 bits to f32 (exact; a signalling NaN comes back quiet, as from ggml's conversion on x86). */
    public static float f16ToF32(short h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0) {
            // Float.float16ToFloat keeps a signalling NaN signalling when interpreted but the JIT's intrinsic
            // (vcvtph2ps) quiets it; quieting here makes the result the same everywhere and equal to ggml's.
            return Float.intBitsToFloat((h & 0x8000) << 16 | 0x7FC00000 | (h & 0x03FF) << 13);
        }
        return Float.float16ToFloat(h);
    }

    /** f32 to f16 bits, round to nearest even. */
    public static short f32ToF16(float f) {
        if (Float.isNaN(f)) {
            return (short) ((Float.floatToRawIntBits(f) >>> 16 & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** bf16 bits to f32. */
    public static float bf16ToF32(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** f32 to bf16 bits, round to nearest even (ggml_compute_fp32_to_bf16). */
    public static short f32ToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) { // NaN: truncate and force quiet
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }
}
