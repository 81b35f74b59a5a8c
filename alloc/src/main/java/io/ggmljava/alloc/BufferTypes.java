package io.ggmljava.alloc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The built-in {@link BufferType}s and the lookup of plug-ins by name.
 *
 * <pre>{@code
 * BufferType mem = BufferTypes.arena();                         // shared Arena, 32-byte aligned tensors
 * BufferType one = BufferTypes.arena(ArenaKind.CONFINED);       // single-threaded use
 * BufferType none = BufferTypes.measuring();                    // sizes only, no memory
 * BufferType gguf = BufferTypes.mapped(file, dataOffset);       // read-only weights, zero-copy
 * BufferType any = BufferTypes.byName("arena-auto");            // built-ins and ServiceLoader plug-ins
 * }</pre>
 */
public final class BufferTypes {
    /** ggml's CPU tensor alignment (TENSOR_ALIGNMENT): planned sizes match ggml's byte for byte. */
    public static final long DEFAULT_ALIGNMENT = 32;

    private static final BufferType SHARED = new ArenaBufferType(ArenaKind.SHARED, DEFAULT_ALIGNMENT, Long.MAX_VALUE);
    private static final BufferType CONFINED =
            new ArenaBufferType(ArenaKind.CONFINED, DEFAULT_ALIGNMENT, Long.MAX_VALUE);
    private static final BufferType AUTO = new ArenaBufferType(ArenaKind.AUTO, DEFAULT_ALIGNMENT, Long.MAX_VALUE);
    private static final BufferType MEASURING = new MeasuringBufferType(DEFAULT_ALIGNMENT, Long.MAX_VALUE);

    private BufferTypes() {
    }

    /** Off-heap memory from a shared {@link java.lang.foreign.Arena} (any thread may use it; closed explicitly). */
    public static BufferType arena() {
        return SHARED;
    }

    /** Off-heap memory from an arena of the given kind. */
    public static BufferType arena(ArenaKind kind) {
        return switch (kind) {
            case SHARED -> SHARED;
            case CONFINED -> CONFINED;
            case AUTO -> AUTO;
        };
    }

    /** Off-heap memory from an arena of the given kind, tensor alignment and largest buffer size. */
    public static BufferType arena(ArenaKind kind, long alignment, long maxSize) {
        return new ArenaBufferType(kind, alignment, maxSize);
    }

    /** No memory: buffers only record their size. */
    public static BufferType measuring() {
        return MEASURING;
    }

    /** A measuring type that mirrors another type's alignment, max size and per-tensor sizes. */
    public static BufferType measuring(BufferType like) {
        return new MeasuringBufferType(java.util.Objects.requireNonNull(like, "like"));
    }

    /** Read-only mappings of {@code file} starting at byte {@code offset}, 32-byte aligned (GGUF's default). */
    public static BufferType mapped(Path file, long offset) {
        return new MappedBufferType(file, offset, DEFAULT_ALIGNMENT);
    }

    /** Read-only mappings of {@code file} starting at byte {@code offset}, with the file's tensor alignment. */
    public static BufferType mapped(Path file, long offset, long alignment) {
        return new MappedBufferType(file, offset, alignment);
    }

    /**
     * The buffer type called {@code name}: {@code arena} (= {@code arena-shared}), {@code arena-confined},
     * {@code arena-auto}, {@code measuring}, or a plug-in found by {@link ServiceLoader}.
     */
    public static BufferType byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "arena", "arena-shared" -> {
                return SHARED;
            }
            case "arena-confined" -> {
                return CONFINED;
            }
            case "arena-auto" -> {
                return AUTO;
            }
            case "measuring" -> {
                return MEASURING;
            }
            default -> {
                for (BufferType t : ServiceLoader.load(BufferType.class)) {
                    if (t.name().equalsIgnoreCase(name)) {
                        return t;
                    }
                }
                throw new IllegalArgumentException("no buffer type named '" + name + "'; known: " + names());
            }
        }
    }

    /** Names of the built-in types and of every plug-in on the module or class path. */
    public static List<String> names() {
        List<String> out = new ArrayList<>(List.of("arena-shared", "arena-confined", "arena-auto", "measuring"));
        for (BufferType t : ServiceLoader.load(BufferType.class)) {
            out.add(t.name());
        }
        return out;
    }

    static long requireAlignment(long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        return alignment;
    }
}
