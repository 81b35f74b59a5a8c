package io.ggmljava.ops;

/**
 * Element-wise binary row kernels: ADD, SUB, MUL, DIV (with broadcasting), ADD1, ACC.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface BinaryKernels {
}
