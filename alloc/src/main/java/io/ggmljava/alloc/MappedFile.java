package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A read-only mapping of (part of) a file, e.g. the tensor data of a GGUF file: weights are bound to slices of the
 * mapping, zero-copy. The mapping is owned by a shared arena that {@link #close()} releases.
 *
 * <pre>{@code
 * try (MappedFile data = MappedFile.open(path, dataOffset, dataSize)) {
 *     data.bind(weight, tensorOffset);           // weight.data() is now a read-only slice of the file
 * }
 * }</pre>
 */
public final class MappedFile implements Buffer {
    private final Path path;
    private final long fileOffset;
    private final Arena arena;
    private final MemorySegment segment;
    private final BufferType type;
    private final Usage usage;
    private boolean closed;

    private MappedFile(Path path, long fileOffset, Arena arena, MemorySegment segment, BufferType type, Usage usage) {
        this.path = path;
        this.fileOffset = fileOffset;
        this.arena = arena;
        this.segment = segment;
        this.type = type;
        this.usage = usage;
    }

    /** Maps the whole file read-only. */
    public static MappedFile open(Path path) {
        try {
            long size = java.nio.file.Files.size(path);
            return open(path, 0, size);
        } catch (IOException e) {
            throw new UncheckedIOException("mapping " + path + ": " + e.getMessage(), e);
        }
    }

    /** Maps {@code size} bytes of the file from byte {@code offset}, read-only. */
    public static MappedFile open(Path path, long offset, long size) {
        return map(path, offset, size, BufferTypes.mapped(path, offset), Usage.WEIGHTS);
    }

    static MappedFile map(Path path, long offset, long size, BufferType type, Usage usage) {
        Objects.requireNonNull(path, "path");
        if (usage == Usage.COMPUTE) {
            throw new IllegalArgumentException("mapping " + path + ": a read-only file mapping cannot hold a COMPUTE "
                    + "buffer (graph results are written); use an arena buffer type");
        }
        if (offset < 0 || size < 0) {
            throw new IllegalArgumentException("mapping " + path + ": offset (" + offset + ") and size (" + size
                    + ") must not be negative");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (offset > fileSize || size > fileSize - offset) {
                throw new AllocationException("mapping " + path + ": bytes [" + offset + ", " + (offset + size)
                        + ") lie beyond the end of the file (" + fileSize + " bytes)");
            }
            Arena arena = Arena.ofShared();
            try {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, offset, size, arena);
                return new MappedFile(path, offset, arena, seg, type, usage);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("mapping " + path + ": " + e.getMessage(), e);
        }
    }

    /** Binds {@code t} to the bytes at {@code offset} of this mapping (relative to the mapped region). */
    public Tensor bind(Tensor t, long offset) {
        long n = t.nbytes();
        if (t.isView()) {
            throw new AllocationException("mapped " + path + ": tensor '" + t.name() + "' is a view; bind its source");
        }
        if (offset < 0 || offset > segment.byteSize() || n > segment.byteSize() - offset) {
            throw new AllocationException("mapped " + path + ": tensor '" + t.name() + "' " + t.describe() + " needs "
                    + n + " bytes at offset " + offset + ", the mapping has " + segment.byteSize());
        }
        return t.bind(segment.asSlice(offset, n));
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Where the mapping starts in the file. */
    public long fileOffset() {
        return fileOffset;
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
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "MappedFile{" + path + " [" + fileOffset + ", " + (fileOffset + segment.byteSize()) + ")}";
    }
}
