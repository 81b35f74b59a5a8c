package io.ggmljava.testdata.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufFormatException;
import io.ggmljava.core.gguf.GgufFormatException.Rule;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufType;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of malformed GGUF files: every truncation point of a few valid files, targeted single-byte
 * corruptions of header fields (each with the rule it must break), a blind single-byte fuzz of every header byte, and
 * one or more hand-built files per format rule. Every malformed file must be rejected with a
 * {@link GgufFormatException} naming the right rule; nothing may crash, hang or be accepted as garbage. The counts are
 * printed for the project notes.
 */
class MalformedGgufCorpusTest {
    /** A hang guard, not a speed assertion: the whole batch normally takes a second or two. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private static final List<String> GOLDEN_BASES = List.of(
            "add/add_10x5x4x3_nr1111.gguf",
            "graph/gru_i5_h8_t9_small.gguf",
            "quantize/quantize_q4_0_64x4_uniform.gguf",
            "mul_mat/mul_mat_q4_k_m16_n1_k256_bs23_nr11_per0213.gguf");

    private static Map<String, byte[]> bases;

    @BeforeAll
    static void loadBases() throws IOException {
        bases = new LinkedHashMap<>();
        Path dir = GoldenFiles.dir();
        for (String name : GOLDEN_BASES) {
            bases.put(name, Files.readAllBytes(dir.resolve(name)));
        }
        bases.put("synthetic/all_types.gguf", syntheticAllTypes());
    }

    /** Every value type, nested arrays, general.alignment 64, plain and quantized tensors of 1 to 4 dimensions. */
    static byte[] syntheticAllTypes() {
        GgufWriter w = new GgufWriter()
                .put("general.alignment", GgufValue.u32(64))
                .put("t.u8", new GgufValue.U8(200))
                .put("t.i8", new GgufValue.I8((byte) -5))
                .put("t.u16", new GgufValue.U16(60000))
                .put("t.i16", new GgufValue.I16((short) -3000))
                .put("t.u32", GgufValue.u32(4000000000L))
                .put("t.i32", GgufValue.of(-7))
                .put("t.f32", GgufValue.of(1.5f))
                .put("t.bool", GgufValue.of(true))
                .put("t.str", GgufValue.of("héllo wörld ✓"))
                .put("t.u64", GgufValue.u64(-1L))
                .put("t.i64", GgufValue.of(-123456789012L))
                .put("t.f64", GgufValue.of(-2.25))
                .put("t.bools", GgufValue.array(GgufType.BOOL, List.of(GgufValue.of(true), GgufValue.of(false))))
                .put("t.strs", GgufValue.strings(List.of("a", "", "日本語")))
                .put("t.nested", GgufValue.array(GgufType.ARRAY, List.of(GgufValue.i32s(1, 2, 3),
                        GgufValue.strings(List.of("x")), GgufValue.array(GgufType.F32, List.of()))));
        addTensor(w, "a.f32", GgmlType.F32, 3, 2);
        addTensor(w, "b.q4_0", GgmlType.Q4_0, 64, 2);
        addTensor(w, "c.f16", GgmlType.F16, 5);
        addTensor(w, "d.i32", GgmlType.I32, 1, 1, 3);
        addTensor(w, "e.bf16", GgmlType.BF16, 2, 3, 2, 2);
        addTensor(w, "f.q4_K", GgmlType.Q4_K, 256);
        return w.toByteArray();
    }

