package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Softmax row kernels: SOFT_MAX (mask, scale, ALiBi slope) and SOFT_MAX_BACK.
 *
 * <p>Rows are {@code n} contiguous little-endian f32 values at byte offsets; {@code y} may alias {@code x}. The
 * scalar implementation is the specification: the exponential is ggml's SIMD {@code expf}, the row sum is
 * accumulated in double and its reciprocal applied as a float scale, as in ggml.
 */
public interface SoftMaxKernels {
    /**
     * {@code y = softmax(x*scale + slope*mask)}; {@code mask} (f32 or f16, {@code n} values at {@code maskOff}) may be
     * null.
     */
    void softMax(MemorySegment x, long xOff, MemorySegment mask, long maskOff, GgmlType maskType, float scale,
                 float slope, MemorySegment y, long yOff, int n);

    /** Gradient of softmax: {@code dx = scale * y * (dy - dot(y, dy))}. */
    void softMaxBack(MemorySegment dy, long dyOff, MemorySegment y, long yOff, MemorySegment dx, long dxOff, int n,
                     float scale);
}
