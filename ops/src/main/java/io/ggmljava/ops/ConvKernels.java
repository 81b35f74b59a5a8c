package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * Convolution, pooling and resampling kernels: IM2COL patches, the dot products of the transposed convolutions
 * (over input channels, in the kernel's type: f32, or f16 with the data rounded to f16 as ggml does), POOL_1D rows,
 * POOL_2D output rows and UPSCALE rows. The op drivers ({@code ConvOps}) do the layout work and the thread split.
 */
public interface ConvKernels {
    /** Writes one IM2COL patch ({@code g.patchSize()} elements, f32 or f16) for output position {@code (oh, ow)}. */
    void im2colPatch(ConvSpecs.Im2col g, MemorySegment src, long imageOff, long oh, long ow, MemorySegment dst,
                     long dstOff, boolean f16);

    /** {@code sum x[i]*y[i]} of two contiguous f32 arrays. */
    float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code sum x[i]*y[i]} of two contiguous f16 arrays, in f32 or wider. */
    float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /**
     * POOL_1D with stride = kernel = {@code k} and no padding: {@code dst[i] = max or mean of src[i*k .. i*k+k)} for
     * {@code i < outLen}; {@code src} f32 or f16 (contiguous), {@code dst} f32.
     */
    void pool1dRow(boolean avg, boolean f16, int k, MemorySegment src, long srcOff, int outLen, MemorySegment dst,
                   long dstOff);

    /**
     * Output row {@code oy} of one POOL_2D plane: {@code g.ow()} f32 values at {@code dstOff}; the input plane starts
     * at {@code planeOff} with row stride {@code nb1} and contiguous elements.
     */
    void pool2dRow(ConvSpecs.Pool2d g, MemorySegment src, long planeOff, long nb1, long oy, MemorySegment dst,
                   long dstOff);

    /**
     * One UPSCALE row: {@code dst[i] = src[index[i]]} for {@code i < index.length}, elements of {@code elemBytes}
     * bytes with strides {@code srcNb0}/{@code dstNb0}.
     */
    void gatherRow(int[] index, int elemBytes, MemorySegment src, long srcOff, long srcNb0, MemorySegment dst,
                   long dstOff, long dstNb0);
}
