package io.ggmljava.alloc;

import java.nio.file.Path;

/**
 * Read-only, zero-copy buffers mapped from a file region that starts at a fixed offset: a linear plan of a GGUF's
 * tensors (in file order, padded to the file's alignment) allocated with this type binds every tensor to its bytes
 * in the file. Allocating maps {@code [offset, offset + size)}; COMPUTE buffers are refused (a mapping is read-only).
 */
final class MappedBufferType implements BufferType {
    private final Path path;
    private final long offset;
    private final long alignment;

    MappedBufferType(Path path, long offset, long alignment) {
        this.path = java.util.Objects.requireNonNull(path, "path");
        this.offset = offset;
        this.alignment = BufferTypes.requireAlignment(alignment);
    }

    @Override
    public String name() {
        return "mmap";
    }

    @Override
    public long alignment() {
        return alignment;
    }

    @Override
    public Buffer allocate(long size, Usage usage) {
        return MappedFile.map(path, offset, size, this, usage);
    }

    @Override
    public String toString() {
        return "mmap(" + path + " @" + offset + ")";
    }
}
