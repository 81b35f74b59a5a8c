package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String op : new String[]{"mul_mat", "mul_mat_id", "out_prod"}) {
            for (Path f : GoldenFile.list(op)) {
                if (f.getFileName().toString().startsWith("grad_")) {
                    continue; // gradient cases are graphs (backward pass), run by the graph golden runner
                }
                GoldenFile g = GoldenFile.read(f);
                for (KernelProvider p : MatMulHarness.providers()) {
                    tests.add(DynamicTest.dynamicTest(g.name() + " " + p, () -> run(g, p)));
                }
            }
        }
        return tests.stream();
    }

    static Tensor leaf(Context ctx, Arena arena, GoldenFile.Info info) {
        Tensor t = ctx.newTensor(info.type(), info.ne());
        t.bind(arena.allocate(t.nbytes() + 64, 64).asSlice(0, t.nbytes()));
        MemorySegment.copy(MemorySegment.ofArray(info.data()), 0, t.data(), 0, info.data().length);
        return t;
    }

    static Tensor input(Context ctx, Arena arena, GoldenFile g, int i) {
        Tensor t = leaf(ctx, arena, g.tensors().get("src" + i));
        int[] pm = g.ints("golden.src" + i + ".permute");
        return pm == null ? t : ctx.permute(t, pm[0], pm[1], pm[2], pm[3]);
    }

    static void run(GoldenFile g, KernelProvider p) {
        String op = (String) g.kv().get("golden.op");
        float maxNmse = (Float) g.kv().get("golden.max_nmse");
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor s0 = input(ctx, arena, g, 0);
            Tensor s1 = input(ctx, arena, g, 1);
            Tensor dst = switch (op) {
                case "MUL_MAT" -> ctx.mulMat(s0, s1);
                case "OUT_PROD" -> ctx.outProd(s0, s1);
                case "MUL_MAT_ID" -> ctx.mulMatId(s0, s1, input(ctx, arena, g, 2));
                default -> throw new IllegalArgumentException(op);
            };
            dst.bind(arena.allocate(dst.nbytes(), 64));
            GoldenFile.Info want = g.tensors().get("dst");
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
                MemorySegment w = MemorySegment.ofArray(want.data());
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
                assertTrue(nmse <= maxNmse, () -> g.name() + " " + p + " nth=" + nth + ": NMSE " + nmse + " > " + maxNmse
                        + "; worst element " + wi + ": got " + got[wi] + ", golden "
                        + w.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4L * wi));
            }
        }
    }

    static boolean isQuantized(GgmlType t) {
        return t.isQuantized();
    }
}
