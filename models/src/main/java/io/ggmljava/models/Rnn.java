package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.ComputePlan;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The two ways to run a {@link RecurrentCell} over a sequence, both with no size parameter anywhere:
 *
 * <ul>
 * <li>{@link #unroll}: all T steps in one graph. The step's input column is a view of {@code x [I, T]}; each
 * {@code h_t} is copied into column t of {@code out [H, T]} and the next step reads it from there. The graph's
 * ggml order computes all T input projections first (its compute buffer grows with T);
 * {@link io.ggmljava.graph.ExecutionOrder#MEMORY} makes it flat.
 * <li>{@link #stepGraph}: one step's graph, planned and allocated once and computed T times ({@link #run}): each
 * step binds the input to column t of {@code x}, computes, and copies the next state back into the state inputs.
 * </ul>
 *
 * <pre>{@code
 * Lstm lstm = Lstm.create(ctx, 256, 256);
 * Rnn.Unrolled u = Rnn.unroll(ctx, lstm, x, List.of(h0, c0), out);   // x [256, T], out [256, T]
 * Graph g = Rnn.graph(u).ordered(ExecutionOrder.MEMORY);
 *
 * Rnn.StepGraph s = Rnn.stepGraph(ctx, lstm);                         // inputs x_t, h, c; outputs h', c'
 * ... plan and allocate s.graph() once, fill s.state() ...
 * Rnn.run(s, executor, executor.plan(s.graph()), x, out);              // T computes of the same graph
 * }</pre>
 */
public final class Rnn {
    private Rnn() {
    }

    /**
     * An unrolled sequence.
     *
     * @param output [H, T], column t = h_t (written when the graph runs), or null if not kept
     * @param last   the state after the last step ({@code h} first; with an output, {@code h} is a view of its last
     *               column). Every step and every output write is reachable from it: expand it.
     */
    public record Unrolled(Tensor output, List<Tensor> last) {
    }

    /** One step's graph: the input column and state inputs, the next state, and the graph computing it. */
    public record StepGraph(RecurrentCell cell, Tensor input, List<Tensor> state, List<Tensor> next, Graph graph) {
    }

    /**
     * Unrolls {@code cell} over the columns of {@code x [I, T]} starting from {@code initial} ({@code [H]} each, in
     * {@link RecurrentCell#stateNames()} order); {@code out [H, T]} (f32, may be null) receives every {@code h_t}.
     */
    public static Unrolled unroll(Context ctx, RecurrentCell cell, Tensor x, List<Tensor> initial, Tensor out) {
        int in = cell.inputSize();
        int hid = cell.hiddenSize();
        requireShape("rnn", "x", x, in, x.ne(1));
        long steps = x.ne(1);
        if (initial.size() != cell.stateNames().size()) {
            throw new IllegalArgumentException("rnn: the cell has states " + cell.stateNames() + ", got "
                    + initial.size() + " initial tensors");
        }
        for (int k = 0; k < initial.size(); k++) {
            requireShape("rnn", cell.stateNames().get(k) + "0", initial.get(k), hid, 1);
        }
        if (out != null) {
            requireShape("rnn", "out", out, hid, steps);
            if (out.type() != GgmlType.F32) {
                throw new ShapeException("rnn: out must be f32, got " + out.describe());
            }
        }
        List<Tensor> state = new ArrayList<>(initial);
        for (long t = 0; t < steps; t++) {
            Tensor xt = ctx.view1d(x, in, t * x.nb(1));
            List<Tensor> next = new ArrayList<>(cell.step(ctx, xt, state));
            if (out != null) {
                // h_t goes to its column; the next step reads it from there, so h_t's own bytes die at once
                next.set(0, ctx.cpy(next.get(0), ctx.view1d(out, hid, t * out.nb(1))));
            }
            state = next;
        }
        return new Unrolled(out, List.copyOf(state));
    }

    /** The graph of an unrolled sequence (ggml's order: its last state expanded in order). */
    public static Graph graph(Unrolled u) {
        Graph g = new Graph();
        for (Tensor t : u.last()) {
            g.buildForwardExpand(t);
        }
        return g;
    }

    /**
     * One step of {@code cell} as a graph: inputs {@code x_t [I]} and the state {@code [H]} (flagged inputs), the
     * next state flagged as outputs.
     */
    public static StepGraph stepGraph(Context ctx, RecurrentCell cell) {
        Tensor x = ctx.newTensor1d(GgmlType.F32, cell.inputSize()).setName("x_t").setInput();
        List<Tensor> state = new ArrayList<>();
        for (String s : cell.stateNames()) {
            state.add(ctx.newTensor1d(GgmlType.F32, cell.hiddenSize()).setName(s).setInput());
        }
        List<Tensor> next = cell.step(ctx, x, state);
        Graph g = new Graph();
        for (int k = 0; k < next.size(); k++) {
            next.get(k).setName(cell.stateNames().get(k) + "_next").setOutput();
            g.buildForwardExpand(next.get(k));
        }
        return new StepGraph(cell, x, List.copyOf(state), List.copyOf(next), g);
    }

    /**
     * Computes a step graph once per column of {@code x [I, T]} (allocated, f32, contiguous rows) with the same plan:
     * the input is bound to column t, the graph computed, the next state copied into the state inputs and, if
     * {@code out [H, T]} is given, {@code h_t} into its column t. The state inputs hold the initial state on entry
     * and the last state on return.
     */
    public static void run(StepGraph s, Executor ex, ComputePlan plan, Tensor x, Tensor out) {
        Objects.requireNonNull(x.data(), "rnn: x has no memory");
        requireShape("rnn", "x", x, s.cell().inputSize(), x.ne(1));
        long steps = x.ne(1);
        if (out != null) {
            requireShape("rnn", "out", out, s.cell().hiddenSize(), steps);
        }
        MemorySegment xs = x.data();
        long colBytes = 4L * s.cell().inputSize();
        long hBytes = 4L * s.cell().hiddenSize();
        MemorySegment os = out == null ? null : out.data();
        for (long t = 0; t < steps; t++) {
            s.input().bind(xs.asSlice(t * x.nb(1), colBytes));
            ex.compute(plan);
            for (int k = 0; k < s.next().size(); k++) {
                MemorySegment.copy(s.next().get(k).data(), 0, s.state().get(k).data(), 0, hBytes);
            }
            if (os != null) {
                MemorySegment.copy(s.next().get(0).data(), 0, os, t * out.nb(1), hBytes);
            }
        }
    }

    static void requireShape(String op, String role, Tensor t, long ne0, long ne1) {
        if (t.ne(0) != ne0 || t.ne(1) != ne1 || t.ne(2) != 1 || t.ne(3) != 1) {
            throw new ShapeException(op + ": " + role + " must be [" + ne0 + ", " + ne1 + "], got " + t.describe());
        }
    }
}
