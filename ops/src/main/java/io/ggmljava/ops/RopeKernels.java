package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * Rotary embedding kernels: ROPE and ROPE_BACK (normal and NeoX modes, YaRN, frequency factors).
 *
 * <p>The driver ({@code RopeOps}) fills one cache per position with {@link #fillCache} and rotates every row (head)
 * of that position with {@link #rotateF32} or {@link #rotateF16}. The cache layout belongs to the implementation:
 * size it with {@link #cacheSize}. Rows are {@code spec.ne0()} contiguous elements, little-endian; source and
 * destination may be the same memory (in-place rope).
 */
public interface RopeKernels {
    /** Floats of cache one position needs for {@code spec}. */
    int cacheSize(RopeSpec spec);

    /** Fills {@code cache} with the rotation (cos, sin times {@code mscale}, sin times {@code sinSign}) of {@code pos}. */
    void fillCache(RopeSpec spec, long pos, float[] cache);

    /** Rotates one f32 row; elements at {@code nDims} and beyond are copied. */
    void rotateF32(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst, long dstOff);

    /** Rotates one f16 row (computed in f32, rounded to f16); elements at {@code nDims} and beyond are copied. */
    void rotateF16(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst, long dstOff);
}
