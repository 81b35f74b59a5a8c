package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The buffers made for a {@link MemoryPlan}, with the plan's tensors bound to them. Closing it unbinds those tensors
 * and releases the buffers.
 */
public final class Allocation implements AutoCloseable {
    private final MemoryPlan plan;
    private final List<Buffer> buffers;
    private final List<Tensor> bound;
    private boolean closed;

    Allocation(MemoryPlan plan, List<Buffer> buffers, List<Tensor> bound) {
        this.plan = plan;
        this.buffers = List.copyOf(buffers);
        this.bound = bound;
    }

    /** The plan these buffers were made for. */
    public MemoryPlan plan() {
        return plan;
    }

    /** The buffers, in the order of {@link MemoryPlan#buffers()}. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /** Buffer {@code i}. */
    public Buffer buffer(int i) {
        return buffers.get(i);
    }

    /** Bytes allocated: the sum of the buffers' sizes (equal to {@link MemoryPlan#totalBytes()}). */
    public long allocatedBytes() {
        long t = 0;
        for (Buffer b : buffers) {
            t += b.size();
        }
        return t;
    }

    /** The executor's work buffer for a graph plan ({@link MemorySegment#NULL} if the graph needs none). */
    public MemorySegment work() {
        List<MemoryPlan.BufferSpec> specs = plan.buffers();
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).name().equals("work")) {
                return buffers.get(i).segment();
            }
        }
        return MemorySegment.NULL;
    }

    /** Unbinds the tensors this allocation bound and releases the buffers (idempotent). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Tensor t : bound) {
            t.bind(null);
        }
        for (Buffer b : buffers) {
            b.close();
        }
    }

    @Override
    public String toString() {
        return "Allocation{" + buffers + "}";
    }
}
