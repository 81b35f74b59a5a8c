package io.ggmljava.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A buffer type with no memory: its buffers only record their size (the measuring pass). It may mirror another
 * type ({@code like}): that type's alignment, largest buffer and per-tensor sizes.
 */
final class MeasuringBufferType implements BufferType {
    private final long alignment;
    private final long maxSize;
    private final BufferType like;

    MeasuringBufferType(long alignment, long maxSize) {
        this.alignment = BufferTypes.requireAlignment(alignment);
        this.maxSize = maxSize;
        this.like = null;
    }

    MeasuringBufferType(BufferType like) {
        this.alignment = BufferTypes.requireAlignment(like.alignment());
        this.maxSize = like.maxSize();
        this.like = like;
    }

    @Override
    public String name() {
        return like == null ? "measuring" : "measuring(" + like.name() + ")";
    }

    @Override
    public long allocSize(io.ggmljava.core.Tensor t) {
        return like == null ? t.nbytes() : like.allocSize(t);
    }

    @Override
    public long alignment() {
        return alignment;
    }

    @Override
    public long maxSize() {
        return maxSize;
    }

    @Override
    public boolean hasMemory() {
        return false;
    }

    @Override
    public Buffer allocate(long size, Usage usage) {
        if (size < 0 || size > maxSize) {
            throw new IllegalArgumentException(name() + ": cannot measure a buffer of " + size + " bytes (max "
                    + maxSize + ")");
        }
        return new Measured(this, size, usage);
    }

    @Override
    public String toString() {
        return name() + " (alignment " + alignment + ")";
    }

    private record Measured(BufferType type, long size, Usage usage) implements Buffer {
        @Override
        public MemorySegment segment() {
            return MemorySegment.NULL;
        }

        @Override
        public Arena arena() {
            return null;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
