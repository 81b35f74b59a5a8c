package io.ggmljava.core.gguf;

import io.ggmljava.core.GgmlException;
import java.util.ArrayList;
import java.util.List;

/** Typed access to {@link GgufValue}s; mismatches name the key, the wanted and the actual type. */
final class GgufValues {
    private GgufValues() {
    }

    static String asString(String key, GgufValue v) {
        if (v instanceof GgufValue.Str(String s)) {
            return s;
        }
        throw mismatch(key, "str", v);
    }

    static int asInt(String key, GgufValue v) {
        long x = switch (v) {
            case GgufValue.U8(int u) -> u;
            case GgufValue.I8(byte b) -> b;
            case GgufValue.U16(int u) -> u;
            case GgufValue.I16(short s) -> s;
            case GgufValue.I32(int i) -> i;
            case GgufValue.U32(long u) -> u;
            case GgufValue.U64 u -> throw mismatch(key, "an integer that fits an int", v);
            case GgufValue.I64 i -> throw mismatch(key, "an integer that fits an int", v);
            case GgufValue.F32 f -> throw mismatch(key, "an integer", v);
            case GgufValue.F64 f -> throw mismatch(key, "an integer", v);
            case GgufValue.Bool b -> throw mismatch(key, "an integer", v);
            case GgufValue.Str s -> throw mismatch(key, "an integer", v);
            case GgufValue.Arr a -> throw mismatch(key, "an integer", v);
        };
        if (x > Integer.MAX_VALUE) {
            throw new GgmlException("GGUF key '" + key + "': value " + x + " (" + v.type() + ") does not fit an int");
        }
        return (int) x;
    }

    static long asLong(String key, GgufValue v) {
        return switch (v) {
            case GgufValue.U8(int u) -> u;
            case GgufValue.I8(byte b) -> b;
            case GgufValue.U16(int u) -> u;
            case GgufValue.I16(short s) -> s;
            case GgufValue.I32(int i) -> i;
            case GgufValue.U32(long u) -> u;
            case GgufValue.I64(long i) -> i;
            case GgufValue.U64(long u) -> {
                if (u < 0) {
                    throw new GgmlException("GGUF key '" + key + "': value " + Long.toUnsignedString(u)
                            + " (u64) does not fit a long");
                }
                yield u;
            }
            case GgufValue.F32 f -> throw mismatch(key, "an integer", v);
            case GgufValue.F64 f -> throw mismatch(key, "an integer", v);
            case GgufValue.Bool b -> throw mismatch(key, "an integer", v);
            case GgufValue.Str s -> throw mismatch(key, "an integer", v);
            case GgufValue.Arr a -> throw mismatch(key, "an integer", v);
        };
    }

    static float asFloat(String key, GgufValue v) {
        if (v instanceof GgufValue.F32(float f)) {
            return f;
        }
        throw mismatch(key, "f32", v);
    }

    static double asDouble(String key, GgufValue v) {
        if (v instanceof GgufValue.F32(float f)) {
            return f;
        }
        if (v instanceof GgufValue.F64(double d)) {
            return d;
        }
        throw mismatch(key, "f32 or f64", v);
    }

    static boolean asBool(String key, GgufValue v) {
        if (v instanceof GgufValue.Bool(boolean b)) {
            return b;
        }
        throw mismatch(key, "bool", v);
    }

    static List<String> asStringList(String key, GgufValue v) {
        GgufValue.Arr a = array(key, "array of str", v);
        List<String> out = new ArrayList<>(a.size());
        for (GgufValue e : a.elements()) {
            out.add(asString(key, e));
        }
        return out;
    }

    static int[] asIntArray(String key, GgufValue v) {
        GgufValue.Arr a = array(key, "array of integers", v);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asInt(key + "[" + i + "]", a.get(i));
        }
        return out;
    }

    static long[] asLongArray(String key, GgufValue v) {
        GgufValue.Arr a = array(key, "array of integers", v);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(key + "[" + i + "]", a.get(i));
        }
        return out;
    }

    static float[] asFloatArray(String key, GgufValue v) {
        GgufValue.Arr a = array(key, "array of f32", v);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asFloat(key + "[" + i + "]", a.get(i));
        }
        return out;
    }

    private static GgufValue.Arr array(String key, String wanted, GgufValue v) {
        if (v instanceof GgufValue.Arr a) {
            return a;
        }
        throw mismatch(key, wanted, v);
    }

    private static GgmlException mismatch(String key, String wanted, GgufValue v) {
        return new GgmlException("GGUF key '" + key + "' is " + v.typeName() + ", not " + wanted);
    }
}
