package io.ggmljava.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A block of memory made by a {@link BufferType}: a {@link MemorySegment}, the {@link Arena} that owns it, what it
 * holds ({@link Usage}). Closing the buffer closes its arena (unless the arena is automatic or global), after which
 * the tensors bound to it can no longer be read.
 */
public interface Buffer extends AutoCloseable {
    /** The type that made this buffer. */
    BufferType type();

    /** The memory ({@link MemorySegment#NULL} for a measuring buffer). */
    MemorySegment segment();

    /** The arena that owns {@link #segment()}, or null for a measuring buffer. */
    Arena arena();

    /** Size in bytes: exactly what was asked for. */
    long size();

    Usage usage();

    /** False for measuring buffers. */
    default boolean hasMemory() {
        return type().hasMemory();
    }

    /** Releases the memory (idempotent). */
    @Override
    void close();

    /**
     * A buffer of {@code segment}, owned by {@code arena}: {@link #close()} closes the arena if it is closeable
     * ({@link Arena#ofConfined()}, {@link Arena#ofShared()}); automatic arenas are left to the garbage collector.
     */
    static Buffer of(BufferType type, MemorySegment segment, Arena arena, Usage usage) {
        return new SegmentBuffer(type, segment, arena, usage);
    }
}
