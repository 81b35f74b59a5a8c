package io.ggmljava.ops;

/**
 * Block quantization kernels: quantize and dequantize rows of every quantized type.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface QuantKernels {
}
