package io.ggmljava.core.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlException;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF reader and writer API: typed getters, mapping, header-only files, layout rules and writer checks. */
class GgufFileTest {
    @TempDir
    Path dir;

    private static MemorySegment bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 7);
        }
        return MemorySegment.ofArray(b);
    }

    private static GgufWriter sample() {
        return new GgufWriter()
                .put("general.architecture", GgufValue.of("llama"))
                .put("llama.block_count", GgufValue.u32(32))
                .put("llama.context_length", new GgufValue.U8(200))
                .put("llama.eps", GgufValue.of(1e-5f))
                .put("llama.big", GgufValue.u64(-1L))
                .put("llama.i64", GgufValue.of(-5L))
                .put("llama.d", GgufValue.of(0.5))
                .put("llama.flag", GgufValue.of(true))
                .put("tokenizer.tokens", GgufValue.strings(List.of("<s>", "</s>", "héllo")))
                .put("tokenizer.types", GgufValue.array(GgufType.U8, List.of(new GgufValue.U8(1), new GgufValue.U8(3))))
                .put("tokenizer.scores", GgufValue.f32s(0.5f, -1f))
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {4, 3}, bytes(48))
                .addTensor("blk.0.q", GgmlType.Q4_0, new long[] {64, 2}, bytes(72));
    }

    @Test
    void typedGettersConvertWhatFitsAndNameTheKeyOtherwise() {
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(sample().toByteArray()))) {
            assertEquals("llama", f.getString("general.architecture"));
            assertEquals(32, f.getInt("llama.block_count"));
            assertEquals(200, f.getInt("llama.context_length"));
            assertEquals(32L, f.getLong("llama.block_count"));
            assertEquals(-5L, f.getLong("llama.i64"));
            assertEquals(1e-5f, f.getFloat("llama.eps"));
            assertEquals(0.5, f.getDouble("llama.d"));
            assertEquals((double) 1e-5f, f.getDouble("llama.eps"));
            assertTrue(f.getBool("llama.flag"));
            assertEquals(List.of("<s>", "</s>", "héllo"), f.getStringArray("tokenizer.tokens"));
            assertArrayEquals(new int[] {1, 3}, f.getIntArray("tokenizer.types"));
            assertArrayEquals(new long[] {1, 3}, f.getLongArray("tokenizer.types"));
            assertArrayEquals(new float[] {0.5f, -1f}, f.getFloatArray("tokenizer.scores"));
            assertEquals(7, f.getInt("missing", 7));
            assertEquals("x", f.getString("missing", "x"));
            assertFalse(f.getBool("missing", false));
            assertEquals(2.5f, f.getFloat("missing", 2.5f));
            assertEquals(9L, f.getLong("missing", 9L));
            assertTrue(f.has("llama.eps"));
            assertNull(f.get("missing"));

            assertEquals("GGUF key 'llama.eps' is f32, not an integer",
                    assertThrows(GgmlException.class, () -> f.getInt("llama.eps")).getMessage());
            assertEquals("GGUF key 'tokenizer.tokens' is arr[str,3], not str",
                    assertThrows(GgmlException.class, () -> f.getString("tokenizer.tokens")).getMessage());
            assertEquals("GGUF key 'llama.big': value 18446744073709551615 (u64) does not fit a long",
                    assertThrows(GgmlException.class, () -> f.getLong("llama.big")).getMessage());
            assertEquals("GGUF key 'llama.i64' is i64, not an integer that fits an int",
                    assertThrows(GgmlException.class, () -> f.getInt("llama.i64")).getMessage());
            assertEquals("GGUF key 'tokenizer.tokens[0]' is str, not an integer",
                    assertThrows(GgmlException.class, () -> f.getIntArray("tokenizer.tokens")).getMessage());
            assertEquals("GGUF key 'nope' is not in <memory>",
                    assertThrows(GgmlException.class, () -> f.getBool("nope")).getMessage());
        }
    }

    @Test
    void openMapsTheFileAndBindsTensorsToIt() throws IOException {
        Path p = dir.resolve("m.gguf");
        sample().write(p);
        Context ctx = new Context();
        Tensor w;
        MemorySegment data;
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(p.toString(), f.source());
            assertEquals(Files.size(p), f.size());
            assertEquals(0, f.dataOffset() % 32);
            GgufTensorInfo info = f.tensor("token_embd.weight");
            assertArrayEquals(new long[] {4, 3, 1, 1}, info.ne());
            assertEquals(2, info.nDims());
            assertEquals(48, info.nbytes());
            assertEquals(64, f.tensor("blk.0.q").offset(), "offsets are padded to the alignment");
            w = f.newTensor(ctx, info);
            assertEquals("token_embd.weight", w.name());
            assertEquals(Float.intBitsToFloat(bytes(48).get(ValueLayout.JAVA_INT_UNALIGNED, 4)), w.getF32(1),
                    "element 1 read straight from the mapped file");
            data = f.tensorData(info);
            assertTrue(data.isReadOnly(), "mapped tensor data is read-only");
            assertThrows(IllegalArgumentException.class, () -> w.setF32(0, 1f), "read-only segment");
            assertEquals(2, f.newTensors(new Context()).size());
            assertEquals("GgufFile[" + p + ", v3, 11 KVs, 2 tensors]", f.toString());
        }
        assertThrows(IllegalStateException.class, () -> data.get(ValueLayout.JAVA_BYTE, 0),
                "closing the file unmaps its data");
    }

    @Test
    void headerOnlyFilesAreReadableWhenAskedFor() throws IOException {
        Path p = dir.resolve("meta.gguf");
        GgufWriter w = sample();
        w.writeHeaderOnly(p);
        assertEquals(w.header().length, Files.size(p));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertEquals(GgufFormatException.Rule.DATA_OUT_OF_RANGE, e.rule());
        try (GgufFile f = GgufFile.openHeaderOnly(p)) {
            assertTrue(f.isHeaderOnly());
            assertEquals(2, f.tensors().size());
            assertEquals(f.size(), f.dataOffset());
            GgmlException access = assertThrows(GgmlException.class, () -> f.tensorData(f.tensor("blk.0.q")));
            assertTrue(access.getMessage().contains("opened header-only"), access.getMessage());
            assertThrows(GgmlException.class, () -> GgufWriter.copyOf(f).toByteArray());
            // the header itself can be written again
            assertArrayEquals(Files.readAllBytes(p), GgufWriter.copyOf(f).header());
        }
    }

    @Test
    void version2AndOtherAlignments() {
        byte[] v2 = sample().version(2).put("general.alignment", GgufValue.u32(64)).toByteArray();
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(v2))) {
            assertEquals(2, f.version());
            assertEquals(64, f.alignment());
            assertEquals(0, f.dataOffset() % 64);
            assertEquals(64, f.tensor("blk.0.q").offset());
            assertEquals(v2.length, f.dataOffset() + 64 + 128, "each tensor padded to 64");
        }
        byte[] one = new GgufWriter().put("general.alignment", GgufValue.u32(1))
                .addTensor("a", GgmlType.I8, new long[] {3}, bytes(3))
                .addTensor("b", GgmlType.I8, new long[] {5}, bytes(5)).toByteArray();
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(one))) {
            assertEquals(3, f.tensor("b").offset());
            assertEquals(one.length, f.dataOffset() + 8, "alignment 1: no padding at all");
        }
    }

    @Test
    void trailingUnitDimensionsAreNotStored() {
        GgufWriter w = new GgufWriter()
                .addTensor("a", GgmlType.F32, new long[] {4, 1, 1, 1}, bytes(16))
                .addTensor("b", GgmlType.F32, new long[] {4, 1, 3}, bytes(48))
                .addTensor("c", GgmlType.F32, new long[] {1, 1, 1, 2}, bytes(8))
                .addTensor("d", GgmlType.F32, new long[] {4, 0}, bytes(0));
        List<Integer> nDims = w.tensorInfos().stream().map(GgufTensorInfo::nDims).toList();
        assertEquals(List.of(1, 3, 4, 2), nDims);
        try (GgufFile f = GgufFile.read(MemorySegment.ofArray(w.toByteArray()))) {
            assertEquals(nDims, f.tensors().stream().map(GgufTensorInfo::nDims).toList());
            assertArrayEquals(new long[] {4, 0, 1, 1}, f.tensor("d").ne());
            assertEquals(0, f.tensorData(f.tensor("d")).byteSize());
        }
    }

    @Test
    void writerRefusesWhatGgmlCouldNotRead() {
        GgufWriter w = new GgufWriter().put("k", GgufValue.of(1));
        assertEquals("GgufWriter.put: duplicate key 'k'",
                assertThrows(GgmlException.class, () -> w.put("k", GgufValue.of(2))).getMessage());
        assertThrows(GgmlException.class, () -> w.put("general.alignment", GgufValue.of(32)));
        assertThrows(GgmlException.class, () -> w.put("general.alignment", GgufValue.u32(0)));
        assertThrows(GgmlException.class, () -> w.put("general.alignment", GgufValue.u32(48)));
        assertThrows(GgmlException.class, () -> w.put("bad", GgufValue.of("lone \uD800 surrogate")));
        GgufValue deep = GgufValue.i32s(1);
        for (int i = 0; i < 8; i++) {
            deep = GgufValue.array(GgufType.ARRAY, List.of(deep));
        }
        GgufValue tooDeep = deep;
        assertThrows(GgmlException.class, () -> w.put("deep", tooDeep));
        assertThrows(GgmlException.class, () -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, bytes(4)));
        w.addTensor("t", GgmlType.F32, new long[] {2}, bytes(8));
        assertThrows(GgmlException.class, () -> w.addTensor("t", GgmlType.F32, new long[] {2}, bytes(8)));
        GgmlException size = assertThrows(GgmlException.class,
                () -> w.addTensor("u", GgmlType.F32, new long[] {3}, bytes(8)));
        assertTrue(size.getMessage().contains("has 12 bytes, the data segment has 8"), size.getMessage());
        assertThrows(GgmlException.class, () -> w.addTensor("u", GgmlType.Q4_0, new long[] {33}, null));
        assertThrows(GgmlException.class, () -> w.addTensor("u", GgmlType.Q4_0_4_4, new long[] {32}, null));
        assertThrows(GgmlException.class, () -> w.addTensor("u", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, null));
        w.addTensor("u", GgmlType.F32, new long[] {3}, bytes(12)); // the failed attempts left no trace
        assertEquals(2, w.tensorInfos().size());
        assertThrows(GgmlException.class, () -> new GgufWriter().version(1));
    }

    @Test
    void writerTakesContextTensors() {
        Context ctx = new Context();
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = ctx.newTensor2d(GgmlType.F32, 3, 2).setName("m");
            t.bind(arena.allocate(t.nbytes()));
            t.setFloats(1, 2, 3, 4, 5, 6);
            byte[] file = new GgufWriter().addTensor(t).toByteArray();
            try (GgufFile f = GgufFile.read(MemorySegment.ofArray(file))) {
                Tensor back = f.newTensor(new Context(), f.tensor("m"));
                assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.toFloatArray());
            }
            assertThrows(GgmlException.class, () -> new GgufWriter().addTensor(ctx.transpose(t)));
            assertThrows(GgmlException.class, () -> new GgufWriter().addTensor(ctx.newTensor1d(GgmlType.F32, 2)));
        }
    }
}
