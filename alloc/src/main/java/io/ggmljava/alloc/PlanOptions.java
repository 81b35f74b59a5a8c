package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a plan is made for: the buffer type it will be allocated with (its alignment and per-tensor sizes), the
 * number of threads of the executor (for the work buffer), and the tensors whose memory lives elsewhere (weights, KV
 * caches) that the plan must neither place nor reuse. Tensors that already have memory are always left alone.
 *
 * <pre>{@code
 * MemoryPlan weights = LinearAllocator.plan(model.weights(), BufferTypes.arena(), Usage.WEIGHTS);
 * PlanOptions opts = PlanOptions.defaults().withThreads(2).withExternal(weights);
 * MemoryPlan compute = Planner.best().plan(graph, opts);
 * }</pre>
 *
 * @param bufferType the type the plan will be allocated with
 * @param threads    executor threads (sizes the work buffer)
 * @param external   tensors to leave alone although they have no memory yet
 */
public record PlanOptions(BufferType bufferType, int threads, Predicate<Tensor> external) {
    public PlanOptions {
        Objects.requireNonNull(bufferType, "bufferType");
        Objects.requireNonNull(external, "external");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** The shared Arena type, as many threads as processors, nothing external. */
    public static PlanOptions defaults() {
        return new PlanOptions(BufferTypes.arena(), Runtime.getRuntime().availableProcessors(), t -> false);
    }

    public PlanOptions withBufferType(BufferType type) {
        return new PlanOptions(type, threads, external);
    }

    public PlanOptions withThreads(int n) {
        return new PlanOptions(bufferType, n, external);
    }

    /** Also leaves alone every tensor {@code more} accepts. */
    public PlanOptions withExternal(Predicate<Tensor> more) {
        Predicate<Tensor> mine = external;
        return new PlanOptions(bufferType, threads, t -> mine.test(t) || more.test(t));
    }

    /** Also leaves alone these tensors (compared by identity). */
    public PlanOptions withExternal(Collection<Tensor> tensors) {
        Set<Tensor> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(tensors);
        return withExternal(set::contains);
    }

    /** Also leaves alone every tensor placed by {@code plan} (e.g. the weights of a linear plan). */
    public PlanOptions withExternal(MemoryPlan plan) {
        return withExternal(plan::isPlaced);
    }
}
