package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one thread knows while computing one node: its index {@code ith} of {@code nth} threads, the shared work
 * buffer, a barrier over all {@code nth} threads and a per-node counter for claiming chunks of work.
 *
 * <p>The executor resets {@link #counter()} to 0 before the node starts. Kernels split their work by
 * {@code ith}/{@code nth} (rows) or claim chunks with {@code counter().getAndIncrement()}.
 */
public interface ComputeParams {
    /** This thread's index, {@code 0 <= ith < nth}. */
    int ith();

    /** Number of threads computing this node. */
    int nth();

    /** The work buffer, at least {@link Kernels#workSize} bytes for this node and thread count (may be empty). */
    MemorySegment work();

    /** Waits until all {@link #nth()} threads of this node reach the barrier. */
    void barrier();

    /** A counter shared by the threads of this node, 0 when the node starts. */
    AtomicInteger counter();

    /** Parameters for computing a node on the calling thread alone. */
    static ComputeParams single(MemorySegment work) {
        AtomicInteger counter = new AtomicInteger();
        return new ComputeParams() {
            @Override
            public int ith() {
                return 0;
            }

            @Override
            public int nth() {
                return 1;
            }

            @Override
            public MemorySegment work() {
                return work;
            }

            @Override
            public void barrier() {
            }

            @Override
            public AtomicInteger counter() {
                return counter;
            }
        };
    }
}
