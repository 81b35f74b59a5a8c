package io.ggmljava.ops;

/**
 * Element-wise unary row kernels: the UNARY ops (abs ... exp), SQR, SQRT, LOG, SIN, COS, CLAMP, LEAKY_RELU, SCALE.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface UnaryKernels {
}
