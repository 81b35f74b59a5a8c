package io.ggmljava.testdata.arbitraries;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufType;
import io.ggmljava.core.gguf.GgufValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for GGUF content: metadata values of every type (nested arrays, Unicode strings, all float bit
 * patterns), ordered KV sets, and tensors of every usable ggml type with 1 to 4 dimensions and random bytes.
 *
 * <pre>{@code
 * @Property
 * void roundTrip(@ForAll("kv") SequencedMap<String, GgufValue> kv) { ... }
 *
 * @Provide
 * Arbitrary<SequencedMap<String, GgufValue>> kv() {
 *     return GgufArbitraries.kvSets();
 * }
 * }</pre>
 */
public final class GgufArbitraries {
    private GgufArbitraries() {
    }

    /** Deepest array nesting generated (the reader accepts up to 8). */
    public static final int MAX_DEPTH = 3;

    /** A tensor to write: name, type, shape padded to 4 dims, and its bytes. */
    public record TensorSpec(String name, GgmlType type, long[] ne, int nDims, byte[] data) {
        /** The shape as passed to a writer: the first {@code nDims} entries. */
        public long[] shape() {
            return Arrays.copyOf(ne, nDims);
        }

        @Override
        public String toString() {
            return "TensorSpec[" + name + " " + type + " " + Arrays.toString(shape()) + ", " + data.length + " bytes]";
        }
    }

    // ---- strings ----

