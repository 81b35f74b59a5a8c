package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.SortOrder;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnaryOp;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op drivers of the basic ops: results independent of the thread count (bit for bit), strided and permuted
 * inputs equal to their contiguous copies, in-place variants equal to out-of-place ones, broadcasting and copies
 * checked element by element against plain loops, and clear errors for bad input.
 */
class BasicOpsTest {
    /** Builds one op node from the tensors a case creates; inputs get random data. */
    record OpCase(String name, BiFunction<Context, Random, Tensor> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Tensor rnd(Context ctx, Random r, GgmlType t, long... ne) {
        return ctx.newTensor(t, ne).setName("in" + r.nextInt(1000));
    }

    static List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        c.add(new OpCase("gelu", (ctx, r) -> ctx.gelu(rnd(ctx, r, GgmlType.F32, 67, 5, 3))));
        c.add(new OpCase("silu", (ctx, r) -> ctx.silu(rnd(ctx, r, GgmlType.F32, 4099, 3))));
        c.add(new OpCase("exp", (ctx, r) -> ctx.exp(rnd(ctx, r, GgmlType.F32, 33, 7))));
        c.add(new OpCase("scale", (ctx, r) -> ctx.scale(rnd(ctx, r, GgmlType.F32, 129, 9), 0.3f)));
        c.add(new OpCase("add-bcast", (ctx, r) -> ctx.add(rnd(ctx, r, GgmlType.F32, 40, 6, 4, 2),
                rnd(ctx, r, GgmlType.F32, 20, 3, 1, 2))));
        c.add(new OpCase("mul-row", (ctx, r) -> ctx.mul(rnd(ctx, r, GgmlType.F32, 1024, 17),
                rnd(ctx, r, GgmlType.F32, 1024, 1))));
        c.add(new OpCase("div-scalar", (ctx, r) -> ctx.div(rnd(ctx, r, GgmlType.F32, 100, 30),
                rnd(ctx, r, GgmlType.F32, 1))));
        c.add(new OpCase("add-f16", (ctx, r) -> ctx.add(rnd(ctx, r, GgmlType.F16, 64, 9),
                rnd(ctx, r, GgmlType.F32, 64, 9))));
        c.add(new OpCase("sum-rows", (ctx, r) -> ctx.sumRows(rnd(ctx, r, GgmlType.F32, 513, 11, 2))));
        c.add(new OpCase("mean", (ctx, r) -> ctx.mean(rnd(ctx, r, GgmlType.F32, 77, 13))));
        c.add(new OpCase("sum", (ctx, r) -> ctx.sum(rnd(ctx, r, GgmlType.F32, 300, 13))));
        c.add(new OpCase("argmax", (ctx, r) -> ctx.argmax(rnd(ctx, r, GgmlType.F32, 1000, 21))));
        c.add(new OpCase("norm", (ctx, r) -> ctx.norm(rnd(ctx, r, GgmlType.F32, 300, 19), 1e-5f)));
        c.add(new OpCase("rms-norm", (ctx, r) -> ctx.rmsNorm(rnd(ctx, r, GgmlType.F32, 4096, 9), 1e-6f)));
        c.add(new OpCase("group-norm", (ctx, r) -> ctx.groupNorm(rnd(ctx, r, GgmlType.F32, 9, 7, 10, 2), 3, 1e-6f)));
        c.add(new OpCase("soft-max-alibi", (ctx, r) -> ctx.softMaxExt(rnd(ctx, r, GgmlType.F32, 70, 9, 6),
                rnd(ctx, r, GgmlType.F16, 70, 12), 0.3f, 8.0f)));
        c.add(new OpCase("diag-mask-inf", (ctx, r) -> ctx.diagMaskInf(rnd(ctx, r, GgmlType.F32, 50, 40, 3), 4)));
        c.add(new OpCase("cpy-f16-permuted", (ctx, r) -> {
            Tensor a = ctx.permute(rnd(ctx, r, GgmlType.F32, 30, 20, 7), 2, 0, 1, 3);
            return ctx.cpy(a, ctx.newTensor(GgmlType.F16, a.shape()));
        }));
        c.add(new OpCase("cont-bf16", (ctx, r) -> ctx.cont(ctx.transpose(rnd(ctx, r, GgmlType.BF16, 33, 65)))));
        c.add(new OpCase("get-rows", (ctx, r) -> {
            Tensor idx = ctx.newTensor(GgmlType.I32, 37).setName("idx");
            return ctx.getRows(rnd(ctx, r, GgmlType.F16, 100, 8), idx);
        }));
        c.add(new OpCase("concat-1", (ctx, r) -> ctx.concat(rnd(ctx, r, GgmlType.F32, 10, 4, 9),
                rnd(ctx, r, GgmlType.F32, 10, 3, 9), 1)));
        c.add(new OpCase("repeat", (ctx, r) -> ctx.repeat(rnd(ctx, r, GgmlType.F32, 5, 3, 2), 20, 6, 4, 3)));
        c.add(new OpCase("pad", (ctx, r) -> ctx.pad(rnd(ctx, r, GgmlType.F32, 9, 8, 7), 3, 2, 1, 2)));
        c.add(new OpCase("argsort", (ctx, r) -> ctx.argsort(rnd(ctx, r, GgmlType.F32, 100, 17), SortOrder.DESC)));
        c.add(new OpCase("acc", (ctx, r) -> ctx.acc(rnd(ctx, r, GgmlType.F32, 20, 30, 4),
                rnd(ctx, r, GgmlType.F32, 10, 10, 2), 80, 2400, 4800, 44)));
        c.add(new OpCase("timestep", (ctx, r) -> ctx.timestepEmbedding(rnd(ctx, r, GgmlType.F32, 9), 33, 10000)));
        return c;
    }

