package io.ggmljava.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** The standard {@link Buffer}: a segment and the arena that owns it. */
final class SegmentBuffer implements Buffer {
    private final BufferType type;
    private final MemorySegment segment;
    private final Arena arena;
    private final Usage usage;
    private boolean closed;

    SegmentBuffer(BufferType type, MemorySegment segment, Arena arena, Usage usage) {
        this.type = Objects.requireNonNull(type, "type");
        this.segment = Objects.requireNonNull(segment, "segment");
        this.arena = arena;
        this.usage = Objects.requireNonNull(usage, "usage");
    }

    @Override
    public BufferType type() {
        return type;
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public Arena arena() {
        return arena;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public void close() {
        if (closed || arena == null) {
            closed = true;
            return;
        }
        closed = true;
        try {
            arena.close();
        } catch (UnsupportedOperationException e) {
            // automatic and global arenas cannot be closed: the garbage collector frees them
        }
    }

    @Override
    public String toString() {
        return "Buffer{" + type.name() + ", " + usage + ", " + segment.byteSize() + " bytes}";
    }
}
