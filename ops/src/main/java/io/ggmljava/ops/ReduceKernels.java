package io.ggmljava.ops;

/**
 * Reduction row kernels: SUM, SUM_ROWS, MEAN, ARGMAX, COUNT_EQUAL.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface ReduceKernels {
}
