package io.ggmljava.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufType;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ggml gguf}: the dump, its JSON, and {@code --check}'s one line per file and exit status. */
class GgufCommandTest {
    @TempDir
    Path dir;

    private Path sample() throws IOException {
        Path p = dir.resolve("sample.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.of("test"))
                .put("test.count", GgufValue.u32(7))
                .put("test.nan", GgufValue.of(Float.NaN))
                .put("test.quote", GgufValue.of("say \"hi\"\n\\ ✓"))
                .put("test.u64", GgufValue.u64(-1L))
                .put("test.tokens", GgufValue.strings(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")))
                .put("test.nested", GgufValue.array(GgufType.ARRAY, List.of(GgufValue.i32s(1, 2))))
                .addTensor("w", GgmlType.Q4_0, new long[] {64, 3}, MemorySegment.ofArray(new byte[6 * 18]))
                .addTensor("b", GgmlType.F32, new long[] {3}, MemorySegment.ofArray(new byte[12]))
                .write(p);
        return p;
    }

    @Test
    void dumpShowsKvsAndTensors() throws IOException {
        Path p = sample();
        CliRun r = CliRun.of("gguf", p.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("GGUF v3, 7 key/value pairs, 2 tensors, alignment 32"), r.out());
        assertTrue(r.out().contains("test.count = 7"), r.out());
        assertTrue(r.out().contains("2: u32      |        1 | test.count"), r.out());
        assertTrue(r.out().contains("test.tokens = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', ...]"), r.out());
        assertTrue(r.out().contains("test.u64 = 18446744073709551615"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +1  q4_0 +\\[64, 3] +192 +0 +108  w")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +2  f32 +\\[3] +3 +128 +12  b")), r.out());
    }

    @Test
    void jsonIsOnlyJsonAndParses() throws IOException {
        Path p = sample();
        CliRun r = CliRun.of("gguf", "--json", p.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(3, o.get("version").getAsInt());
        JsonArray kv = o.getAsJsonArray("kv");
        assertEquals(7, kv.size());
        assertEquals("say \"hi\"\n\\ ✓", find(kv, "test.quote").get("value").getAsString());
        assertEquals("NaN", find(kv, "test.nan").get("value").getAsString());
        assertEquals("18446744073709551615", find(kv, "test.u64").get("value").getAsBigInteger().toString());
        assertEquals(10, find(kv, "test.tokens").getAsJsonArray("value").size(), "JSON shows whole arrays");
        assertEquals(2, find(kv, "test.nested").getAsJsonArray("value").get(0).getAsJsonArray().get(1).getAsInt());
        JsonObject w = o.getAsJsonArray("tensors").get(0).getAsJsonObject();
        assertEquals("q4_0", w.get("type").getAsString());
        assertEquals("[64,3,1,1]", w.get("ne").toString());
        assertEquals(108, w.get("nbytes").getAsLong());
        assertEquals(o.get("data_offset").getAsLong(), w.get("file_offset").getAsLong());
    }

    private static JsonObject find(JsonArray kv, String key) {
        for (JsonElement e : kv) {
            if (e.getAsJsonObject().get("key").getAsString().equals(key)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no key " + key + " in " + kv);
    }

    @Test
    void checkPrintsOneLinePerFileAndFailsIfAnyIsBad() throws IOException {
        Path good = sample();
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1));
        Path magic = dir.resolve("magic.gguf");
        byte[] m = bytes.clone();
        m[3] = 'X';
        Files.write(magic, m);
        Path missing = dir.resolve("missing.gguf");

        CliRun ok = CliRun.of("gguf", "--check", good.toString(), good.toString());
        assertEquals(0, ok.status());
        assertEquals(List.of(good + ": ok", good + ": ok"), ok.out().lines().toList());

        CliRun bad = CliRun.of("gguf", "--check", good.toString(), cut.toString(), magic.toString(),
                missing.toString());
        assertEquals(1, bad.status());
        List<String> lines = bad.out().lines().toList();
        assertEquals(4, lines.size(), bad.out());
        assertEquals(good + ": ok", lines.get(0));
        assertTrue(lines.get(1).startsWith(cut + ": error: at byte "), lines.get(1));
        assertTrue(lines.get(1).contains("tensor data out of range"), lines.get(1));
        assertEquals(magic + ": error: at byte 0: bad magic: expected \"GGUF\" (47 47 55 46), found 47 47 55 58",
                lines.get(2));
        assertEquals(missing + ": error: no such file", lines.get(3));

        CliRun json = CliRun.of("gguf", "--check", "--json", good.toString(), magic.toString());
        JsonArray a = JsonParser.parseString(json.out()).getAsJsonArray();
        assertTrue(a.get(0).getAsJsonObject().get("ok").getAsBoolean());
        assertTrue(a.get(1).getAsJsonObject().get("error").getAsString().contains("bad magic"));
    }

    @Test
    void headerOnlyFilesNeedTheOption() throws IOException {
        Path p = dir.resolve("meta.gguf");
        new GgufWriter().put("k", GgufValue.of(1))
                .addTensor("w", GgmlType.F32, new long[] {8}, null)
                .writeHeaderOnly(p);
        assertEquals(1, CliRun.of("gguf", "--check", p.toString()).status());
        CliRun r = CliRun.of("gguf", "--check", "--header-only", p.toString());
        assertEquals(0, r.status(), r.out());
        assertTrue(CliRun.of("gguf", "--header-only", p.toString()).out().contains("(header only)"));
    }
}
