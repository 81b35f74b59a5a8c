package io.ggmljava.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A buffer type with no memory: its buffers only record their size (the measuring pass). */
final class MeasuringBufferType implements BufferType {
    private final long alignment;
    private final long maxSize;

    MeasuringBufferType(long alignment, long maxSize) {
        this.alignment = BufferTypes.requireAlignment(alignment);
        this.maxSize = maxSize;
    }

    @Override
    public String name() {
        return "measuring";
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
        if (size < 0) {
            throw new IllegalArgumentException("measuring: size must not be negative, got " + size);
        }
        return new Measured(this, size, usage);
    }

    @Override
    public String toString() {
        return "measuring(alignment " + alignment + ")";
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
