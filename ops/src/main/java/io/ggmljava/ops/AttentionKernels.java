package io.ggmljava.ops;

/**
 * Fused attention kernels: FLASH_ATTN_EXT.
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface AttentionKernels {
}
