package io.ggmljava.ops;

/**
 * Dot products and tiles for MUL_MAT, MUL_MAT_ID and OUT_PROD (f32, f16, bf16 and quantized weights).
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface MatMulKernels {
}
