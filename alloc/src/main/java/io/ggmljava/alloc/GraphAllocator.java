package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Allocates graph after graph in buffers it keeps (ggml's gallocr): a graph with the same structure as the last one
 * (ops, shapes, types, parameters, flags, edges) reuses its plan without planning again; a different graph is
 * planned anew. Buffers grow when a plan needs more and shrink only on request ({@link #shrink()}). Closing releases
 * the buffers and unbinds the tensors bound last.
 *
 * <pre>{@code
 * try (GraphAllocator galloc = new GraphAllocator(BufferTypes.arena(), Planner.best(), PlanOptions.defaults())) {
 *     for (int step = 0; step < n; step++) {
 *         Graph g = buildStep(step);            // same structure each step: planned once
 *         galloc.allocate(g);
 *         Executor.compute(g, 2);
 *     }
 * }
 * }</pre>
 */
public final class GraphAllocator implements AutoCloseable {
    private final BufferType type;
    private final Planner planner;
    private final PlanOptions options;
    private MemoryPlan plan;
    private final List<Buffer> buffers = new ArrayList<>();
    private List<Tensor> bound = List.of();
    private int plansMade;
    private int plansReused;

    /** An allocator making buffers of {@code type}, planning with {@code planner} and {@code options}. */
    public GraphAllocator(BufferType type, Planner planner, PlanOptions options) {
        this.type = type;
        this.planner = planner;
        this.options = options.withBufferType(type);
    }

    /** Plans {@code graph} (or reuses the last plan) and grows the buffers to fit, without binding anything. */
    public MemoryPlan reserve(Graph graph) {
        unbind();
        long t0 = System.nanoTime();
        GraphIndex idx = new GraphIndex(graph, type, options.external());
        if (plan != null && Arrays.equals(plan.signature(), GraphSignature.of(idx, options.threads()))) {
            plan = plan.reusedFor(idx, System.nanoTime() - t0);
            plansReused++;
        } else {
            plan = planner.plan(idx, options, t0);
            plansMade++;
        }
        grow();
        return plan;
    }

    /** {@link #reserve} then binds the graph's tensors to the buffers. */
    public MemoryPlan allocate(Graph graph) {
        MemoryPlan p = reserve(graph);
        bound = p.bind(buffers);
        return p;
    }

    /** Re-makes the buffers at exactly the current plan's sizes (rebinding the tensors bound last). */
    public void shrink() {
        if (plan == null) {
            return;
        }
        boolean wasBound = !bound.isEmpty();
        unbind();
        closeBuffers();
        grow();
        if (wasBound) {
            bound = plan.bind(buffers);
        }
    }

    private void grow() {
        List<MemoryPlan.BufferSpec> specs = plan.buffers();
        plan.checkCompatible(type);
        for (int i = 0; i < specs.size(); i++) {
            MemoryPlan.BufferSpec spec = specs.get(i);
            if (i < buffers.size() && buffers.get(i).size() >= spec.size()) {
                continue;
            }
            Buffer b = type.allocate(spec.size(), spec.usage());
            if (i < buffers.size()) {
                buffers.set(i, b).close();
            } else {
                buffers.add(b);
            }
        }
    }

    private void unbind() {
        for (Tensor t : bound) {
            t.bind(null);
        }
        bound = List.of();
    }

    private void closeBuffers() {
        for (Buffer b : buffers) {
            b.close();
        }
        buffers.clear();
    }

    /** The plan of the last graph, or null. */
    public MemoryPlan plan() {
        return plan;
    }

    /** The buffers currently held. */
    public List<Buffer> buffers() {
        return List.copyOf(buffers);
    }

    /** Bytes currently allocated (the buffers' sizes; at least the last plan's {@link MemoryPlan#totalBytes()}). */
    public long allocatedBytes() {
        long t = 0;
        for (Buffer b : buffers) {
            t += b.size();
        }
        return t;
    }

    /** How many graphs were planned. */
    public int plansMade() {
        return plansMade;
    }

    /** How many graphs reused the previous plan. */
    public int plansReused() {
        return plansReused;
    }

    @Override
    public void close() {
        unbind();
        closeBuffers();
    }
}
