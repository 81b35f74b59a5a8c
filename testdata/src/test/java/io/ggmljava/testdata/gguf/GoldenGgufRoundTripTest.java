package io.ggmljava.testdata.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every golden file parses, and writing it back with {@link GgufWriter} gives the identical bytes. */
class GoldenGgufRoundTripTest {

    @Test
    void everyGoldenFileParsesAndRewritesByteIdentical() throws IOException {
        List<Path> files = GoldenFiles.all();
        assertEquals(542, files.size(), "golden INDEX size");
        int tensors = 0;
        long bytes = 0;
        for (Path p : files) {
            byte[] original = Files.readAllBytes(p);
            byte[] rewritten;
            try (GgufFile f = GgufFile.open(p)) {
                assertEquals(3, f.version(), p + " version");
                assertEquals(32, f.alignment(), p + " alignment");
                assertEquals("9a4acb37", f.getString("golden.ggml_commit"), p + " golden.ggml_commit");
                assertTrue(f.getStringArray("golden.outputs").contains("dst"), p + " outputs contain dst");
                for (GgufTensorInfo t : f.tensors()) {
                    assertEquals(t.nbytes(), f.tensorData(t).byteSize(), p + " " + t.name());
                }
                tensors += f.tensors().size();
                rewritten = GgufWriter.copyOf(f).toByteArray();
            }
            int diff = firstDifference(original, rewritten);
            if (diff >= 0) {
                fail(p + ": rewritten file differs from the original at byte " + diff + " (original " + original.length
                        + " bytes, rewritten " + rewritten.length + ")");
            }
            bytes += original.length;
        }
        System.out.printf("golden GGUF round trip: %d files, %d tensors, %d bytes, all byte-identical%n",
                files.size(), tensors, bytes);
    }

    static int firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return i;
            }
        }
        return a.length == b.length ? -1 : n;
    }
}