    static Stream<Arguments> casesByProvider() {
        List<Arguments> out = new ArrayList<>();
        for (KernelProvider p : OpHarness.providers()) {
            for (OpCase c : cases()) {
                out.add(Arguments.of(p, c));
            }
        }
        return out.stream();
    }

    /** Builds the case, gives every leaf random data (indices valid), computes it with nth threads. */
    static float[] run(KernelProvider p, OpCase oc, int nth) {
        Context ctx = new Context();
        Random r = new Random(42);
        Tensor node = oc.build().apply(ctx, r);
        try (Arena arena = Arena.ofShared()) {
            Random data = new Random(7);
            for (Tensor t : ctx.tensors()) {
                if (!t.isView() && t.data() == null) {
                    OpHarness.alloc(arena, t);
                    if (t.op() == io.ggmljava.core.Op.NONE && t != node.viewSource()) {
                        if (t.type() == GgmlType.I32) {
                            for (long i = 0; i < t.nelements(); i++) {
                                t.setI32(i, data.nextInt(8));
                            }
                        } else {
                            OpHarness.fill(t, data, -3, 3);
                        }
                    }
                }
            }
            return OpHarness.compute(p, node, nth);
        }
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("casesByProvider")
    void resultsDoNotDependOnTheThreadCount(KernelProvider p, OpCase c) {
        float[] one = run(p, c, 1);
        for (int nth : new int[]{2, 3, 4}) {
            OpHarness.assertSameBits(one, run(p, c, nth), c + " with " + nth + " threads vs 1");
        }
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("casesByProvider")
    void vectorAgreesWithScalar(KernelProvider p, OpCase c) {
        float[] s = run(KernelProvider.scalar(), c, 1);
        float[] v = run(p, c, 2);
        assertTrue(OpHarness.nmse(v, s) < 1e-12, c + ": nmse " + OpHarness.nmse(v, s));
    }

    // ---- strided and permuted inputs ----

    /** Each op on a permuted view equals the op on the contiguous copy of that view. */
    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void permutedInputsEqualContiguousCopies(KernelProvider p) {
        Map<String, BiFunction<Context, Tensor, Tensor>> ops = new LinkedHashMap<>();
        ops.put("gelu", Context::gelu);
        ops.put("sqr", Context::sqr);
        ops.put("clamp", (ctx, a) -> ctx.clamp(a, -0.5f, 0.7f));
        ops.put("rms_norm", (ctx, a) -> ctx.rmsNorm(a, 1e-5f));
        ops.put("norm", (ctx, a) -> ctx.norm(a, 1e-5f));
        ops.put("sum_rows", Context::sumRows);
        ops.put("add_self", (ctx, a) -> ctx.add(a, a));
        ops.put("argsort", (ctx, a) -> ctx.argsort(a, SortOrder.ASC));
        ops.put("dup", Context::dup);
        for (var e : ops.entrySet()) {
            try (Arena arena = Arena.ofShared()) {
                Context ctx = new Context();
                Tensor leaf = ctx.newTensor(GgmlType.F32, 37, 20, 3);
                OpHarness.alloc(arena, leaf);
                OpHarness.fill(leaf, new Random(5), -2, 2);
                Tensor view = ctx.permute(leaf, 1, 2, 0, 3);          // [3, 37, 20], elements not adjacent
                Tensor copy = ctx.cont(view);
                OpHarness.alloc(arena, copy);
                OpHarness.compute(p, copy, 1);
                Tensor onView;
                Tensor onCopy;
                try {
                    onView = e.getValue().apply(ctx, view);
                    onCopy = e.getValue().apply(ctx, copy);
                } catch (ShapeException ex) {
                    continue;   // the op's constructor requires contiguous rows, like ggml's
                }
                OpHarness.alloc(arena, onView, onCopy);
                float[] a = OpHarness.compute(p, onView, 2);
                float[] b = OpHarness.compute(p, onCopy, 1);
                OpHarness.assertSameBits(b, a, e.getKey() + " on a permuted view");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.ggmljava.ops.OpHarness#providers")
    void inPlaceVariantsEqualOutOfPlace(KernelProvider p) {
        List<BiFunction<Context, Tensor[], Tensor[]>> pairs = List.of(
                (ctx, t) -> new Tensor[]{ctx.add(t[0], t[1]), ctx.addInplace(t[0], t[1])},
                (ctx, t) -> new Tensor[]{ctx.scale(t[0], 3f), ctx.scaleInplace(t[0], 3f)},
                (ctx, t) -> new Tensor[]{ctx.unary(t[0], UnaryOp.SILU), ctx.unaryInplace(t[0], UnaryOp.SILU)},
                (ctx, t) -> new Tensor[]{ctx.softMax(t[0]), ctx.softMaxInplace(t[0])},
                (ctx, t) -> new Tensor[]{ctx.rmsNorm(t[0], 1e-6f), ctx.rmsNormInplace(t[0], 1e-6f)},
                (ctx, t) -> new Tensor[]{ctx.diagMaskInf(t[0], 2), ctx.diagMaskInfInplace(t[0], 2)},
                (ctx, t) -> new Tensor[]{ctx.acc(t[0], t[2], 4 * 130, 4 * 130 * 9, 4 * 130 * 9, 8),
                        ctx.accInplace(t[0], t[2], 4 * 130, 4 * 130 * 9, 4 * 130 * 9, 8)});
        for (int k = 0; k < pairs.size(); k++) {
            try (Arena arena = Arena.ofShared()) {
                Context ctx = new Context();
                Tensor a = ctx.newTensor(GgmlType.F32, 130, 9);
                Tensor b = ctx.newTensor(GgmlType.F32, 130, 9);
                Tensor c = ctx.newTensor(GgmlType.F32, 100, 5);
                OpHarness.alloc(arena, a, b, c);
                OpHarness.fill(a, new Random(1), -2, 2);
                OpHarness.fill(b, new Random(2), -2, 2);
                OpHarness.fill(c, new Random(3), -2, 2);
                Tensor[] r = pairs.get(k).apply(ctx, new Tensor[]{a, b, c});
                OpHarness.alloc(arena, r[0]);
                float[] out = OpHarness.compute(p, r[0], 2);
                float[] in = OpHarness.compute(p, r[1], 2);
                OpHarness.assertSameBits(out, in, "pair " + k + " (" + r[0].opDesc() + ")");
            }
        }
    }

    // ---- semantics against plain loops ----

    @Test
    void broadcastingFollowsGgml() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            long[] nb = {1 + rnd.nextInt(5), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(2)};
            long[] na = new long[4];
            for (int i = 0; i < 4; i++) {
                na[i] = nb[i] * (1 + rnd.nextInt(3));
            }
            for (KernelProvider p : OpHarness.providers()) {
                try (Arena arena = Arena.ofShared()) {
                    Context ctx = new Context();
                    Tensor a = ctx.newTensor(GgmlType.F32, na);
                    Tensor b = ctx.newTensor(GgmlType.F32, nb);
                    Tensor y = ctx.sub(a, b);
                    OpHarness.alloc(arena, a, b, y);
                    OpHarness.fill(a, rnd, -1, 1);
                    OpHarness.fill(b, rnd, -1, 1);
                    OpHarness.compute(p, y, 2);
                    for (long i3 = 0; i3 < na[3]; i3++) {
                        for (long i2 = 0; i2 < na[2]; i2++) {
                            for (long i1 = 0; i1 < na[1]; i1++) {
                                for (long i0 = 0; i0 < na[0]; i0++) {
                                    float e = a.getF32(i0, i1, i2, i3)
                                            - b.getF32(i0 % nb[0], i1 % nb[1], i2 % nb[2], i3 % nb[3]);
                                    assertEquals(e, y.getF32(i0, i1, i2, i3), 0.0f, "sub at " + i0 + "," + i1);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void copiesMoveElementsInLogicalOrderBetweenAnyShapes() {
        Random rnd = new Random(11);
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.I32};
        for (KernelProvider p : OpHarness.providers()) {
            for (GgmlType from : types) {
                for (GgmlType to : types) {
                    try (Arena arena = Arena.ofShared()) {
                        Context ctx = new Context();
                        Tensor a = ctx.newTensor(from, 6, 5, 4);
                        Tensor view = ctx.permute(a, 2, 0, 1, 3);           // [5, 4, 6]
                        Tensor d = ctx.newTensor(to, 20, 3, 2);             // another shape, same count
                        Tensor y = ctx.cpy(view, d);
                        OpHarness.alloc(arena, a, d);
                        for (long i = 0; i < a.nelements(); i++) {
                            a.setF32(i, rnd.nextInt(400) - 200);   // exact in every type
                        }
                        float[] out = OpHarness.compute(p, y, 3);
                        for (int i = 0; i < out.length; i++) {
                            assertEquals(view.getF32(i), out[i], 0.0f, from + " -> " + to + " element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void argsortKeepsGgmlsOrderForTiesAndNaN() {
        float[][] rows = {{1, 1, 0}, {1, 0, 1}, {2, 2, 2, 1, 1}, {0.0f, -0.0f, 0.0f}, {3, Float.NaN, 1, 2},
                {Float.NaN, Float.NaN, 0}};
        for (float[] v : rows) {
            for (boolean desc : new boolean[]{false, true}) {
                int[] expect = new int[v.length];
                Argsort.exchangeSort(v, expect, desc);
                int[] got = new int[v.length];
                Argsort.sortRow(v, got, new long[v.length], desc);
                assertArrayEquals(expect, got, java.util.Arrays.toString(v) + (desc ? " desc" : " asc"));
            }
        }
        // distinct values: the fast path must equal ggml's exchange sort too
        Random rnd = new Random(1);
        float[] v = new float[300];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        int[] expect = new int[v.length];
        Argsort.exchangeSort(v, expect, true);
        int[] got = new int[v.length];
        Argsort.sortRow(v, got, new long[v.length], true);
        assertArrayEquals(expect, got);
    }

    // ---- errors ----

    @Test
    void badInputGivesClearErrors() {
        KernelProvider p = KernelProvider.scalar();
        try (Arena arena = Arena.ofShared()) {
            Context ctx = new Context();
            Tensor h = ctx.newTensor(GgmlType.F16, 8, 2);
            Tensor g = ctx.gelu(h);
            OpHarness.alloc(arena, h, g);
            UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class,
                    () -> Kernels.computeNode(p, g));
            assertTrue(e.getMessage().contains("GELU") && e.getMessage().contains("f16"), e.getMessage());

            Tensor src = ctx.newTensor(GgmlType.F32, 4, 3);
            Tensor idx = ctx.newTensor(GgmlType.I32, 2);
            Tensor rows = ctx.getRows(src, idx);
            OpHarness.alloc(arena, src, idx, rows);
            idx.setI32(0, 1);
            idx.setI32(1, 3);
            IndexOutOfBoundsException oob = assertThrows(IndexOutOfBoundsException.class,
                    () -> Kernels.computeNode(p, rows));
            assertTrue(oob.getMessage().contains("GET_ROWS") && oob.getMessage().contains("3"), oob.getMessage());

            Tensor x = ctx.newTensor(GgmlType.F32, 5, 5);
            Tensor m = ctx.diagMaskZero(x, -1);
            OpHarness.alloc(arena, x, m);
            ShapeException se = assertThrows(ShapeException.class, () -> Kernels.computeNode(p, m));
            assertTrue(se.getMessage().contains("n_past"), se.getMessage());
        }
    }
}
