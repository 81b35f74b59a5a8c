package io.ggmljava.ops;

/**
 * Rotary embedding kernels: ROPE (normal and NeoX, YaRN).
 *
 * <p>Row-level kernels written against {@link java.lang.foreign.MemorySegment}s; the op drivers in this package
 * iterate rows, split work over threads and call these. The scalar implementation is the specification.
 */
public interface RopeKernels {
}
