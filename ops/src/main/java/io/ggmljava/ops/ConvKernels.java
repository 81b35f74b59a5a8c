package io.ggmljava.ops;

/**
 * Convolution, pooling and resampling kernels: IM2COL, CONV_TRANSPOSE_1D, POOL_1D, POOL_2D, UPSCALE.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface ConvKernels {
}
