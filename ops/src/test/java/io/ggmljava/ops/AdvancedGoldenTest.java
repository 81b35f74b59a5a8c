package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the golden fixtures of the ops owned by the rope/attention/conv/recurrent kernels through every provider
 * (scalar, vector 128/256/512) on 1 and 2 threads. (The project-wide golden runner in {@code testdata} does the
 * same for every op; this test keeps these kernels honest inside the ops module.)
 */
class AdvancedGoldenTest {
    static final Path GOLDEN = Path.of("../testdata/src/main/resources/io/ggmljava/testdata/golden");
    static final List<String> OPS = List.of("rope", "flash_attn_ext", "im2col", "conv_transpose_1d", "pool_1d",
            "pool_2d", "upscale", "ssm_conv", "ssm_scan", "rwkv_wkv6", "gated_linear_attn");

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        assumeTrue(Files.isDirectory(GOLDEN), "golden fixtures not found at " + GOLDEN.toAbsolutePath());
        List<DynamicTest> tests = new ArrayList<>();
        for (String op : OPS) {
            try (Stream<Path> files = Files.list(GOLDEN.resolve(op))) {
                for (Path f : files.sorted().toList()) {
                    if (f.getFileName().toString().startsWith("grad_")) {
                        continue; // gradient cases need the backward graph (graph module)
                    }
                    tests.add(DynamicTest.dynamicTest(op + "/" + f.getFileName(), () -> runCase(f)));
                }
            }
        }
        return tests.stream();
    }

    static void runCase(Path file) throws IOException {
        MiniGguf g = new MiniGguf(file);
        float maxNmse = ((Number) g.kv.get("golden.max_nmse")).floatValue();
        StringBuilder failures = new StringBuilder();
        double worst = 0;
        for (KernelProvider p : OpHarness.providers()) {
            for (int nth : new int[]{1, 2}) {
                try (Arena arena = Arena.ofShared()) {
                    Context ctx = new Context();
                    List<Tensor> srcs = new ArrayList<>();
                    for (int i = 0; g.tensors.containsKey("src" + i); i++) {
                        srcs.add(input(ctx, arena, g, i));
                    }
                    Tensor node = build(ctx, g, srcs);
                    OpHarness.alloc(arena, node);
                    float[] out = OpHarness.compute(p, node, nth);
                    float[] golden = toFloats(g.tensors.get("dst"));
                    double e = OpHarness.nmse(out, golden);
                    worst = Math.max(worst, e);
                    if (!(e <= maxNmse)) {
                        failures.append(String.format("%s nth=%d: nmse %.3g > %.3g%n", p.name(), nth, e, maxNmse));
                    }
                }
            }
        }
        System.out.printf("golden %-60s worst nmse %.3g (max %.3g)%n", file.getFileName(), worst, maxNmse);
        assertTrue(failures.isEmpty(), file.getFileName() + "\n" + failures);
    }

    /** Input {@code src<i>} as stored, then permuted if the case says so. */
    static Tensor input(Context ctx, Arena arena, MiniGguf g, int i) {
        MiniGguf.TensorInfo info = g.tensors.get("src" + i);
        Tensor t = ctx.newTensor(info.type(), info.ne());
        MemorySegment seg = arena.allocate(Math.max(1, t.nbytes()), 64);
        seg.copyFrom(MemorySegment.ofBuffer(info.data()));
        t.bind(seg);
        Object perm = g.kv.get("golden.src" + i + ".permute");
        if (perm instanceof List<?> l) {
            t = ctx.permute(t, ((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue(),
                    ((Number) l.get(2)).intValue(), ((Number) l.get(3)).intValue());
        }
        return t;
    }

    static Tensor build(Context ctx, MiniGguf g, List<Tensor> s) {
        String op = (String) g.kv.get("golden.op");
        return switch (op) {
            case "ROPE" -> ctx.ropeExt(s.get(0), s.get(1), s.size() > 2 ? s.get(2) : null, g.i32("n_dims"),
                    g.i32("mode"), g.i32("n_ctx_orig"), g.f32("freq_base"), g.f32("freq_scale"), g.f32("ext_factor"),
                    g.f32("attn_factor"), g.f32("beta_fast"), g.f32("beta_slow"));
            case "FLASH_ATTN_EXT" -> ctx.flashAttnExt(s.get(0), s.get(1), s.get(2), s.size() > 3 ? s.get(3) : null,
                    g.f32("scale"), g.f32("max_bias"), g.f32("logit_softcap"));
            case "IM2COL" -> ctx.im2col(s.get(0), s.get(1), g.i32("s0"), g.i32("s1"), g.i32("p0"), g.i32("p1"),
                    g.i32("d0"), g.i32("d1"), (Boolean) g.kv.get("golden.param.is_2D"),
                    GgmlType.byId(g.i32("dst_type")));
            case "CONV_TRANSPOSE_1D" -> ctx.convTranspose1d(s.get(0), s.get(1), g.i32("s0"), g.i32("p0"), g.i32("d0"));
            case "POOL_1D" -> ctx.pool1d(s.get(0), PoolOp.values()[g.i32("op")], g.i32("k0"), g.i32("s0"),
                    g.i32("p0"));
            case "POOL_2D" -> ctx.pool2d(s.get(0), PoolOp.values()[g.i32("op")], g.i32("k0"), g.i32("k1"),
                    g.i32("s0"), g.i32("s1"), g.i32("p0"), g.i32("p1"));
            case "UPSCALE" -> {
                if (g.has("scale_factor")) {
                    yield ctx.upscale(s.get(0), g.i32("scale_factor"));
                }
                List<?> ne = (List<?>) g.kv.get("golden.param.ne");
                yield ctx.upscaleExt(s.get(0), ((Number) ne.get(0)).longValue(), ((Number) ne.get(1)).longValue(),
                        ((Number) ne.get(2)).longValue(), ((Number) ne.get(3)).longValue());
            }
            case "SSM_CONV" -> ctx.ssmConv(s.get(0), s.get(1));
            case "SSM_SCAN" -> ctx.ssmScan(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5));
            case "RWKV_WKV6" -> ctx.rwkvWkv6(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5));
            case "GATED_LINEAR_ATTN" -> ctx.gatedLinearAttn(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4),
                    g.f32("scale"));
            default -> throw new IllegalArgumentException("unexpected op " + op);
        };
    }

    static float[] toFloats(MiniGguf.TensorInfo info) {
        int n = (int) (info.ne()[0] * info.ne()[1] * info.ne()[2] * info.ne()[3]);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (info.type()) {
                case F32 -> info.data().getFloat(4 * i);
                case F16 -> Float.float16ToFloat(info.data().getShort(2 * i));
                default -> throw new IllegalArgumentException("golden dst type " + info.type());
            };
        }
        return out;
    }
}
