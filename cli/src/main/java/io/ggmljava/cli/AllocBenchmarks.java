package io.ggmljava.cli;

import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import io.ggmljava.models.Gpt2;
import io.ggmljava.models.Lstm;
import io.ggmljava.models.Rnn;
import io.ggmljava.testdata.arbitraries.GraphArbitraries;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.Locality;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The fixed set of graphs {@code ggml alloc-report} plans: model shapes and synthetic stress graphs. */
final class AllocBenchmarks {
    private AllocBenchmarks() {
    }

    /** A named graph, built on demand. */
    record Bench(String name, Supplier<Built> build) {
    }

    /** A graph and the options to plan it with (its weights are external: they live in their own buffer). */
    record Built(Graph graph, PlanOptions options) {
        static Built of(Graph g) {
            return new Built(g, PlanOptions.defaults());
        }

        static Built withWeights(Graph g, List<Tensor> weights) {
            return new Built(g, PlanOptions.defaults().withExternal(weights));
        }
    }

    static List<Bench> all() {
        List<Bench> out = new ArrayList<>();
        Gpt2 gpt2 = new Gpt2(Gpt2.Config.small());
        out.add(new Bench("gpt2_small_nocache_t128",
                () -> Built.withWeights(gpt2.graphNoCache(128), gpt2.weightsAndCache())));
        out.add(new Bench("gpt2_small_kv_past0_t128",
                () -> Built.withWeights(gpt2.graph(0, 128), gpt2.weightsAndCache())));
        out.add(new Bench("gpt2_small_kv_past896_t128",
                () -> Built.withWeights(gpt2.graph(896, 128), gpt2.weightsAndCache())));
        out.add(new Bench("lstm_h256_T100", () -> lstm(256, 256, 100)));
        out.add(new Bench("lstm_h256_T1000", () -> lstm(256, 256, 1000)));
        out.add(new Bench("chain_10k", () -> chain(10_000)));
        out.add(new Bench("dag_5k_local", () -> Built.of(GraphArbitraries.randomDag(1, 5000, Locality.LOCAL))));
        out.add(new Bench("dag_5k_long_range",
                () -> Built.of(GraphArbitraries.randomDag(2, 5000, Locality.LONG_RANGE))));
        out.add(new Bench("unet_64px", AllocBenchmarks::unet));
        out.add(new Bench("lstm_h256_T5264_100k", () -> lstm(256, 256, 5264)));
        return out;
    }

    /**
     * An LSTM unrolled over {@code T} steps with the {@code models} builders ({@link Lstm}, {@link Rnn}), in ggml's
     * order (the last state expanded): per step the input column as a view, both projections and biases, four gate
     * views and activations, the cell and hidden state. Inputs {@code x} [I, T], {@code h0}, {@code c0}; the weights
     * are external (their own buffer).
     */
    static Built lstm(int inputSize, int hidden, int steps) {
        Context ctx = new Context();
        Lstm cell = Lstm.create(ctx, inputSize, hidden);
        Tensor x = ctx.newTensor2d(GgmlType.F32, inputSize, steps).setName("x").setInput();
        Tensor h0 = ctx.newTensor1d(GgmlType.F32, hidden).setName("h0").setInput();
        Tensor c0 = ctx.newTensor1d(GgmlType.F32, hidden).setName("c0").setInput();
        Rnn.Unrolled u = Rnn.unroll(ctx, cell, x, List.of(h0, c0), null);
        for (Tensor t : u.last()) {
            t.setOutput();
        }
        return Built.withWeights(Rnn.graph(u), cell.weights());
    }

    /** {@code n} element-wise ops in a chain over a [1024, 16] f32 tensor, in-place-capable and not, mixed. */
    static Built chain(int n) {
        Context ctx = new Context();
        Tensor y = ctx.newTensor2d(GgmlType.F32, 1024, 16).setName("x").setInput();
        Tensor bias = ctx.newTensor1d(GgmlType.F32, 1024).setName("bias");
        Tensor gain = ctx.newTensor2d(GgmlType.F32, 1024, 16).setName("gain");
        for (int i = 0; i < n; i++) {
            y = switch (i % 7) {
                case 0 -> ctx.add(y, bias);
                case 1 -> ctx.sin(y);
                case 2 -> ctx.mul(y, gain);
                case 3 -> ctx.sqr(y);
                case 4 -> ctx.cos(y);
                case 5 -> ctx.scale(y, 0.5f);
                default -> ctx.gelu(y);
            };
        }
        y.setOutput();
        return Built.withWeights(Graph.build(y), List.of(bias, gain));
    }

    /**
     * A small U-Net: 64x64 pixels, 3 input channels, 4 levels of 32/64/128/256 channels; per level two 3x3
     * convolutions (im2col + mul_mat) with bias and SiLU, 2x2 average pooling down, nearest upscaling up and the
     * encoder's activation concatenated as a skip connection.
     */
    static Built unet() {
        Context ctx = new Context();
        List<Tensor> weights = new ArrayList<>();
        Tensor x = ctx.newTensor4d(GgmlType.F32, 64, 64, 3, 1).setName("image").setInput();
        int[] ch = {32, 64, 128, 256};
        List<Tensor> skips = new ArrayList<>();
        Tensor cur = x;
        for (int l = 0; l < ch.length; l++) {
            cur = convBlock(ctx, cur, ch[l], "down" + l, weights);
            if (l < ch.length - 1) {
                skips.add(cur);
                cur = ctx.pool2d(cur, PoolOp.AVG, 2, 2, 2, 2, 0, 0);
            }
        }
        for (int l = ch.length - 2; l >= 0; l--) {
            cur = ctx.upscale(cur, 2);
            cur = ctx.concat(cur, skips.get(l), 2);
            cur = convBlock(ctx, cur, ch[l], "up" + l, weights);
        }
        Tensor head = ctx.newTensor4d(GgmlType.F32, 1, 1, ch[0], 3).setName("head.weight");
        weights.add(head);
        Tensor out = ctx.conv2d(head, cur, 1, 1, 0, 0, 1, 1).setName("output").setOutput();
        return Built.withWeights(Graph.build(out), weights);
    }

    private static Tensor convBlock(Context ctx, Tensor x, int outCh, String name, List<Tensor> weights) {
        Tensor cur = x;
        for (int k = 0; k < 2; k++) {
            Tensor w = ctx.newTensor4d(GgmlType.F32, 3, 3, cur.ne(2), outCh).setName(name + ".conv" + k + ".weight");
            Tensor b = ctx.newTensor3d(GgmlType.F32, 1, 1, outCh).setName(name + ".conv" + k + ".bias");
            weights.add(w);
            weights.add(b);
            cur = ctx.silu(ctx.add(ctx.conv2d(w, cur, 1, 1, 1, 1, 1, 1), b));
        }
        return cur;
    }
}
