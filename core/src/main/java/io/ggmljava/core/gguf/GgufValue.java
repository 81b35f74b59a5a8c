package io.ggmljava.core.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A GGUF metadata value: one record per {@link GgufType}. Unsigned types hold their value in a wider Java type
 * ({@code U8}/{@code U16} in an int, {@code U32} in a long); {@code U64} holds the raw 64 bits (read it with
 * {@link Long#toUnsignedString(long)}). Floats compare by their bits, so NaN payloads and -0 survive a round trip.
 *
 * <p>Arrays hold values of one element type; an array of arrays holds {@link Arr} elements of any element types
 * (GGUF's nested arrays).
 */
public sealed interface GgufValue {

    /** The value's GGUF type. */
    GgufType type();

    /** gguf-dump's type name: {@code u32}, {@code str}, {@code arr[str,3]}. */
    default String typeName() {
        if (this instanceof Arr a) {
            return "arr[" + a.elementType().shortName() + "," + a.size() + "]";
        }
        return type().shortName();
    }

    record U8(int value) implements GgufValue {
        public U8 {
            if (value < 0 || value > 0xFF) {
                throw new IllegalArgumentException("u8 value out of range: " + value);
            }
        }

        @Override
        public GgufType type() {
            return GgufType.U8;
        }
    }

    record I8(byte value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.I8;
        }
    }

    record U16(int value) implements GgufValue {
        public U16 {
            if (value < 0 || value > 0xFFFF) {
                throw new IllegalArgumentException("u16 value out of range: " + value);
            }
        }

        @Override
        public GgufType type() {
            return GgufType.U16;
        }
    }

    record I16(short value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.I16;
        }
    }

    record U32(long value) implements GgufValue {
        public U32 {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("u32 value out of range: " + value);
            }
        }

        @Override
        public GgufType type() {
            return GgufType.U32;
        }
    }

    record I32(int value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.I32;
        }
    }

    record F32(float value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.F32;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof F32(float v) && Float.floatToRawIntBits(v) == Float.floatToRawIntBits(value);
        }

        @Override
        public int hashCode() {
            return Float.floatToRawIntBits(value);
        }
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.BOOL;
        }
    }

    record Str(String value) implements GgufValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public GgufType type() {
            return GgufType.STRING;
        }
    }

    /** An unsigned 64-bit value stored in the bits of a long. */
    record U64(long value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.U64;
        }

        @Override
        public String toString() {
            return "U64[value=" + Long.toUnsignedString(value) + "]";
        }
    }

    record I64(long value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.I64;
        }
    }

    record F64(double value) implements GgufValue {
        @Override
        public GgufType type() {
            return GgufType.F64;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof F64(double v) && Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(value);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(Double.doubleToRawLongBits(value));
        }
    }

    /** An array of {@code elementType} values (for {@link GgufType#ARRAY}: nested arrays, each with its own type). */
    record Arr(GgufType elementType, List<GgufValue> elements) implements GgufValue {
        public Arr {
            Objects.requireNonNull(elementType, "elementType");
            elements = List.copyOf(elements);
            for (GgufValue e : elements) {
                if (e.type() != elementType) {
                    throw new IllegalArgumentException("array of " + elementType + " holds a " + e.type() + " element");
                }
            }
        }

        @Override
        public GgufType type() {
            return GgufType.ARRAY;
        }

        public int size() {
            return elements.size();
        }

        public GgufValue get(int i) {
            return elements.get(i);
        }
    }

    // ---- factories ----

    static Str of(String s) {
        return new Str(s);
    }

    static Bool of(boolean b) {
        return new Bool(b);
    }

    static I32 of(int v) {
        return new I32(v);
    }

    static I64 of(long v) {
        return new I64(v);
    }

    static F32 of(float v) {
        return new F32(v);
    }

    static F64 of(double v) {
        return new F64(v);
    }

    static U32 u32(long v) {
        return new U32(v);
    }

    static U64 u64(long bits) {
        return new U64(bits);
    }

    /** An array of strings. */
    static Arr strings(List<String> values) {
        List<GgufValue> l = new ArrayList<>(values.size());
        for (String s : values) {
            l.add(new Str(s));
        }
        return new Arr(GgufType.STRING, l);
    }

    /** An array of i32. */
    static Arr i32s(int... values) {
        List<GgufValue> l = new ArrayList<>(values.length);
        for (int v : values) {
            l.add(new I32(v));
        }
        return new Arr(GgufType.I32, l);
    }

    /** An array of f32. */
    static Arr f32s(float... values) {
        List<GgufValue> l = new ArrayList<>(values.length);
        for (float v : values) {
            l.add(new F32(v));
        }
        return new Arr(GgufType.F32, l);
    }

    /** An array of the given values, which must all have type {@code elementType}. */
    static Arr array(GgufType elementType, List<? extends GgufValue> values) {
        return new Arr(elementType, List.copyOf(values));
    }
}