    /** Strings of Unicode code points (mostly ASCII, some BMP, some supplementary; never lone surrogates). */
    public static Arbitrary<String> unicodeStrings(int maxCodePoints) {
        Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7E);
        Arbitrary<Integer> control = Arbitraries.integers().between(0, 0x1F);
        Arbitrary<Integer> bmp = Arbitraries.integers().between(0x80, 0xFFFD).filter(c -> c < 0xD800 || c > 0xDFFF);
        Arbitrary<Integer> astral = Arbitraries.integers().between(0x10000, 0x10FFFF);
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                Tuple.of(8, ascii), Tuple.of(1, control),
                Tuple.of(3, bmp), Tuple.of(2, astral));
        return cp.list().ofMaxSize(maxCodePoints).map(GgufArbitraries::fromCodePoints);
    }

    private static String fromCodePoints(List<Integer> cps) {
        StringBuilder sb = new StringBuilder();
        cps.forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** Metadata keys: dotted ASCII names or arbitrary Unicode, never {@code general.alignment}. */
    public static Arbitrary<String> keys() {
        Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').withChars('_', '0', '1')
                .ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> dotted = part.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
        return Arbitraries.oneOf(dotted, unicodeStrings(20)).filter(k -> !k.equals("general.alignment"));
    }

    /** Tensor names: Unicode strings of at most 63 UTF-8 bytes (ggml's limit). */
    public static Arbitrary<String> tensorNames() {
        return unicodeStrings(30).filter(s -> s.getBytes(StandardCharsets.UTF_8).length <= 63);
    }

    // ---- values ----

    /** Floats from every bit pattern (NaN payloads, subnormals, -0, infinities) plus the edge values. */
    public static Arbitrary<Float> floatBits() {
        Arbitrary<Float> any = Arbitraries.integers().map(Float::intBitsToFloat);
        Arbitrary<Float> edges = Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
                Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFC12345), 1f, -1f, 0.1f);
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(1, edges));
    }

    /** Doubles from every bit pattern plus edge values. */
    public static Arbitrary<Double> doubleBits() {
        Arbitrary<Double> any = Arbitraries.longs().map(Double::longBitsToDouble);
        Arbitrary<Double> edges = Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0x7FF0000000000001L));
        return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(1, edges));
    }

    /** A value of exactly {@code type}; arrays nest at most {@code depth} more levels. */
    public static Arbitrary<GgufValue> valuesOf(GgufType type, int depth) {
        return switch (type) {
            case U8 -> Arbitraries.integers().between(0, 0xFF).map(GgufValue.U8::new);
            case I8 -> Arbitraries.bytes().map(GgufValue.I8::new);
            case U16 -> Arbitraries.integers().between(0, 0xFFFF).map(GgufValue.U16::new);
            case I16 -> Arbitraries.shorts().map(GgufValue.I16::new);
            case U32 -> Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(GgufValue.U32::new);
            case I32 -> Arbitraries.integers().map(GgufValue.I32::new);
            case F32 -> floatBits().map(GgufValue.F32::new);
            case BOOL -> Arbitraries.of(true, false).map(GgufValue.Bool::new);
            case STRING -> unicodeStrings(24).map(GgufValue.Str::new);
            case ARRAY -> arrays(depth);
            case U64 -> Arbitraries.longs().map(GgufValue.U64::new);
            case I64 -> Arbitraries.longs().map(GgufValue.I64::new);
            case F64 -> doubleBits().map(GgufValue.F64::new);
        };
    }

    /** Any value: scalars, strings and arrays nested up to {@code depth} levels. */
    public static Arbitrary<GgufValue> values(int depth) {
        Arbitrary<GgufType> types = depth > 0 ? Arbitraries.of(GgufType.class)
                : Arbitraries.of(GgufType.class).filter(t -> t != GgufType.ARRAY);
        return types.flatMap(t -> valuesOf(t, depth));
    }

    /** Arrays (of any element type, nested arrays only while {@code depth > 1}) of up to 8 elements. */
    public static Arbitrary<GgufValue> arrays(int depth) {
        Arbitrary<GgufType> elem = depth > 1 ? Arbitraries.of(GgufType.class)
                : Arbitraries.of(GgufType.class).filter(t -> t != GgufType.ARRAY);
        return elem.flatMap(t -> valuesOf(t, depth - 1).list().ofMaxSize(8)
                .map(l -> (GgufValue) new GgufValue.Arr(t, l)));
    }

    /**
     * Ordered KV sets of up to 12 pairs with unique keys and values of every type; sometimes led by a valid
     * {@code general.alignment} (a u32 power of two from 1 to 1024).
     */
    public static Arbitrary<SequencedMap<String, GgufValue>> kvSets() {
        Arbitrary<List<String>> keyLists = keys().list().uniqueElements().ofMaxSize(12);
        Arbitrary<Long> alignment = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(-1L)),
                Tuple.of(1, Arbitraries.integers().between(0, 10).map(i -> 1L << i)));
        return keyLists.flatMap(keys -> values(MAX_DEPTH).list().ofSize(keys.size()).flatMap(vals ->
                alignment.map(a -> {
                    SequencedMap<String, GgufValue> m = new LinkedHashMap<>();
                    if (a > 0) {
                        m.put("general.alignment", GgufValue.u32(a));
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        m.put(keys.get(i), vals.get(i));
                    }
                    return m;
                })));
    }

    // ---- tensors ----

    /** Every type a tensor can have (retired ids excluded). */
    public static List<GgmlType> usableTypes() {
        return Arrays.stream(GgmlType.values()).filter(t -> !t.isRetired()).toList();
    }

    /** A tensor of a usable type, 1 to 4 dimensions (rows of 1 to 3 blocks, other dims 0 to 4), random bytes. */
    public static Arbitrary<TensorSpec> tensors() {
        return Arbitraries.of(usableTypes()).flatMap(type -> {
            Arbitrary<Long> ne0 = Arbitraries.integers().between(0, type.blockSize() == 1 ? 9 : 3)
                    .map(k -> (long) k * type.blockSize());
            Arbitrary<Long> dim = Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.just(0L)),
                    Tuple.of(12, Arbitraries.longs().between(1, 4)));
            return Combinators.combine(tensorNames(), Arbitraries.integers().between(1, 4), ne0,
                    dim.list().ofSize(3), Arbitraries.longs()).as((name, nDims, n0, rest, seed) -> {
                long[] ne = {n0, 1, 1, 1};
                for (int i = 1; i < nDims; i++) {
                    ne[i] = rest.get(i - 1);
                }
                long n = ne[0] / type.blockSize() * type.typeSize() * ne[1] * ne[2] * ne[3];
                byte[] data = new byte[(int) n];
                new SplittableRandom(seed).nextBytes(data);
                return new TensorSpec(name, type, ne, nDims, data);
            });
        });
    }

    /** Up to {@code max} tensors with unique names. */
    public static Arbitrary<List<TensorSpec>> tensorLists(int max) {
        return tensors().list().uniqueElements(TensorSpec::name).ofMaxSize(max).map(ArrayList::new);
    }
}
