package io.ggmljava.core.gguf;

/**
 * The type of a GGUF metadata value, with the id stored in files and gguf-dump's short name.
 *
 * <p>{@link #fixedSize()} is the byte size of one value, or 0 for strings and arrays, whose size depends on their
 * content. {@link #minSize()} is the fewest bytes one value can take; the reader uses it to reject counts larger than
 * the rest of the file before allocating anything.
 */
public enum GgufType {
    U8(0, "u8", 1),
    I8(1, "i8", 1),
    U16(2, "u16", 2),
    I16(3, "i16", 2),
    U32(4, "u32", 4),
    I32(5, "i32", 4),
    F32(6, "f32", 4),
    BOOL(7, "bool", 1),
    STRING(8, "str", 0),
    ARRAY(9, "arr", 0),
    U64(10, "u64", 8),
    I64(11, "i64", 8),
    F64(12, "f64", 8);

    private static final GgufType[] BY_ID = values();

    private final int id;
    private final String shortName;
    private final int fixedSize;

    GgufType(int id, String shortName, int fixedSize) {
        this.id = id;
        this.shortName = shortName;
        this.fixedSize = fixedSize;
    }

    /** The id stored in files (GGUF_TYPE_*). */
    public int id() {
        return id;
    }

    /** gguf-dump's short name: {@code u8 ... f64, str, arr}. */
    public String shortName() {
        return shortName;
    }

    /** Bytes of one value, or 0 for strings and arrays. */
    public int fixedSize() {
        return fixedSize;
    }

    /** The fewest bytes a value of this type takes: a string its u64 length, an array its type and count. */
    public int minSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            case U8, I8, U16, I16, U32, I32, F32, BOOL, U64, I64, F64 -> fixedSize;
        };
    }

    /** The type with file id {@code id}, or null if there is none. */
    public static GgufType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    @Override
    public String toString() {
        return shortName;
    }
}
