package io.ggmljava.ops.quant;

import io.ggmljava.core.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A golden fixture read with a minimal GGUF v3 parser (enough for the test cases: scalar, string and array KVs, and
 * tensor data). Kept here until the ops tests can depend on the shared GGUF reader.
 */
final class GoldenCase {
    /** A stored tensor: type, shape (4 dims) and its bytes. */
    record TensorData(String name, GgmlType type, long[] ne, MemorySegment data) {
        long nelements() {
            return ne[0] * ne[1] * ne[2] * ne[3];
        }

        float[] floats() {
            float[] f = new float[(int) nelements()];
            MemorySegment.copy(data, io.ggmljava.ops.scalar.quant.Blocks.F32, 0, f, 0, f.length);
            return f;
        }
    }

    final Path path;
    final Map<String, Object> kv = new LinkedHashMap<>();
    final Map<String, TensorData> tensors = new LinkedHashMap<>();

    private GoldenCase(Path path) {
        this.path = path;
    }

    /** The fixtures' root: {@code -Dggml.golden.dir}, else the testdata module's resources next to this module. */
    static Path goldenDir() {
        String p = System.getProperty("ggml.golden.dir");
        if (p != null) {
            return Path.of(p);
        }
        return Path.of("..", "testdata", "src", "main", "resources", "io", "ggmljava", "testdata", "golden");
    }

    /** Every {@code .gguf} file of one op directory, sorted by name. */
    static List<Path> files(String op) throws IOException {
        try (var s = Files.list(goldenDir().resolve(op))) {
            return s.filter(f -> f.toString().endsWith(".gguf")).sorted().toList();
        }
    }

    String name() {
        String f = path.getFileName().toString();
        return f.substring(0, f.length() - ".gguf".length());
    }

    Object get(String key) {
        return kv.get(key);
    }

    TensorData tensor(String name) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor " + name + " (has " + tensors.keySet() + ")");
        }
        return t;
    }

    static GoldenCase read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        GoldenCase c = new GoldenCase(path);
        if (b.getInt() != 0x46554747) {
            throw new IOException(path + ": not a GGUF file");
        }
        int version = b.getInt();
        if (version != 3) {
            throw new IOException(path + ": GGUF version " + version);
        }
        long nTensors = b.getLong();
        long nKv = b.getLong();
        for (long i = 0; i < nKv; i++) {
            String key = string(b);
            c.kv.put(key, value(b, b.getInt()));
        }
        record Info(String name, long[] ne, GgmlType type, long offset) {
        }
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String name = string(b);
            int nDims = b.getInt();
            long[] ne = {1, 1, 1, 1};
            for (int d = 0; d < nDims; d++) {
                ne[d] = b.getLong();
            }
            GgmlType type = GgmlType.byId(b.getInt());
            infos.add(new Info(name, ne, type, b.getLong()));
        }
        int alignment = c.kv.get("general.alignment") instanceof Number n ? n.intValue() : 32;
        long dataStart = (b.position() + alignment - 1) / alignment * alignment;
        MemorySegment all = MemorySegment.ofArray(bytes);
        for (Info t : infos) {
            long size = t.type.rowSize(t.ne[0]) * t.ne[1] * t.ne[2] * t.ne[3];
            c.tensors.put(t.name, new TensorData(t.name, t.type, t.ne, all.asSlice(dataStart + t.offset, size)));
        }
        return c;
    }

    private static String string(ByteBuffer b) {
        int len = Math.toIntExact(b.getLong());
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer b, int type) {
        return switch (type) {
            case 0 -> b.get() & 0xFF;
            case 1 -> (int) b.get();
            case 2 -> b.getShort() & 0xFFFF;
            case 3 -> (int) b.getShort();
            case 4 -> b.getInt() & 0xFFFFFFFFL;
            case 5 -> b.getInt();
            case 6 -> b.getFloat();
            case 7 -> b.get() != 0;
            case 8 -> string(b);
            case 9 -> {
                int et = b.getInt();
                long n = b.getLong();
                List<Object> list = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    list.add(value(b, et));
                }
                yield list;
            }
            case 10, 11 -> b.getLong();
            case 12 -> b.getDouble();
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type);
        };
    }
}
