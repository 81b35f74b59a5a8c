package io.ggmljava.bench;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.ComputeParams;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes one node on {@code nth} threads, ggml style: thread {@code i} of {@code nth} gets its own
 * {@link ComputeParams}; the calling thread is thread 0 and {@code nth - 1} parked helpers are the others (started
 * once, so a benchmark measures the kernels, not thread creation). Stand-in for the graph executor in benchmarks.
 */
final class NodeRunner implements AutoCloseable {
    private final int nth;
    private final Thread[] helpers;
    private final CyclicBarrier start;
    private final CyclicBarrier end;
    private final CyclicBarrier inner;
    private final AtomicInteger counter = new AtomicInteger();
    private final Arena arena = Arena.ofShared();
    private volatile KernelProvider provider;
    private volatile Tensor node;
    private volatile MemorySegment work = MemorySegment.NULL;
    private volatile boolean closed;

    NodeRunner(int nth) {
        this.nth = nth;
        this.start = new CyclicBarrier(nth);
        this.end = new CyclicBarrier(nth);
        this.inner = new CyclicBarrier(nth);
        this.helpers = new Thread[nth - 1];
        for (int i = 1; i < nth; i++) {
            int ith = i;
            helpers[i - 1] = Thread.ofPlatform().daemon().name("bench-worker-" + i).start(() -> loop(ith));
        }
    }

    private void loop(int ith) {
        while (true) {
            await(start);
            if (closed) {
                return;
            }
            Kernels.compute(provider, node, params(ith));
            await(end);
        }
    }

    /** Computes {@code n} with provider {@code p} on all threads. */
    void run(KernelProvider p, Tensor n) {
        if (n != node || p != provider) {
            long ws = Kernels.workSize(n, nth);
            work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
            provider = p;
            node = n;
        }
        counter.set(0);
        if (nth == 1) {
            Kernels.compute(p, n, params(0));
            return;
        }
        await(start);
        Kernels.compute(p, n, params(0));
        await(end);
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
                await(inner);
            }

            @Override
            public AtomicInteger counter() {
                return counter;
            }
        };
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (nth > 1) {
            await(start);
        }
        arena.close();
    }
}
