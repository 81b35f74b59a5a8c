package io.ggmljava.ops;

/**
 * Recurrent and state-space kernels: SSM_CONV, SSM_SCAN, RWKV_WKV6, GATED_LINEAR_ATTN.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface RecurrentKernels {
}
