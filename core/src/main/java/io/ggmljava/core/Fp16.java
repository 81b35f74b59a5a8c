package io.ggmljava.core;

import java.lang.foreign.MemorySegment;

/**
 * IEEE half (f16) and bfloat16 (bf16) conversions, bit-exact with ggml's CPU on x86.
 *
 * <p>f32 to f16 and f32 to bf16 round to nearest, ties to even; subnormals are kept; values too large become
 * infinities. NaN becomes {@code 0x7E00} (sign kept) in f16 and is quieted by setting bit 6 of the upper half in bf16
 * (its payload truncated). f16 to f32 is exact; a signaling f16 NaN comes out quiet, as x86's conversion instruction
 * (which ggml's table is built with) makes it.
 *
 * <p>The bulk forms convert {@code n} values between segments (byte offsets, little-endian) with the fastest
 * {@link Fp16Bulk} available (Vector API if present).
 */
public final class Fp16 {
    private Fp16() {
    }

    /** f16 bits to f32. */
    public static float f16ToF32(short h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x03FF) != 0) { // NaN: widen the payload and force quiet
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
        return bf16Bits(Float.floatToRawIntBits(f));
    }

    /** f32 bits to bf16 bits, round to nearest even; NaN keeps its upper half and is made quiet. */
    static short bf16Bits(int u) {
        if ((u & 0x7fffffff) > 0x7f800000) { // NaN: truncate and force quiet
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** Converts {@code n} f16 values at byte {@code srcOffset} of {@code src} to f32 at {@code dstOffset} of dst. */
    public static void f16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        Fp16Bulk.get().f16ToF32(src, srcOffset, dst, dstOffset, n);
    }

    /** Converts {@code n} f32 values to f16 (round to nearest even). */
    public static void f32ToF16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        Fp16Bulk.get().f32ToF16(src, srcOffset, dst, dstOffset, n);
    }

    /** Converts {@code n} bf16 values to f32. */
    public static void bf16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        Fp16Bulk.get().bf16ToF32(src, srcOffset, dst, dstOffset, n);
    }

    /** Converts {@code n} f32 values to bf16 (round to nearest even). */
    public static void f32ToBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        Fp16Bulk.get().f32ToBf16(src, srcOffset, dst, dstOffset, n);
    }
}
