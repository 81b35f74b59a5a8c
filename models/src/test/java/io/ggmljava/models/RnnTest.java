package io.ggmljava.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.alloc.Allocation;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.Planner;
import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ExecutionOrder;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import io.ggmljava.graph.Liveness;
import io.ggmljava.testdata.golden.GoldenCase;
import io.ggmljava.testdata.golden.GoldenCases;
import io.ggmljava.testdata.golden.Nmse;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The recurrent layers end to end: built with {@link Rnn}, ordered, planned and allocated by the allocator, computed
 * by the {@link Executor}, compared with ggml's golden outputs, both unrolled and as one step's graph run T times.
 */
class RnnTest {
    private static final String[] CASES = {"graph/lstm_i5_h8_t9_small.gguf", "graph/lstm_i16_h32_t50_state.gguf",
        "graph/lstm_i16_h32_t50_zero.gguf", "graph/gru_i5_h8_t9_small.gguf", "graph/gru_i16_h32_t50_state.gguf",
        "graph/gru_i16_h32_t50_zero.gguf"};

    /** A golden case's inputs as allocated leafs, and the cell over them. */
    private record Setup(GoldenCase c, Context ctx, RecurrentCell cell, Tensor x, List<Tensor> initial) {
    }

    private static Setup setup(String file, Arena arena) {
        GoldenCase c = GoldenCases.loadBundled(file);
        Context ctx = new Context();
        java.util.Map<String, Tensor> in = new java.util.HashMap<>();
        for (String name : c.inputs()) {
            GoldenCase.CaseTensor ct = c.tensor(name);
            Tensor t = ctx.newTensor(ct.type(), ct.ne()).setName(name);
            MemorySegment m = arena.allocate(t.nbytes(), 64);
            MemorySegment.copy(ct.data(), 0, m, 0, t.nbytes());
            in.put(name, t.bind(m));
        }
        boolean lstm = c.paramString("model").equals("lstm");
        RecurrentCell cell = lstm
                ? new Lstm(in.get("w_ih"), in.get("w_hh"), in.get("b_ih"), in.get("b_hh"))
                : new Gru(in.get("w_ih"), in.get("w_hh"), in.get("b_ih"), in.get("b_hh"));
        List<Tensor> initial = lstm ? List.of(in.get("h0"), in.get("c0")) : List.of(in.get("h0"));
        return new Setup(c, ctx, cell, in.get("x"), initial);
    }

    private static void check(GoldenCase c, String name, Tensor ours) {
        double[] golden = new double[(int) c.tensor(name).nelements()];
        for (int i = 0; i < golden.length; i++) {
            golden[i] = c.tensor(name).data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        float[] f = ours.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        Nmse.Result r = Nmse.compare(d, golden, c.maxNmse());
        assertTrue(r.passed(), c.file() + " " + name + ": " + r.problem() + " " + r.worst());
    }

    private static Tensor allocated(Context ctx, Arena arena, long ne0, long ne1) {
        Tensor t = ctx.newTensor2d(GgmlType.F32, ne0, ne1);
        return t.bind(arena.allocate(t.nbytes(), 64));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml", "memory"})
    void unrolledMatchesGgmlInEitherOrder(String order) {
        for (String file : CASES) {
            try (Arena arena = Arena.ofShared(); Executor ex = new Executor(2)) {
                Setup s = setup(file, arena);
                Tensor out = allocated(s.ctx, arena, s.cell.hiddenSize(), s.x.ne(1)).setName("out");
                Rnn.Unrolled u = Rnn.unroll(s.ctx, s.cell, s.x, s.initial, out);
                u.last().forEach(Tensor::setOutput);
                Graph g = Rnn.graph(u).ordered(order.equals("ggml") ? ExecutionOrder.GGML : ExecutionOrder.MEMORY);
                MemoryPlan plan = Planner.best().plan(g);
                assertEquals(Liveness.of(g).peakBytes(), plan.lowerBoundBytes(),
                        "the liveness peak is the allocator's lower bound for the same order");
                try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                    ex.compute(ex.plan(g).withWork(mem.work()));
                    check(s.c, "dst", out);
                    check(s.c, "h_last", u.last().get(0));
                    if (u.last().size() > 1) {
                        check(s.c, "c_last", u.last().get(1));
                    }
                }
            }
        }
    }

    @Test
    void oneStepsGraphPlannedOnceAndRunTTimesMatchesGgml() {
        for (String file : CASES) {
            try (Arena arena = Arena.ofShared(); Executor ex = new Executor(2)) {
                Setup s = setup(file, arena);
                Rnn.StepGraph step = Rnn.stepGraph(s.ctx, s.cell);
                step.input().bind(s.x.data().asSlice(0, 4L * s.cell.inputSize()));
                for (int k = 0; k < step.state().size(); k++) {
                    Tensor st = step.state().get(k);
                    st.bind(arena.allocate(st.nbytes(), 64));
                    MemorySegment.copy(s.initial.get(k).data(), 0, st.data(), 0, st.nbytes());
                }
                Graph g = step.graph().ordered(ExecutionOrder.MEMORY);
                MemoryPlan plan = Planner.best().plan(g);
                Tensor out = allocated(s.ctx, arena, s.cell.hiddenSize(), s.x.ne(1));
                try (Allocation mem = plan.allocate(BufferTypes.arena())) {
                    Rnn.run(step, ex, ex.plan(g).withWork(mem.work()), s.x, out);
                }
                check(s.c, "dst", out);
                check(s.c, "h_last", step.state().get(0));
                if (step.state().size() > 1) {
                    check(s.c, "c_last", step.state().get(1));
                }
            }
        }
    }

    @Test
    void unrolledComputeBufferIsFlatInTInMemoryOrderAndGrowsInGgmlOrder() {
        List<Long> memory = new ArrayList<>();
        List<Long> ggml = new ArrayList<>();
        for (int steps : new int[] {20, 80, 320}) {
            Context ctx = new Context();
            Lstm lstm = Lstm.create(ctx, 16, 32);
            Tensor x = ctx.newTensor2d(GgmlType.F32, 16, steps).setInput();
            Tensor out = ctx.newTensor2d(GgmlType.F32, 32, steps);
            Tensor h0 = ctx.newTensor1d(GgmlType.F32, 32).setInput();
            Tensor c0 = ctx.newTensor1d(GgmlType.F32, 32).setInput();
            Rnn.Unrolled u = Rnn.unroll(ctx, lstm, x, List.of(h0, c0), out);
            Graph g = Rnn.graph(u);
            List<Tensor> external = new ArrayList<>(lstm.weights());
            external.addAll(List.of(x, out, h0, c0));
            io.ggmljava.alloc.PlanOptions opts = io.ggmljava.alloc.PlanOptions.defaults().withExternal(external);
            ggml.add(Planner.best().plan(g, opts).computeBytes());
            memory.add(Planner.best().plan(g.ordered(ExecutionOrder.MEMORY), opts).computeBytes());
        }
        assertEquals(memory.get(0), memory.get(2), "memory order: flat in T " + memory);
        // ggml order: every step's input projection (4H floats, 512 bytes) is live until its step runs
        assertEquals(512L * (320 - 80), ggml.get(2) - ggml.get(1), "ggml order grows " + ggml);
    }
}
