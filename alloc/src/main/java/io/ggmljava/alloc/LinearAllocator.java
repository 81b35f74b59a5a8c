package io.ggmljava.alloc;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Places tensors one after another, each padded to the buffer type's alignment, starting a new buffer whenever the
 * next tensor would pass the type's {@linkplain BufferType#maxSize() max size} (ggml_backend_alloc_ctx_tensors). For
 * weights and caches: everything lives as long as the buffers. Views and tensors that already have memory are left
 * alone (views see their source's memory once it is bound).
 *
 * <pre>{@code
 * MemoryPlan weights = LinearAllocator.plan(weightsCtx, BufferTypes.arena(), Usage.WEIGHTS);
 * try (Allocation mem = weights.allocate(BufferTypes.arena())) { ... }
 * }</pre>
 */
public final class LinearAllocator {
    private LinearAllocator() {
    }

    /** Plans every tensor of {@code ctx}, in creation order. */
    public static MemoryPlan plan(Context ctx, BufferType type, Usage usage) {
        return plan(ctx.tensors(), type, usage);
    }

    /** Plans {@code tensors} in order (duplicates, views and tensors with memory are skipped). */
    public static MemoryPlan plan(Collection<Tensor> tensors, BufferType type, Usage usage) {
        long t0 = System.nanoTime();
        long align = type.alignment();
        long max = type.maxSize();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> placed = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<Integer> bufferIds = new ArrayList<>();
        List<MemoryPlan.BufferSpec> buffers = new ArrayList<>();
        String prefix = usage == Usage.ANY ? "buffer" : usage.name().toLowerCase(java.util.Locale.ROOT);
        long cur = 0;
        for (Tensor t : tensors) {
            if (t.isView() || t.data() != null || !seen.add(t)) {
                continue;
            }
            long size = GraphIndex.pad(type.allocSize(t), align);
            if (size > max) {
                throw new AllocationException("tensor '" + t.name() + "' " + t.describe() + " needs " + size
                        + " bytes, more than the largest buffer of type '" + type.name() + "' (" + max + ")");
            }
            if (cur > 0 && cur + size > max) {
                buffers.add(new MemoryPlan.BufferSpec(prefix + "." + buffers.size(), usage, cur));
                cur = 0;
            }
            placed.add(t);
            offsets.add(cur);
            bufferIds.add(buffers.size());
            cur += size;
        }
        if (cur > 0 || buffers.isEmpty()) {
            buffers.add(new MemoryPlan.BufferSpec(prefix + "." + buffers.size(), usage, cur));
        }
        int n = placed.size();
        int[] bufferOf = new int[n];
        long[] offsetOf = new long[n];
        for (int i = 0; i < n; i++) {
            bufferOf[i] = bufferIds.get(i);
            offsetOf[i] = offsets.get(i);
        }
        return MemoryPlan.linear(placed.toArray(new Tensor[0]), bufferOf, offsetOf, buffers, type,
                System.nanoTime() - t0);
    }

    /** Plans and allocates every tensor of {@code ctx} with {@code type}. */
    public static Allocation allocate(Context ctx, BufferType type, Usage usage) {
        return plan(ctx, type, usage).allocate(type);
    }
}
