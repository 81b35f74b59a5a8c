package io.ggmljava.bench;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.ComputeParams;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small team of spinning threads that computes one node at a time over {@link ComputeParams} (ith/nth, a shared
 * chunk counter, a spin barrier), the way ggml's thread pool does; the calling thread is thread 0. For benchmarks
 * until the graph executor is available; close it to stop the workers.
 */
public final class ThreadTeam implements AutoCloseable {
    private final int nth;
    private final Thread[] workers;
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int phase;
    private volatile long generation;
    private volatile boolean stop;
    private volatile Tensor node;
    private volatile KernelProvider provider;
    private volatile MemorySegment work;
    private volatile Throwable failure;

    public ThreadTeam(int nth) {
        this.nth = nth;
        this.workers = new Thread[nth - 1];
        for (int t = 1; t < nth; t++) {
            int ith = t;
            workers[t - 1] = Thread.ofPlatform().daemon().name("ggml-bench-" + t).start(() -> loop(ith));
        }
    }

    /** Computes {@code node} on all threads; returns when every thread has finished. */
    public void compute(KernelProvider p, Tensor n, MemorySegment w) {
        this.provider = p;
        this.node = n;
        this.work = w;
        counter.set(0);
        generation = generation + 1; // publishes the fields above to the workers
        run(0);
        barrier();
        Throwable f = failure;
        if (f != null) {
            failure = null;
            throw new IllegalStateException("a worker failed: " + f, f);
        }
    }

    private void loop(int ith) {
        long seen = 0;
        while (true) {
            long g;
            while ((g = generation) == seen) {
                if (stop) {
                    return;
                }
                Thread.onSpinWait();
            }
            seen = g;
            run(ith);
            barrier();
        }
    }

    private void run(int ith) {
        try {
            Kernels.compute(provider, node, params(ith));
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Sense-reversing spin barrier over all {@code nth} threads. */
    private void barrier() {
        int p = phase;
        if (arrived.incrementAndGet() == nth) {
            arrived.set(0);
            phase = p + 1;
        } else {
            while (phase == p) {
                Thread.onSpinWait();
            }
        }
    }

    private ComputeParams params(int ith) {
        return new ComputeParams() {
            @Override
            public int ith() {
                return ith;
            }

            @Override
            public int nth() {
                return nth;
            }

            @Override
            public MemorySegment work() {
                return work;
            }

            @Override
            public void barrier() {
                ThreadTeam.this.barrier();
            }

            @Override
            public AtomicInteger counter() {
                return counter;
            }
        };
    }

    @Override
    public void close() {
        stop = true;
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
