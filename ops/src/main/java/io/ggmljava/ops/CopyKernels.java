package io.ggmljava.ops;

/**
 * Data movement and conversion row kernels: DUP, CPY, CONT, GET_ROWS, REPEAT, CONCAT, PAD, f16/bf16 rows.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface CopyKernels {
}
