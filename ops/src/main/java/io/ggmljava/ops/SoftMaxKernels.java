package io.ggmljava.ops;

/**
 * Softmax and masking row kernels: SOFT_MAX (masks, scale, ALiBi), DIAG_MASK_INF, DIAG_MASK_ZERO.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface SoftMaxKernels {
}
