package io.ggmljava.ops.quant;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.ops.scalar.quant.Blocks;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A golden fixture, read with the core GGUF reader into heap memory (ops tests cannot depend on the testdata
 * module, so the files are found next to this module; {@code -Dggml.golden.dir} overrides the location).
 */
final class GoldenCase {
    /** A stored tensor: type, shape (4 dims) and its bytes. */
    record TensorData(String name, GgmlType type, long[] ne, MemorySegment data) {
        long nelements() {
            return ne[0] * ne[1] * ne[2] * ne[3];
        }

        float[] floats() {
            float[] f = new float[(int) nelements()];
            MemorySegment.copy(data, Blocks.F32, 0, f, 0, f.length);
            return f;
        }
    }

    final Path path;
    final GgufFile file;

    private GoldenCase(Path path, GgufFile file) {
        this.path = path;
        this.file = file;
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

    static GoldenCase read(Path path) throws IOException {
        return new GoldenCase(path, GgufFile.read(MemorySegment.ofArray(Files.readAllBytes(path))));
    }

    String name() {
        String f = path.getFileName().toString();
        return f.substring(0, f.length() - ".gguf".length());
    }

    String string(String key) {
        return file.getString(key);
    }

    boolean bool(String key) {
        return file.has(key) && file.getBool(key);
    }

    /** An i32 array KV, or null when absent. */
    int[] ints(String key) {
        return file.has(key) ? file.getIntArray(key) : null;
    }

    TensorData tensor(String name) {
        GgufTensorInfo t = file.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(path + ": no tensor " + name);
        }
        return new TensorData(name, t.type(), t.ne().clone(), file.tensorData(t));
    }
}
