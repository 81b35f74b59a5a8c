package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A {@link SizableModel} for the seed's sequence model, {@code lstm}: one LSTM layer ({@link Lstm}, PyTorch's gate
 * order) unrolled over a sequence of T steps in one graph ({@link Rnn#unroll}). The workload's context is T. The
 * input sequence {@code x [I, T]} and the outputs {@code out [H, T]} are the caller's buffers (reported beside the
 * weights, like a KV cache); the compute buffer holds the initial state and the steps' intermediates.
 */
final class LstmModel implements SizableModel {
    private final String source;
    private final boolean headerOnly;
    private final int inputSize;
    private final int hiddenSize;
    private final int defaultSteps;
    private final List<TensorSpec> specs;

    LstmModel(String source, boolean headerOnly, int inputSize, int hiddenSize, int defaultSteps,
            List<TensorSpec> specs) {
        this.source = source;
        this.headerOnly = headerOnly;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.defaultSteps = defaultSteps;
        this.specs = List.copyOf(specs);
        long h4 = 4L * hiddenSize;
        Map<String, long[]> expected = Map.of("w_ih", new long[]{inputSize, h4}, "w_hh", new long[]{hiddenSize, h4},
                "b_ih", new long[]{h4}, "b_hh", new long[]{h4});
        if (specs.size() != expected.size()) {
            throw new IllegalArgumentException("lstm: expected the tensors " + expected.keySet() + ", got " + specs);
        }
        for (TensorSpec s : specs) {
            long[] ne = expected.get(s.name());
            if (ne == null || !s.sameShape(ne) || s.type() != GgmlType.F32) {
                throw new IllegalArgumentException("lstm: tensor " + s + " is not one of w_ih [I,4H], w_hh [H,4H], "
                        + "b_ih [4H], b_hh [4H] (f32) for I = " + inputSize + ", H = " + hiddenSize);
            }
        }
    }

    /** Reads {@code lstm.input_size}, {@code lstm.hidden_size} and {@code lstm.sequence_length} (the default T). */
    static LstmModel fromGguf(String source, GgufFile f) {
        return new LstmModel(source, f.isHeaderOnly(), f.getInt("lstm.input_size"), f.getInt("lstm.hidden_size"),
                f.getInt("lstm.sequence_length", 1000), f.tensors().stream().map(TensorSpec::of).toList());
    }

    /** The header of an LSTM of input size {@code i}, hidden size {@code h}, default sequence length {@code t}. */
    static GgufWriter header(String name, int i, int h, int t) {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.of("lstm"));
        w.put("general.name", GgufValue.of(name));
        w.put("general.description", GgufValue.of("header only: one LSTM layer (PyTorch layout, gates i,f,g,o), "
                + "written by ggml-java for sizing"));
        w.put("lstm.input_size", GgufValue.u32(i));
        w.put("lstm.hidden_size", GgufValue.u32(h));
        w.put("lstm.sequence_length", GgufValue.u32(t));
        w.addTensor("w_ih", GgmlType.F32, new long[]{i, 4L * h}, null);
        w.addTensor("w_hh", GgmlType.F32, new long[]{h, 4L * h}, null);
        w.addTensor("b_ih", GgmlType.F32, new long[]{4L * h}, null);
        w.addTensor("b_hh", GgmlType.F32, new long[]{4L * h}, null);
        return w;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String architecture() {
        return "lstm";
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "1 LSTM layer, input %d, hidden %d, unrolled over T steps in one graph "
                + "(default T %d)", inputSize, hiddenSize, defaultSteps);
    }

    @Override
    public boolean headerOnly() {
        return headerOnly;
    }

    @Override
    public List<TensorSpec> weightSpecs() {
        return specs;
    }

    @Override
    public int layerOf(TensorSpec spec) {
        return 0;
    }

    @Override
    public int layers() {
        return 1;
    }

    @Override
    public SizableModel scaledDown(int nLayer, int nVocab) {
        return this; // one layer, no vocabulary: only the sequence can be shortened
    }

    @Override
    public ModelInstance instantiate(Workload w) {
        if (w.kvType() != null || w.flashAttn()) {
            throw new IllegalArgumentException("lstm: no KV cache and no attention; --kv-type and --flash-attn do "
                    + "not apply");
        }
        int steps = w.ctx() == 0 ? defaultSteps : w.ctx();
        Context weights = new Context();
        List<Tensor> t = new ArrayList<>();
        for (TensorSpec s : specs) {
            t.add(weights.newTensor(s.type(), s.ne()).setName(s.name()));
        }
        Lstm cell = new Lstm(weights.getTensor("w_ih"), weights.getTensor("w_hh"), weights.getTensor("b_ih"),
                weights.getTensor("b_hh"));
        Context seq = new Context();
        Tensor x = seq.newTensor2d(GgmlType.F32, inputSize, steps).setName("x");
        Tensor out = seq.newTensor2d(GgmlType.F32, hiddenSize, steps).setName("out");
        // one "token" per step: the whole sequence is one graph
        Workload resolved = new Workload(steps, steps, steps, 0, GgmlType.F32, false, true);
        return new Instance(cell, List.copyOf(t), seq, x, out, steps, resolved);
    }

    private record Instance(Lstm cell, List<Tensor> weights, Context seq, Tensor x, Tensor out, int steps,
            Workload workload) implements ModelInstance {
        @Override
        public List<Tensor> cache() {
            return seq.tensors();
        }

        @Override
        public String describeCache() {
            return String.format(Locale.ROOT, "the caller's sequence buffers: x [%d, %d] + out [%d, %d] f32",
                    cell.inputSize(), steps, cell.hiddenSize(), steps);
        }

        @Override
        public String describeStep() {
            return String.format(Locale.ROOT, "%d steps unrolled in one graph, h_t written to column t of out", steps);
        }

        @Override
        public Step newStep() {
            Context ctx = new Context();
            Tensor h0 = ctx.newTensor1d(GgmlType.F32, cell.hiddenSize()).setName("h0").setInput();
            Tensor c0 = ctx.newTensor1d(GgmlType.F32, cell.hiddenSize()).setName("c0").setInput();
            Rnn.Unrolled u = Rnn.unroll(ctx, cell, x, List.of(h0, c0), out);
            Graph g = Rnn.graph(u);
            return new Step(g, out, rng -> {
                fill(x, rng, 1.0f);
                fill(h0, rng, 0.5f);
                fill(c0, rng, 0.5f);
            });
        }

        private static void fill(Tensor t, RandomGenerator rng, float half) {
            for (long i = 0, n = t.nelements(); i < n; i++) {
                t.setF32(i, half * (2 * rng.nextFloat() - 1));
            }
        }
    }
}