    private static void addTensor(GgufWriter w, String name, GgmlType type, long... ne) {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        byte[] data = new byte[(int) (n / type.blockSize() * type.typeSize())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + name.length());
        }
        w.addTensor(name, type, ne, MemorySegment.ofArray(data));
    }

    // ---- outcomes ----

    /** The result of parsing one candidate: the rule it was rejected with, or null if accepted. */
    private record Outcome(Rule rule, GgufFile file) {
    }

    private static Outcome parse(MemorySegment seg, boolean headerOnly) {
        try {
            return new Outcome(null, headerOnly ? GgufFile.readHeaderOnly(seg) : GgufFile.read(seg));
        } catch (GgufFormatException e) {
            assertTrue(e.getMessage().startsWith("at byte " + e.offset() + ": " + e.rule().phrase() + ": "),
                    "message names offset and rule: " + e.getMessage());
            assertTrue(e.offset() >= 0 && e.offset() <= seg.byteSize(), "offset inside the file: " + e.getMessage());
            return new Outcome(e.rule(), null);
        }
        // Anything else (IndexOutOfBounds, OutOfMemoryError, StackOverflowError, ...) propagates and fails the test.
    }

    private static final class Tally {
        final String title;
        final Map<String, Integer> counts = new TreeMap<>();
        int files;

        Tally(String title) {
            this.title = title;
        }

        void add(String outcome) {
            files++;
            counts.merge(outcome, 1, Integer::sum);
        }

        void print() {
            System.out.printf("malformed GGUF corpus, %s: %d files: %s%n", title, files, counts);
        }
    }

    // ---- 1. every truncation point ----

    @Test
    void everyTruncationPointIsRejected() {
        Tally full = new Tally("truncations");
        Tally headerOnly = new Tally("truncations read header-only");
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (Map.Entry<String, byte[]> base : bases.entrySet()) {
                byte[] bytes = base.getValue();
                MemorySegment whole = MemorySegment.ofArray(bytes);
                long infosEnd;
                long dataOffset;
                try (GgufFile f = GgufFile.read(whole)) {
                    infosEnd = f.headerEnd();
                    dataOffset = f.dataOffset();
                }
                for (int n = 0; n < bytes.length; n++) {
                    MemorySegment cut = whole.asSlice(0, n);
                    Outcome o = parse(cut, false);
                    Set<Rule> expected = n < dataOffset ? EnumSet.of(Rule.TRUNCATED, Rule.COUNT_TOO_LARGE)
                            : EnumSet.of(Rule.DATA_OUT_OF_RANGE);
                    assertTrue(o.rule() != null && expected.contains(o.rule()),
                            base.getKey() + " cut at " + n + ": expected one of " + expected + ", got " + o.rule());
                    full.add(o.rule().name());

                    Outcome h = parse(cut, true);
                    if (n < infosEnd) {
                        assertTrue(h.rule() == Rule.TRUNCATED || h.rule() == Rule.COUNT_TOO_LARGE,
                                base.getKey() + " cut at " + n + " header-only: got " + h.rule());
                        headerOnly.add(h.rule().name());
                    } else {
                        assertTrue(h.rule() == null, base.getKey() + " cut at " + n + " header-only must parse");
                        checkHeaderOnlyAccess(h.file(), n);
                        headerOnly.add("accepted header-only");
                    }
                }
            }
        });
        full.print();
        headerOnly.print();
    }

    /** Tensors whose data is cut off fail clearly on access; those fully present are readable. */
    private static void checkHeaderOnlyAccess(GgufFile f, long size) {
        for (GgufTensorInfo t : f.tensors()) {
            long end = f.dataOffset() + t.offset() + t.nbytes();
            if (end <= size) {
                assertEquals(t.nbytes(), f.tensorData(t).byteSize());
            } else {
                try {
                    f.tensorData(t);
                    throw new AssertionError("tensorData of absent tensor '" + t.name() + "' did not fail");
                } catch (io.ggmljava.core.GgmlException e) {
                    assertTrue(e.getMessage().contains("header-only"), e.getMessage());
                }
            }
        }
    }

    // ---- 2. targeted single-byte corruptions of header fields ----

    private enum Kind {
        MAGIC, VERSION, N_TENSORS, N_KV, KEY_LEN, KEY_BYTES, VALUE_TYPE, ARRAY_ELEM_TYPE, ARRAY_COUNT, STR_LEN,
        STR_BYTES, BOOL, SCALAR, ALIGNMENT_TYPE, ALIGNMENT_VALUE, NAME_LEN, NAME_BYTES, N_DIMS, DIM, TENSOR_TYPE,
        TENSOR_OFFSET
    }

    /** One header field of a valid file; for DIM fields, {@code tensorType} and {@code ne} of its tensor. */
    private record Field(Kind kind, int pos, int size, int dimIndex, int tensorType, long[] ne) {
        Field(Kind kind, int pos, int size) {
            this(kind, pos, size, -1, -1, null);
        }
    }

    /** Walks a valid file and lists its header fields (an independent little walker, not the library's parser). */
    private static List<Field> fields(byte[] b) {
        List<Field> out = new ArrayList<>();
        int[] p = {0};
        out.add(new Field(Kind.MAGIC, 0, 4));
        out.add(new Field(Kind.VERSION, 4, 4));
        out.add(new Field(Kind.N_TENSORS, 8, 8));
        out.add(new Field(Kind.N_KV, 16, 8));
        long nTensors = le(b, 8, 8);
        long nKv = le(b, 16, 8);
        p[0] = 24;
        for (long i = 0; i < nKv; i++) {
            int keyLen = (int) le(b, p[0], 8);
            out.add(new Field(Kind.KEY_LEN, p[0], 8));
            out.add(new Field(Kind.KEY_BYTES, p[0] + 8, keyLen));
            String key = new String(b, p[0] + 8, keyLen, java.nio.charset.StandardCharsets.UTF_8);
            p[0] += 8 + keyLen;
            int type = (int) le(b, p[0], 4);
            boolean alignment = key.equals("general.alignment");
            out.add(new Field(alignment ? Kind.ALIGNMENT_TYPE : Kind.VALUE_TYPE, p[0], 4));
            p[0] += 4;
            if (alignment) {
                out.add(new Field(Kind.ALIGNMENT_VALUE, p[0], 4));
                p[0] += 4;
            } else {
                walkValue(b, p, type, out);
            }
        }
        for (long i = 0; i < nTensors; i++) {
            int nameLen = (int) le(b, p[0], 8);
            out.add(new Field(Kind.NAME_LEN, p[0], 8));
            out.add(new Field(Kind.NAME_BYTES, p[0] + 8, nameLen));
            p[0] += 8 + nameLen;
            int nDims = (int) le(b, p[0], 4);
            out.add(new Field(Kind.N_DIMS, p[0], 4));
            p[0] += 4;
            long[] ne = {1, 1, 1, 1};
            for (int d = 0; d < nDims; d++) {
                ne[d] = le(b, p[0] + 8 * d, 8);
            }
            int type = (int) le(b, p[0] + 8 * nDims, 4);
            for (int d = 0; d < nDims; d++) {
                out.add(new Field(Kind.DIM, p[0], 8, d, type, ne));
                p[0] += 8;
            }
            out.add(new Field(Kind.TENSOR_TYPE, p[0], 4));
            out.add(new Field(Kind.TENSOR_OFFSET, p[0] + 4, 8));
            p[0] += 12;
        }
        return out;
    }

    private static void walkValue(byte[] b, int[] p, int type, List<Field> out) {
        switch (type) {
            case 8 -> {
                int len = (int) le(b, p[0], 8);
                out.add(new Field(Kind.STR_LEN, p[0], 8));
                out.add(new Field(Kind.STR_BYTES, p[0] + 8, len));
                p[0] += 8 + len;
            }
            case 9 -> {
                int elem = (int) le(b, p[0], 4);
                out.add(new Field(Kind.ARRAY_ELEM_TYPE, p[0], 4));
                long count = le(b, p[0] + 4, 8);
                out.add(new Field(Kind.ARRAY_COUNT, p[0] + 4, 8));
                p[0] += 12;
                for (long i = 0; i < count; i++) {
                    walkValue(b, p, elem, out);
                }
            }
            case 7 -> {
                out.add(new Field(Kind.BOOL, p[0], 1));
                p[0] += 1;
            }
            default -> {
                int size = switch (type) {
                    case 0, 1 -> 1;
                    case 2, 3 -> 2;
                    case 4, 5, 6 -> 4;
                    case 10, 11, 12 -> 8;
                    default -> throw new IllegalStateException("type " + type);
                };
                out.add(new Field(Kind.SCALAR, p[0], size));
                p[0] += size;
            }
        }
    }

    private static long le(byte[] b, int pos, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[pos + i] & 0xFF);
        }
        return v;
    }

    /** A corruption: set byte {@code pos} to {@code value}; the file must then break {@code rule}. */
    private record Corruption(int pos, int value, Rule rule) {
    }

    private static List<Corruption> corruptions(byte[] b, Field f) {
        List<Corruption> out = new ArrayList<>();
        int top = f.pos() + f.size() - 1;
        switch (f.kind()) {
            case MAGIC -> {
                for (int i = 0; i < 4; i++) {
                    out.add(new Corruption(f.pos() + i, b[f.pos() + i] ^ 0x20, Rule.BAD_MAGIC));
                    out.add(new Corruption(f.pos() + i, 0, Rule.BAD_MAGIC));
                }
            }
            case VERSION -> {
                for (int v : new int[] {0, 1, 4, 0xFF}) {
                    out.add(new Corruption(f.pos(), v, Rule.UNSUPPORTED_VERSION));
                }
                out.add(new Corruption(top, 3, Rule.UNSUPPORTED_VERSION));
            }
            case N_TENSORS, N_KV, KEY_LEN, STR_LEN, ARRAY_COUNT -> {
                out.add(new Corruption(top, 0x80, Rule.COUNT_TOO_LARGE));
                out.add(new Corruption(top, 0x7F, Rule.COUNT_TOO_LARGE));
                out.add(new Corruption(f.pos() + 4, 0x01, Rule.COUNT_TOO_LARGE));
            }
            case VALUE_TYPE, ARRAY_ELEM_TYPE -> {
                out.add(new Corruption(f.pos(), 13, Rule.UNKNOWN_VALUE_TYPE));
                out.add(new Corruption(f.pos(), 0xFF, Rule.UNKNOWN_VALUE_TYPE));
                out.add(new Corruption(top, 0x80, Rule.UNKNOWN_VALUE_TYPE));
            }
            case KEY_BYTES, STR_BYTES, NAME_BYTES -> {
                for (int i = 0; i < f.size(); i++) {
                    out.add(new Corruption(f.pos() + i, 0xFF, Rule.INVALID_VALUE)); // never valid in UTF-8
                }
            }
            case BOOL -> {
                out.add(new Corruption(f.pos(), 2, Rule.INVALID_VALUE));
                out.add(new Corruption(f.pos(), 0xFF, Rule.INVALID_VALUE));
            }
            case ALIGNMENT_TYPE -> {
                out.add(new Corruption(f.pos(), 5, Rule.BAD_ALIGNMENT)); // i32: the same size, the wrong type
                out.add(new Corruption(f.pos(), 6, Rule.BAD_ALIGNMENT)); // f32
            }
            case ALIGNMENT_VALUE -> {
                out.add(new Corruption(f.pos(), 0, Rule.BAD_ALIGNMENT));
                out.add(new Corruption(f.pos(), b[f.pos()] | 1, Rule.BAD_ALIGNMENT));
                out.add(new Corruption(f.pos(), 0x30, Rule.BAD_ALIGNMENT));
            }
            case NAME_LEN -> {
                out.add(new Corruption(f.pos(), 64, Rule.TENSOR_NAME));
                out.add(new Corruption(top, 0x80, Rule.TENSOR_NAME));
            }
            case N_DIMS -> {
                for (int v : new int[] {0, 5, 0xFF}) {
                    out.add(new Corruption(f.pos(), v, Rule.BAD_N_DIMS));
                }
            }
            case DIM -> {
                out.add(new Corruption(top, 0x80, Rule.NEGATIVE_DIM));
                out.add(new Corruption(top, 0x7F, overflowOrRange(f, 0x7F)));
                GgmlType t = GgmlType.byId(f.tensorType());
                if (f.dimIndex() == 0 && t.blockSize() > 1) {
                    out.add(new Corruption(f.pos(), b[f.pos()] ^ 1, Rule.ROW_SIZE));
                }
            }
            case TENSOR_TYPE -> {
                for (int v : new int[] {4, 5, 31, 36, 38, 39, 0xFF}) {
                    out.add(new Corruption(f.pos(), v, Rule.UNKNOWN_TENSOR_TYPE));
                }
            }
            case TENSOR_OFFSET -> {
                out.add(new Corruption(f.pos(), b[f.pos()] ^ 1, Rule.DATA_MISALIGNED));
                out.add(new Corruption(f.pos(), b[f.pos()] ^ 16, Rule.DATA_MISALIGNED));
                out.add(new Corruption(top, 0x01, Rule.DATA_OUT_OF_RANGE));
                out.add(new Corruption(top, 0x80, Rule.DATA_OUT_OF_RANGE));
            }
            case SCALAR -> {
                // any bit pattern is a valid number: covered by the blind fuzz below
            }
        }
        return out;
    }

    /** The rule a DIM whose top byte becomes {@code topByte} breaks: overflow if the size no longer fits a long. */
    private static Rule overflowOrRange(Field f, int topByte) {
        long[] ne = f.ne().clone();
        ne[f.dimIndex()] = (ne[f.dimIndex()] & 0x00FF_FFFF_FFFF_FFFFL) | ((long) topByte << 56);
        GgmlType t = GgmlType.byId(f.tensorType());
        BigInteger elements = BigInteger.ONE;
        for (long d : ne) {
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        BigInteger bytes = elements.divide(BigInteger.valueOf(t.blockSize())).multiply(BigInteger.valueOf(t.typeSize()))
                .add(BigInteger.valueOf(64));
        if (elements.bitLength() > 63 || bytes.bitLength() > 63) {
            return Rule.ELEMENT_COUNT_OVERFLOW;
        }
        return ne[0] % t.blockSize() != 0 ? Rule.ROW_SIZE : Rule.DATA_OUT_OF_RANGE;
    }

    @Test
    void targetedHeaderCorruptionsBreakTheirRule() {
        Tally tally = new Tally("targeted single-byte header corruptions");
        Map<Kind, Integer> perField = new EnumMap<>(Kind.class);
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (Map.Entry<String, byte[]> base : bases.entrySet()) {
                byte[] original = base.getValue();
                for (Field f : fields(original)) {
                    for (Corruption c : corruptions(original, f)) {
                        byte[] bytes = original.clone();
                        if (bytes[c.pos()] == (byte) c.value()) {
                            continue;
                        }
                        bytes[c.pos()] = (byte) c.value();
                        Outcome o = parse(MemorySegment.ofArray(bytes), false);
                        assertEquals(c.rule(), o.rule(), base.getKey() + ": " + f.kind() + " byte " + c.pos()
                                + " set to " + (c.value() & 0xFF));
                        tally.add(o.rule().name());
                        perField.merge(f.kind(), 1, Integer::sum);
                    }
                }
            }
        });
        tally.print();
        System.out.printf("malformed GGUF corpus, targeted corruptions per field: %s%n", perField);
        assertTrue(tally.counts.keySet().containsAll(List.of("BAD_MAGIC", "UNSUPPORTED_VERSION", "COUNT_TOO_LARGE",
                "UNKNOWN_VALUE_TYPE", "INVALID_VALUE", "BAD_ALIGNMENT", "TENSOR_NAME", "BAD_N_DIMS", "NEGATIVE_DIM",
                "UNKNOWN_TENSOR_TYPE", "ROW_SIZE", "DATA_MISALIGNED", "DATA_OUT_OF_RANGE")), tally.counts.toString());
    }

    // ---- 3. blind fuzz: every header byte set to 0x00, 0xFF, b^0x01, b^0x80 ----

    @Test
    void everyHeaderByteCorruptedIsRejectedOrStillAValidFile() {
        Tally tally = new Tally("blind single-byte fuzz of every header byte");
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (Map.Entry<String, byte[]> base : bases.entrySet()) {
                byte[] original = base.getValue();
                long infosEnd;
                try (GgufFile f = GgufFile.read(MemorySegment.ofArray(original))) {
                    infosEnd = f.headerEnd();
                }
                for (int pos = 0; pos < infosEnd; pos++) {
                    int b = original[pos] & 0xFF;
                    for (int v : new int[] {0x00, 0xFF, b ^ 0x01, b ^ 0x80}) {
                        if (v == b) {
                            continue;
                        }
                        byte[] bytes = original.clone();
                        bytes[pos] = (byte) v;
                        Outcome o = parse(MemorySegment.ofArray(bytes), false);
                        if (o.rule() != null) {
                            tally.add(o.rule().name());
                        } else {
                            checkConsistent(o.file(), base.getKey() + " byte " + pos + " set to " + v);
                            tally.add("still valid (checked consistent)");
                        }
                    }
                }
            }
        });
        tally.print();
    }

    /**
     * An accepted file must be what it says: every tensor's data inside the file, and writing it back and reading the
     * result gives the same KVs, tensors and data.
     */
    private static void checkConsistent(GgufFile f, String what) {
        byte[] rewritten = GgufWriter.copyOf(f).toByteArray();
        GgufFile again = GgufFile.read(MemorySegment.ofArray(rewritten));
        assertEquals(f.kv(), again.kv(), what);
        assertEquals(f.tensors().size(), again.tensors().size(), what);
        for (int i = 0; i < f.tensors().size(); i++) {
            GgufTensorInfo a = f.tensors().get(i);
            GgufTensorInfo b = again.tensors().get(i);
            assertEquals(a.name(), b.name(), what);
            assertEquals(a.type(), b.type(), what);
            assertArrayEquals(a.ne(), b.ne(), what);
            assertArrayEquals(f.tensorData(a).toArray(ValueLayout.JAVA_BYTE),
                    again.tensorData(b).toArray(ValueLayout.JAVA_BYTE), what);
        }
    }

    // ---- 4. one or more hand-built files per rule ----

    private record Case(String name, byte[] bytes, Rule rule) {
    }

    private static final long[] NE_8 = {8};

    /** A valid one-tensor file: f32 [8] at offset 0, with the given KVs (raw bytes) before it. */
    private static RawGguf oneTensor(int nKv) {
        return RawGguf.header(3, 1, nKv);
    }

    static List<Case> ruleCases() {
        List<Case> c = new ArrayList<>();
        // bad magic
        c.add(new Case("magic GGUX", new RawGguf().bytes("GGUX".getBytes()).u32(3).u64(0).u64(0).build(),
                Rule.BAD_MAGIC));
        c.add(new Case("magic lower-case", new RawGguf().bytes("gguf".getBytes()).u32(3).u64(0).u64(0).build(),
                Rule.BAD_MAGIC));
        // versions
        for (int v : new int[] {0, 1, 4, 0x03000000, -1}) {
            c.add(new Case("version " + Integer.toUnsignedString(v), RawGguf.header(v, 0, 0).build(),
                    Rule.UNSUPPORTED_VERSION));
        }
        // truncated
        c.add(new Case("empty file", new byte[0], Rule.TRUNCATED));
        c.add(new Case("magic only", "GGUF".getBytes(), Rule.TRUNCATED));
        c.add(new Case("no n_kv", new RawGguf().bytes("GGUF".getBytes()).u32(3).u64(0).build(), Rule.TRUNCATED));
        c.add(new Case("value cut", RawGguf.header(3, 0, 1).str("k").u32(10).u32(7).build(), Rule.TRUNCATED));
        c.add(new Case("data section absent", RawGguf.header(3, 0, 1).kvStr("k", "v").build(), Rule.TRUNCATED));
        // counts and lengths larger than the rest of the file (ggml's reader aborted on a huge key count)
        c.add(new Case("n_kv 2^62", RawGguf.header(3, 0, 1L << 62).build(), Rule.COUNT_TOO_LARGE));
        c.add(new Case("n_kv 2^64-1", RawGguf.header(3, 0, -1L).build(), Rule.COUNT_TOO_LARGE));
        c.add(new Case("n_kv 1000 in a small file", RawGguf.header(3, 0, 1000).kvStr("k", "v").pad(32).build(),
                Rule.COUNT_TOO_LARGE));
        c.add(new Case("n_tensors 2^40", RawGguf.header(3, 1L << 40, 0).build(), Rule.COUNT_TOO_LARGE));
        c.add(new Case("key length 2^63-1", RawGguf.header(3, 0, 1).u64(Long.MAX_VALUE).build(),
                Rule.COUNT_TOO_LARGE));
        c.add(new Case("string length 2^40", RawGguf.header(3, 0, 1).str("k").u32(8).u64(1L << 40).build(),
                Rule.COUNT_TOO_LARGE));
        c.add(new Case("array count 2^60 of u64", RawGguf.header(3, 0, 1).str("k").u32(9).u32(10).u64(1L << 60)
                .build(), Rule.COUNT_TOO_LARGE));
        c.add(new Case("array count 2^31 of u8 in a small file", RawGguf.header(3, 0, 1).str("k").u32(9).u32(0)
                .u64(1L << 31).data(100).build(), Rule.COUNT_TOO_LARGE));
        c.add(new Case("nested array count 2^50", RawGguf.header(3, 0, 1).str("k").u32(9).u32(9).u64(1)
                .u32(0).u64(1L << 50).build(), Rule.COUNT_TOO_LARGE));
        // unknown value types
        c.add(new Case("value type 13", RawGguf.header(3, 0, 1).str("k").u32(13).u32(0).pad(32).build(),
                Rule.UNKNOWN_VALUE_TYPE));
        c.add(new Case("value type 2^32-1", RawGguf.header(3, 0, 1).str("k").u32(-1).u32(0).pad(32).build(),
                Rule.UNKNOWN_VALUE_TYPE));
        c.add(new Case("array element type 13", RawGguf.header(3, 0, 1).str("k").u32(9).u32(13).u64(1).u32(0)
                .pad(32).build(), Rule.UNKNOWN_VALUE_TYPE));
        // invalid values
        c.add(new Case("bool 2", RawGguf.header(3, 0, 1).str("k").u32(7).u8(2).pad(32).build(), Rule.INVALID_VALUE));
        c.add(new Case("key not UTF-8", RawGguf.header(3, 0, 1).u64(2).bytes((byte) 0xC3, (byte) 0x28).u32(4).u32(1)
                .pad(32).build(), Rule.INVALID_VALUE));
        c.add(new Case("string not UTF-8 (encoded surrogate)", RawGguf.header(3, 0, 1).str("k").u32(8).u64(3)
                .bytes((byte) 0xED, (byte) 0xA0, (byte) 0x80).pad(32).build(), Rule.INVALID_VALUE));
        // nesting
        RawGguf deep = RawGguf.header(3, 0, 1).str("k").u32(9);
        for (int i = 0; i < 9; i++) {
            deep.u32(9).u64(1);
        }
        c.add(new Case("arrays nested 10 deep", deep.u32(0).u64(0).pad(32).build(), Rule.NESTING_TOO_DEEP));
        RawGguf veryDeep = RawGguf.header(3, 0, 1).str("k").u32(9);
        for (int i = 0; i < 200_000; i++) {
            veryDeep.u32(9).u64(1); // would overflow the stack of a naive recursive reader
        }
        c.add(new Case("arrays nested 200000 deep", veryDeep.build(), Rule.NESTING_TOO_DEEP));
        // duplicate key
        c.add(new Case("duplicate key", RawGguf.header(3, 0, 2).kvU32("a", 4, 1).kvU32("a", 4, 2).pad(32).build(),
                Rule.DUPLICATE_KEY));
        // general.alignment (ggml's reader aborted on the wrong type)
        c.add(new Case("alignment 0", RawGguf.header(3, 0, 1).kvU32("general.alignment", 4, 0).pad(32).build(),
                Rule.BAD_ALIGNMENT));
        c.add(new Case("alignment 48", RawGguf.header(3, 0, 1).kvU32("general.alignment", 4, 48).pad(32).build(),
                Rule.BAD_ALIGNMENT));
        c.add(new Case("alignment of type i32", RawGguf.header(3, 0, 1).kvU32("general.alignment", 5, 32).pad(32)
                .build(), Rule.BAD_ALIGNMENT));
        c.add(new Case("alignment of type str", RawGguf.header(3, 0, 1).kvStr("general.alignment", "32").pad(32)
                .build(), Rule.BAD_ALIGNMENT));
        c.add(new Case("alignment of type u64", RawGguf.header(3, 0, 1).str("general.alignment").u32(10).u64(32)
                .pad(32).build(), Rule.BAD_ALIGNMENT));
        // tensor names
        c.add(new Case("tensor name of 64 bytes", oneTensor(0).tensor("x".repeat(64), NE_8, 0, 0).pad(32).data(32)
                .build(), Rule.TENSOR_NAME));
        c.add(new Case("duplicate tensor name", RawGguf.header(3, 2, 0).tensor("w", NE_8, 0, 0)
                .tensor("w", NE_8, 0, 32).pad(32).data(64).build(), Rule.DUPLICATE_TENSOR));
        // dims
        c.add(new Case("n_dims 0", oneTensor(0).str("w").u32(0).u32(0).u64(0).pad(32).data(32).build(),
                Rule.BAD_N_DIMS));
        c.add(new Case("n_dims 5", oneTensor(0).tensor("w", new long[] {1, 1, 1, 1, 8}, 0, 0).pad(32).data(32)
                .build(), Rule.BAD_N_DIMS));
        c.add(new Case("negative dim", oneTensor(0).tensor("w", new long[] {8, -1}, 0, 0).pad(32).data(32).build(),
                Rule.NEGATIVE_DIM));
        c.add(new Case("element count 2^64", oneTensor(0).tensor("w", new long[] {1L << 32, 1L << 32}, 0, 0).pad(32)
                .data(32).build(), Rule.ELEMENT_COUNT_OVERFLOW));
        c.add(new Case("byte count 2^64 (f32 2^62 elements)", oneTensor(0).tensor("w", new long[] {1L << 62}, 0, 0)
                .pad(32).data(32).build(), Rule.ELEMENT_COUNT_OVERFLOW));
        // tensor types
        for (int t : new int[] {39, 4, 5, 31, 36, -1, 1000}) {
            c.add(new Case("tensor type " + t, oneTensor(0).tensor("w", NE_8, t, 0).pad(32).data(32).build(),
                    Rule.UNKNOWN_TENSOR_TYPE));
        }
        c.add(new Case("q4_0 row of 33", oneTensor(0).tensor("w", new long[] {33}, 2, 0).pad(32).data(32).build(),
                Rule.ROW_SIZE));
        c.add(new Case("q4_K row of 32", oneTensor(0).tensor("w", new long[] {32, 2}, 12, 0).pad(32).data(32)
                .build(), Rule.ROW_SIZE));
        // tensor data placement
        c.add(new Case("offset 16 with alignment 32", oneTensor(0).tensor("w", NE_8, 0, 16).pad(32).data(64)
                .build(), Rule.DATA_MISALIGNED));
        c.add(new Case("offset beyond the file", oneTensor(0).tensor("w", NE_8, 0, 1L << 40).pad(32).data(32)
                .build(), Rule.DATA_OUT_OF_RANGE));
        c.add(new Case("offset 2^63", oneTensor(0).tensor("w", NE_8, 0, Long.MIN_VALUE).pad(32).data(32).build(),
                Rule.DATA_OUT_OF_RANGE));
        c.add(new Case("data cut short", oneTensor(0).tensor("w", new long[] {64}, 0, 0).pad(32).data(100).build(),
                Rule.DATA_OUT_OF_RANGE));
        c.add(new Case("overlapping tensors", RawGguf.header(3, 2, 0).tensor("a", new long[] {16}, 0, 0)
                .tensor("b", NE_8, 0, 32).pad(32).data(96).build(), Rule.DATA_OVERLAP));
        c.add(new Case("same offset", RawGguf.header(3, 2, 0).tensor("a", NE_8, 0, 0).tensor("b", NE_8, 0, 0)
                .pad(32).data(32).build(), Rule.DATA_OVERLAP));
        return c;
    }

    @Test
    void oneCasePerRuleIsRejectedWithThatRule() {
        Tally tally = new Tally("hand-built cases per rule");
        List<Case> cases = ruleCases();
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (Case k : cases) {
                Outcome o = parse(MemorySegment.ofArray(k.bytes()), false);
                assertEquals(k.rule(), o.rule(), k.name());
                tally.add(o.rule().name());
            }
        });
        tally.print();
        Set<Rule> covered = EnumSet.noneOf(Rule.class);
        for (Case k : cases) {
            covered.add(k.rule());
        }
        assertEquals(EnumSet.allOf(Rule.class), covered, "every rule has a hand-built case");
    }

    @Test
    void validControlFilesAreAccepted() {
        // the hand-built cases are only meaningful if the same builder makes valid files when no rule is broken
        byte[] ok = oneTensor(1).kvU32("general.alignment", 4, 32).tensor("w", NE_8, 0, 0).pad(32).data(32).build();
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(ok))) {
            assertEquals(32, f.tensorData(f.tensor("w")).byteSize());
        }
        byte[] nested = RawGguf.header(3, 0, 1).str("k").u32(9).u32(9).u64(1).u32(4).u64(2).u32(1).u32(2).pad(32)
                .build();
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(nested))) {
            assertEquals(GgufValue.array(GgufType.ARRAY, List.of(GgufValue.array(GgufType.U32,
                    List.of(GgufValue.u32(1), GgufValue.u32(2))))), f.get("k"));
        }
    }
}
