package io.ggmljava.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Off-heap memory from a new {@link Arena} per buffer (ggml's CPU buffer type). */
final class ArenaBufferType implements BufferType {
    /** Base addresses are at least cache-line aligned, whatever the tensor alignment. */
    private static final long BASE_ALIGNMENT = 64;

    private final ArenaKind kind;
    private final long alignment;
    private final long maxSize;

    ArenaBufferType(ArenaKind kind, long alignment, long maxSize) {
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.alignment = BufferTypes.requireAlignment(alignment);
        if (maxSize <= 0) {
            throw new IllegalArgumentException("arena buffer type: maxSize must be positive, got " + maxSize);
        }
        this.maxSize = maxSize;
    }

    @Override
    public String name() {
        return "arena-" + kind.name().toLowerCase(java.util.Locale.ROOT);
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
    public Buffer allocate(long size, Usage usage) {
        if (size < 0 || size > maxSize) {
            throw new IllegalArgumentException(name() + ": cannot allocate " + size + " bytes (max " + maxSize + ")");
        }
        Arena arena = kind.newArena();
        try {
            MemorySegment seg = arena.allocate(size, Math.max(alignment, BASE_ALIGNMENT));
            return Buffer.of(this, seg, arena, usage);
        } catch (OutOfMemoryError | RuntimeException e) {
            closeQuietly(arena);
            throw new AllocationException(name() + ": failed to allocate a " + usage + " buffer of " + size
                    + " bytes: " + e, e);
        }
    }

    private static void closeQuietly(Arena arena) {
        try {
            arena.close();
        } catch (UnsupportedOperationException | IllegalStateException ignored) {
            // automatic arenas cannot be closed
        }
    }

    @Override
    public String toString() {
        return name() + "(alignment " + alignment + ")";
    }
}
