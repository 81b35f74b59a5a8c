package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;

/**
 * A kind of memory (ggml_backend_buffer_type): its name, the alignment of the tensors placed in it, the largest
 * buffer it can make, and how it makes one. Planners only ask {@link #alignment()} and {@link #allocSize}; the bytes
 * come from {@link #allocate} when a plan is allocated, so a plan made with the {@linkplain BufferTypes#measuring()
 * measuring} type and allocated with a real one uses exactly the measured bytes.
 *
 * <h2>Plugging in your own</h2>
 * Implement this interface and either pass the instance ({@code plan.allocate(new PinnedBufferType())}) or register
 * it for {@link BufferTypes#byName} with {@code provides io.ggmljava.alloc.BufferType with my.PinnedBufferType;} in
 * your module-info (or a {@code META-INF/services/io.ggmljava.alloc.BufferType} file on the class path):
 *
 * <pre>{@code
 * public final class PinnedBufferType implements BufferType {
 *     public String name() { return "pinned"; }
 *     public long alignment() { return 4096; }                      // page-aligned tensors
 *     public Buffer allocate(long size, Usage usage) {
 *         Arena arena = Arena.ofShared();                            // the buffer owns and closes it
 *         MemorySegment seg = arena.allocate(Math.max(size, 1), alignment());
 *         return Buffer.of(this, seg.asSlice(0, size), arena, usage);
 *     }
 * }
 * }</pre>
 */
public interface BufferType {
    /** The name used by {@link BufferTypes#byName} and in reports. */
    String name();

    /** Alignment in bytes of every tensor's offset (a power of two); sizes are padded to it. */
    long alignment();

    /** The largest single buffer this type can make (ggml_backend_buft_get_max_size); unlimited by default. */
    default long maxSize() {
        return Long.MAX_VALUE;
    }

    /** Bytes {@code t} needs in a buffer of this type, before padding (ggml_backend_buft_get_alloc_size). */
    default long allocSize(Tensor t) {
        return t.nbytes();
    }

    /** Makes a buffer of exactly {@code size} bytes. */
    Buffer allocate(long size, Usage usage);

    /** False for types that only measure (their buffers have no memory). */
    default boolean hasMemory() {
        return true;
    }
}
