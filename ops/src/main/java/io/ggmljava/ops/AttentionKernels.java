package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * The vector primitives of FLASH_ATTN_EXT's online softmax (ggml's {@code ggml_vec_*} used by
 * {@code ggml_compute_forward_flash_attn_ext_f16}): conversions, dot products, and the scale / multiply-add of the
 * output accumulator, which ggml keeps in f16 when V is f16 (every update is rounded to f16). Here that accumulator
 * is stored as f32 values that are always exact f16 values ({@link #scaleHalf}, {@link #madHalf}): the same numbers,
 * without an f16 store and reload per key (a narrowing store followed by a load of the same bytes defeats store
 * forwarding and made each update cost ~40x more).
 *
 * <p>All arrays hold {@code n} contiguous little-endian elements at byte offsets. {@code mad} and {@code scale} are
 * exact functions of their inputs (one fused multiply-add or product, one rounding), so every implementation gives
 * the same bits; the dot products may sum in a different order.
 */
public interface AttentionKernels {
    /** {@code dst[i] = f16(src[i])}: f32 to f16, round to nearest even. */
    void toF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n);

    /** {@code dst[i] = f32(src[i])}: f16 to f32. */
    void fromF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n);

    /** {@code sum x[i]*y[i]} of two f16 arrays, products and partial sums in f32 or wider. */
    float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code sum x[i]*y[i]} of two f32 arrays. */
    float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code y[i] = half(y[i] * v)} over an f32 array, {@code half} rounding to the nearest f16 value. */
    void scaleHalf(MemorySegment y, long yOff, int n, float v);

    /** {@code y[i] = half(fma(f32(x[i]), v, y[i]))}: {@code y} f32 (holding f16 values), {@code x} f16. */
    void madHalf(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v);

    /** {@code y[i] = y[i] * v} over an f32 array. */
    void scaleF32(MemorySegment y, long yOff, int n, float v);

    /** {@code y[i] = fma(x[i], v, y[i])} over f32 arrays. */
    void madF32(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v);
}
