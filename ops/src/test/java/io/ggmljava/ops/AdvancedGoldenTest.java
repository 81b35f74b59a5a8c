package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import java.io.IOException;
import java.lang.foreign.Arena;
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
        try (GgufFile g = GgufFile.open(file)) {
            float maxNmse = g.getFloat("golden.max_nmse");
            float[] golden = g.newTensor(new Context(), g.tensor("dst")).toFloatArray();
            StringBuilder failures = new StringBuilder();
            double worst = 0;
            for (KernelProvider p : OpHarness.providers()) {
                for (int nth : new int[]{1, 2}) {
                    try (Arena arena = Arena.ofShared()) {
                        Context ctx = new Context();
                        List<Tensor> srcs = new ArrayList<>();
                        for (int i = 0; hasTensor(g, "src" + i); i++) {
                            srcs.add(input(ctx, g, i));
                        }
                        Tensor node = build(ctx, g, srcs);
                        OpHarness.alloc(arena, node);
                        double e = OpHarness.nmse(OpHarness.compute(p, node, nth), golden);
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
    }

    private static boolean hasTensor(GgufFile g, String name) {
        return g.tensors().stream().anyMatch(t -> t.name().equals(name));
    }

    /** Input {@code src<i>}: the stored leaf (bound to the mapped file), permuted if the case says so. */
    static Tensor input(Context ctx, GgufFile g, int i) {
        Tensor t = g.newTensor(ctx, g.tensor("src" + i));
        if (!g.has("golden.src" + i + ".permute")) {
            return t;
        }
        int[] pm = g.getIntArray("golden.src" + i + ".permute");
        return ctx.permute(t, pm[0], pm[1], pm[2], pm[3]);
    }

    static Tensor build(Context ctx, GgufFile g, List<Tensor> s) {
        String op = g.getString("golden.op");
        return switch (op) {
            case "ROPE" -> ctx.ropeExt(s.get(0), s.get(1), s.size() > 2 ? s.get(2) : null, g.getInt("golden.param.n_dims"),
                    g.getInt("golden.param.mode"), g.getInt("golden.param.n_ctx_orig"), g.getFloat("golden.param.freq_base"), g.getFloat("golden.param.freq_scale"), g.getFloat("golden.param.ext_factor"),
                    g.getFloat("golden.param.attn_factor"), g.getFloat("golden.param.beta_fast"), g.getFloat("golden.param.beta_slow"));
            case "FLASH_ATTN_EXT" -> ctx.flashAttnExt(s.get(0), s.get(1), s.get(2), s.size() > 3 ? s.get(3) : null,
                    g.getFloat("golden.param.scale"), g.getFloat("golden.param.max_bias"), g.getFloat("golden.param.logit_softcap"));
            case "IM2COL" -> ctx.im2col(s.get(0), s.get(1), g.getInt("golden.param.s0"), g.getInt("golden.param.s1"), g.getInt("golden.param.p0"), g.getInt("golden.param.p1"),
                    g.getInt("golden.param.d0"), g.getInt("golden.param.d1"), g.getBool("golden.param.is_2D"),
                    GgmlType.byId(g.getInt("golden.param.dst_type")));
            case "CONV_TRANSPOSE_1D" -> ctx.convTranspose1d(s.get(0), s.get(1), g.getInt("golden.param.s0"), g.getInt("golden.param.p0"), g.getInt("golden.param.d0"));
            case "POOL_1D" -> ctx.pool1d(s.get(0), PoolOp.values()[g.getInt("golden.param.op")], g.getInt("golden.param.k0"), g.getInt("golden.param.s0"),
                    g.getInt("golden.param.p0"));
            case "POOL_2D" -> ctx.pool2d(s.get(0), PoolOp.values()[g.getInt("golden.param.op")], g.getInt("golden.param.k0"), g.getInt("golden.param.k1"),
                    g.getInt("golden.param.s0"), g.getInt("golden.param.s1"), g.getInt("golden.param.p0"), g.getInt("golden.param.p1"));
            case "UPSCALE" -> {
                if (g.has("golden.param.scale_factor")) {
                    yield ctx.upscale(s.get(0), g.getInt("golden.param.scale_factor"));
                }
                int[] ne = g.getIntArray("golden.param.ne");
                yield ctx.upscaleExt(s.get(0), ne[0], ne[1], ne[2], ne[3]);
            }
            case "SSM_CONV" -> ctx.ssmConv(s.get(0), s.get(1));
            case "SSM_SCAN" -> ctx.ssmScan(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5));
            case "RWKV_WKV6" -> ctx.rwkvWkv6(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5));
            case "GATED_LINEAR_ATTN" -> ctx.gatedLinearAttn(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4),
                    g.getFloat("golden.param.scale"));
            default -> throw new IllegalArgumentException("unexpected op " + op);
        };
    }
}
