package io.ggmljava.bench;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.ComputeParams;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Computes one node on {@code nth} threads for benchmarks, without the graph executor: the calling thread is
 * thread 0, {@code nth - 1} parked workers are threads 1.. Each call hands them the node, runs its share and spins
 * until all are done (the spin is short: the shares are equal). Workers park when idle.
 */
final class NodeRunner implements AutoCloseable {
    private final int nth;
    private final Thread[] workers;
    private final ComputeParams[] params;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger counter = new AtomicInteger();
    private final Arena arena = Arena.ofShared();
    private volatile long generation;
    private volatile boolean closed;
    private volatile KernelProvider provider;
    private volatile Tensor node;
    private volatile MemorySegment work = MemorySegment.NULL;
    private volatile Throwable failure;

    NodeRunner(int nth) {
        this.nth = nth;
        CyclicBarrier barrier = new CyclicBarrier(nth);
        this.params = new ComputeParams[nth];
        for (int i = 0; i < nth; i++) {
            int ith = i;
            params[i] = new ComputeParams() {
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
                    try {
                        barrier.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public AtomicInteger counter() {
                    return counter;
                }
            };
        }
        this.workers = new Thread[nth - 1];
        for (int i = 1; i < nth; i++) {
            int ith = i;
            workers[i - 1] = Thread.ofPlatform().daemon().name("bench-worker-" + i).start(() -> loop(ith));
        }
    }

    /** Prepares {@code node} (allocates its work buffer) for repeated {@link #run} calls. */
    void prepare(KernelProvider p, Tensor n) {
        long ws = Kernels.workSize(n, nth);
        this.work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
        this.provider = p;
        this.node = n;
    }

    /** Computes the prepared node once on all threads. */
    void run() {
        counter.set(0);
        pending.set(nth - 1);
        generation++;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        Kernels.compute(provider, node, params[0]);
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
        if (failure != null) {
            throw new IllegalStateException("worker failed", failure);
        }
    }

    private void loop(int ith) {
        long seen = 0;
        while (true) {
            long g;
            int spins = 0;
            while ((g = generation) == seen && !closed) {
                if (++spins < 20_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(100_000);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                Kernels.compute(provider, node, params[ith]);
            } catch (Throwable e) {
                failure = e;
            }
            pending.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        arena.close();
    }
}
