package io.ggmljava.ops.scalar.quant;

import io.ggmljava.core.Fp16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field access for ggml's block structs, and the few C conversions the quantizers depend on.
 *
 * <p>Offsets are byte offsets into a {@link MemorySegment}. C's {@code uint8_t} fields read as {@code 0..255},
 * {@code int8_t} as {@code -128..127}; f16 fields convert exactly as ggml's {@code GGML_FP16_TO_FP32}.
 */
public final class Blocks {
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Blocks() {
    }

    /** An unsigned byte ({@code uint8_t}). */
    public static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** A signed byte ({@code int8_t}). */
    public static int i8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    /** Stores the low 8 bits of {@code v}, as a C assignment to {@code uint8_t}/{@code int8_t} does. */
    public static void put8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    /** A little-endian {@code int16_t}. */
    public static int i16(MemorySegment s, long off) {
        return s.get(I16, off);
    }

    /** Stores the low 16 bits of {@code v}. */
    public static void put16(MemorySegment s, long off, int v) {
        s.set(I16, off, (short) v);
    }

    /** A little-endian {@code uint32_t} (as an int bit pattern). */
    public static int u32(MemorySegment s, long off) {
        return s.get(I32, off);
    }

    /** Stores a little-endian {@code uint32_t}. */
    public static void put32(MemorySegment s, long off, int v) {
        s.set(I32, off, v);
    }

    /** A little-endian f32. */
    public static float f32(MemorySegment s, long off) {
        return s.get(F32, off);
    }

    /** Stores a little-endian f32. */
    public static void putF32(MemorySegment s, long off, float v) {
        s.set(F32, off, v);
    }

    /** An f16 field converted to f32 ({@code GGML_FP16_TO_FP32}, exact). */
    public static float f16(MemorySegment s, long off) {
        return Fp16.f16ToF32(s.get(I16, off));
    }

    /** Stores {@code v} as f16, rounding to nearest even ({@code GGML_FP32_TO_FP16}). */
    public static void putF16(MemorySegment s, long off, float v) {
        s.set(I16, off, Fp16.f32ToF16(v));
    }

    /** {@code v} rounded through f16 and back: what a quantizer sees after storing a scale. */
    public static float roundTripF16(float v) {
        return Fp16.f16ToF32(Fp16.f32ToF16(v));
    }

    /** Reads {@code n} little-endian f32 values into {@code dst[0..n)}. */
    public static void readFloats(MemorySegment s, long off, float[] dst, int n) {
        MemorySegment.copy(s, F32, off, dst, 0, n);
    }

    /** Writes {@code src[0..n)} as little-endian f32 values. */
    public static void writeFloats(float[] src, int n, MemorySegment s, long off) {
        MemorySegment.copy(src, 0, s, F32, off, n);
    }

    /**
     * C's float-to-int conversion as x86 executes it ({@code cvttss2si}): truncation toward zero, and the
     * "integer indefinite" value {@code INT_MIN} for NaN and out-of-range inputs (where Java would saturate).
     */
    public static int truncToInt(float f) {
        if (!(f > -2147483904f && f < 2147483648f)) { // NaN or outside the int range
            return Integer.MIN_VALUE;
        }
        return (int) f;
    }

    /** C's {@code roundf}: round half away from zero (Java's {@code Math.round} rounds half up). */
    public static float roundf(float f) {
        double r = Math.floor(Math.abs((double) f) + 0.5); // exact in double for every float
        return (float) Math.copySign(r, f);
    }
}
