package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every forward MUL_MAT, MUL_MAT_ID and OUT_PROD golden case, with the scalar provider and the vector provider at
 * every width, on 1 and 3 threads: NMSE against ggml's output within the case's {@code golden.max_nmse}.
 */
class MatMulGoldenTest {
    /** The fixtures, read from the testdata module's sources (that module depends on this one). */
    static final Path DIR = Path.of("..", "testdata", "src", "main", "resources", "io", "ggmljava", "testdata", "golden");

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String op : new String[]{"mul_mat", "mul_mat_id", "out_prod"}) {
            List<Path> files;
            try (Stream<Path> s = Files.list(DIR.resolve(op))) {
                files = s.filter(f -> f.toString().endsWith(".gguf")).sorted().toList();
            }
            for (Path f : files) {
                if (f.getFileName().toString().startsWith("grad_")) {
                    continue; // gradient cases are graphs (backward pass), run by the graph golden runner
                }
                for (KernelProvider p : MatMulHarness.providers()) {
                    tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + p, () -> run(f, p)));
                }
            }
        }
        return tests.stream();
    }

    /** Input {@code src<i>}: the stored leaf, bound to the mapped file, or its permuted view. */
    static Tensor input(Context ctx, GgufFile g, int i) {
        Tensor t = g.newTensor(ctx, g.tensor("src" + i));
        if (!g.has("golden.src" + i + ".permute")) {
            return t;
        }
        int[] pm = g.getIntArray("golden.src" + i + ".permute");
        return ctx.permute(t, pm[0], pm[1], pm[2], pm[3]);
    }

    static void run(Path file, KernelProvider p) throws IOException {
        try (GgufFile g = GgufFile.open(file); Arena arena = Arena.ofShared()) {
            check(g, file.getFileName().toString(), p, arena);
        }
    }

    static void check(GgufFile g, String name, KernelProvider p, Arena arena) {
        String op = g.getString("golden.op");
        float maxNmse = g.getFloat("golden.max_nmse");
        {
            Context ctx = new Context();
            Tensor s0 = input(ctx, g, 0);
            Tensor s1 = input(ctx, g, 1);
            Tensor dst = switch (op) {
                case "MUL_MAT" -> ctx.mulMat(s0, s1);
                case "OUT_PROD" -> ctx.outProd(s0, s1);
                case "MUL_MAT_ID" -> ctx.mulMatId(s0, s1, input(ctx, g, 2));
                default -> throw new IllegalArgumentException(op);
            };
            dst.bind(arena.allocate(dst.nbytes(), 64));
            MemorySegment w = g.tensorData(g.tensor("dst"));
            for (int nth : new int[]{1, 3}) {
                dst.data().fill((byte) 0x7f);
                try {
                    MatMulHarness.compute(p, dst, nth);
                } catch (UnsupportedOperationException e) {
                    if (String.valueOf(e.getMessage()).contains("not implemented yet")) {
                        Assumptions.abort("quantization kernels not available yet: " + e.getMessage());
                    }
                    throw e;
                }
                double num = 0;
                double den = 0;
                int worst = -1;
                double worstErr = -1;
                float[] got = dst.toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    float b = w.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4L * i);
                    double e = (double) got[i] - b;
                    num += e * e;
                    den += (double) got[i] * got[i];
                    if (Math.abs(e) > worstErr || Double.isNaN(e)) {
                        worstErr = Math.abs(e);
                        worst = i;
                    }
                }
                double nmse = num == 0 ? 0 : num / den;
                int wi = worst;
                assertTrue(nmse <= maxNmse, () -> name + " " + p + " nth=" + nth + ": NMSE " + nmse + " > " + maxNmse
                        + "; worst element " + wi + ": got " + got[wi] + ", golden "
                        + w.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4L * wi));
            }
        }
    }
}
