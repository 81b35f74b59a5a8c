package io.ggmljava.core.gguf;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlException;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * A parsed GGUF file (versions 2 and 3, little-endian): its metadata key/value pairs in file order, its tensor infos
 * and, for files opened from disk, its tensor data mapped read-only (zero-copy).
 *
 * <pre>{@code
 * try (GgufFile f = GgufFile.open(Path.of("model.gguf"))) {
 *     String arch = f.getString("general.architecture");
 *     int nLayer = f.getInt(arch + ".block_count");
 *     for (GgufTensorInfo t : f.tensors()) {
 *         System.out.println(t.name() + " " + t.type() + " " + t.shapeString());
 *     }
 *     Context ctx = new Context();
 *     Tensor w = f.newTensor(ctx, f.tensor("token_embd.weight")); // bound to the mapped bytes
 * }
 * }</pre>
 *
 * <p>Every malformed input is rejected with a {@link GgufFormatException} naming the byte offset and the rule broken.
 * {@link #openHeaderOnly(Path)} accepts files whose tensor data is absent (e.g. written header-only); reading the data
 * of such a tensor then fails with a clear message.
 */
public final class GgufFile implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment segment;
    private final String source;
    private final boolean headerOnly;
    private final GgufParser.Header header;
    private final SequencedMap<String, GgufValue> kv;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Arena arena, MemorySegment segment, String source, boolean headerOnly) {
        this.arena = arena;
        this.segment = segment;
        this.source = source;
        this.headerOnly = headerOnly;
        this.header = GgufParser.parse(segment, headerOnly);
        this.kv = Collections.unmodifiableSequencedMap(header.kv());
        this.tensors = List.copyOf(header.tensors());
        Map<String, GgufTensorInfo> m = LinkedHashMap.newLinkedHashMap(tensors.size());
        for (GgufTensorInfo t : tensors) {
            m.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    /** Opens and validates {@code path}, mapping it read-only; {@link #close()} unmaps it. */
    public static GgufFile open(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens {@code path} requiring only the header: the tensor data may be missing (sizing tools need this). */
    public static GgufFile openHeaderOnly(Path path) throws IOException {
        return open(path, true);
    }

    private static GgufFile open(Path path, boolean headerOnly) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new GgufFile(arena, seg, path.toString(), headerOnly);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses and validates a GGUF image held in memory; the segment must outlive the returned object. */
    public static GgufFile read(MemorySegment segment) {
        return new GgufFile(null, segment, "<memory>", false);
    }

    /** Like {@link #read(MemorySegment)} but the tensor data may be missing. */
    public static GgufFile readHeaderOnly(MemorySegment segment) {
        return new GgufFile(null, segment, "<memory>", true);
    }

    // ---- header ----

    /** The GGUF version (2 or 3). */
    public int version() {
        return header.version();
    }

    /** The data alignment: {@code general.alignment} or 32. */
    public long alignment() {
        return header.alignment();
    }

    /** Byte offset of the data section (end of the tensor infos, padded to the alignment). */
    public long dataOffset() {
        return header.dataOffset();
    }

    /** Byte offset where the tensor infos end (before the padding). */
    public long headerEnd() {
        return header.infosEnd();
    }

    /** The size of the file or segment in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** True if opened with {@link #openHeaderOnly}. */
    public boolean isHeaderOnly() {
        return headerOnly;
    }

    /** The file path, or {@code <memory>}. */
    public String source() {
        return source;
    }

    /** The key/value pairs in file order (unmodifiable). */
    public SequencedMap<String, GgufValue> kv() {
        return kv;
    }

    /** The tensor infos in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor named {@code name}, or null. */
    public GgufTensorInfo tensor(String name) {
        return byName.get(name);
    }

    // ---- data ----

    /** The bytes of tensor {@code info} (a read-only slice of the mapped file for files opened from disk). */
    public MemorySegment tensorData(GgufTensorInfo info) {
        if (byName.get(info.name()) != info && !info.equals(byName.get(info.name()))) {
            throw new GgmlException("tensorData: tensor '" + info.name() + "' is not a tensor of " + source);
        }
        long start = dataOffset() + info.offset();
        long end = start + info.nbytes();
        if (end > segment.byteSize()) {
            throw new GgmlException("tensorData: tensor '" + info.name() + "' needs bytes [" + start + ", " + end
                    + ") but " + source + " ends at byte " + segment.byteSize()
                    + (headerOnly ? " (opened header-only: the tensor data is not in the file)" : ""));
        }
        MemorySegment slice = segment.asSlice(start, info.nbytes());
        return arena != null ? slice.asReadOnly() : slice;
    }

    /** Creates tensor {@code info} in {@code ctx} with its name and shape, bound to its data in this file. */
    public Tensor newTensor(Context ctx, GgufTensorInfo info) {
        MemorySegment data = tensorData(info);
        Tensor t = ctx.newTensor(info.type(), info.ne());
        t.setName(info.name());
        return t.bind(data);
    }

    /** Creates every tensor of this file in {@code ctx}, in file order, bound to their data. */
    public List<Tensor> newTensors(Context ctx) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (GgufTensorInfo info : tensors) {
            out.add(newTensor(ctx, info));
        }
        return out;
    }

    // ---- typed metadata getters ----

    /** The value of {@code key}, or null. */
    public GgufValue get(String key) {
        return kv.get(key);
    }

    /** True if {@code key} is present. */
    public boolean has(String key) {
        return kv.containsKey(key);
    }

    /** A string value. */
    public String getString(String key) {
        return GgufValues.asString(key, require(key));
    }

    /** A string value, or {@code def} if the key is absent. */
    public String getString(String key, String def) {
        GgufValue v = kv.get(key);
        return v == null ? def : GgufValues.asString(key, v);
    }

    /** An integer value that fits an int (u8, i8, u16, i16, i32, or u32 up to 2^31-1). */
    public int getInt(String key) {
        return GgufValues.asInt(key, require(key));
    }

    /** Like {@link #getInt(String)}, or {@code def} if the key is absent. */
    public int getInt(String key, int def) {
        GgufValue v = kv.get(key);
        return v == null ? def : GgufValues.asInt(key, v);
    }

    /** Any integer value that fits a long (u64 up to 2^63-1). */
    public long getLong(String key) {
        return GgufValues.asLong(key, require(key));
    }

    /** Like {@link #getLong(String)}, or {@code def} if the key is absent. */
    public long getLong(String key, long def) {
        GgufValue v = kv.get(key);
        return v == null ? def : GgufValues.asLong(key, v);
    }

    /** An f32 value. */
    public float getFloat(String key) {
        return GgufValues.asFloat(key, require(key));
    }

    /** Like {@link #getFloat(String)}, or {@code def} if the key is absent. */
    public float getFloat(String key, float def) {
        GgufValue v = kv.get(key);
        return v == null ? def : GgufValues.asFloat(key, v);
    }

    /** An f32 or f64 value. */
    public double getDouble(String key) {
        return GgufValues.asDouble(key, require(key));
    }

    /** A bool value. */
    public boolean getBool(String key) {
        return GgufValues.asBool(key, require(key));
    }

    /** Like {@link #getBool(String)}, or {@code def} if the key is absent. */
    public boolean getBool(String key, boolean def) {
        GgufValue v = kv.get(key);
        return v == null ? def : GgufValues.asBool(key, v);
    }

    /** An array of strings. */
    public List<String> getStringArray(String key) {
        return GgufValues.asStringList(key, require(key));
    }

    /** An array of integers that fit an int. */
    public int[] getIntArray(String key) {
        return GgufValues.asIntArray(key, require(key));
    }

    /** An array of integers that fit a long. */
    public long[] getLongArray(String key) {
        return GgufValues.asLongArray(key, require(key));
    }

    /** An array of f32. */
    public float[] getFloatArray(String key) {
        return GgufValues.asFloatArray(key, require(key));
    }

    private GgufValue require(String key) {
        GgufValue v = kv.get(key);
        if (v == null) {
            throw new GgmlException("GGUF key '" + key + "' is not in " + source);
        }
        return v;
    }

    /** Unmaps the file (for files opened from disk); segments from {@link #tensorData} become unusable. */
    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + source + ", v" + version() + ", " + kv.size() + " KVs, " + tensors.size() + " tensors]";
    }
}
