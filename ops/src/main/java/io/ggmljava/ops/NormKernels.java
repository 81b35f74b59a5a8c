package io.ggmljava.ops;

/**
 * Normalisation row kernels: NORM, RMS_NORM, GROUP_NORM.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface NormKernels {
}
