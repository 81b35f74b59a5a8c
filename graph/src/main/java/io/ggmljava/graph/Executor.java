package io.ggmljava.graph;

import io.ggmljava.core.Tensor;
import io.ggmljava.ops.ComputeParams;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Computes graphs on a persistent pool of threads. Each node splits its own work over up to N threads (rows, or
 * chunks claimed from a shared counter; see {@link Kernels#nTasks}); the nodes run in the graph's order with one
 * barrier between them. Nodes that use one thread run on the calling thread without waking the others.
 *
 * <pre>{@code
 * try (Executor ex = new Executor()) {                  // threads: the processors available
 *     ComputePlan plan = ex.plan(graph, 2);             // once: threads per node, work buffer size
 *     for (float[] step : inputs) {
 *         x.setFloats(step);                            // new input data, same graph, same memory plan
 *         ex.compute(plan);                             // no allocation, no re-planning
 *     }
 * }
 * Executor.compute(graph, 2);                           // or: a shared executor, for scripts and tests
 * }</pre>
 *
 * <h2>Threads</h2>
 * The calling thread is thread 0; the pool's daemon threads are started when a node first needs them. Between
 * nodes they spin for a short while ({@code -Dggml.executor.spinMicros}, default 20), then park; a node only wakes
 * the threads it uses. One compute runs at a time per executor (the methods are synchronized).
 *
 * <h2>Work buffer</h2>
 * One buffer for all nodes, sized by the plan ({@link ComputePlan#workSize()}): the plan's own if it has one
 * ({@link ComputePlan#withWork}, e.g. from a memory plan's allocation), else this executor's, allocated from its own
 * shared {@link Arena} the first time it is needed, reused by every later compute and grown only for a plan that
 * needs more ({@link #workBufferBytes()}). {@link #close()} frees it.
 *
 * <h2>Failures</h2>
 * A kernel exception surfaces as {@link NodeComputeException} naming the node and its op; the node's other threads
 * are released, and the executor stays usable. A {@link Cancellation} (or an interrupt of the calling thread) stops a
 * compute between two nodes with {@link ComputeCancelledException}.
 */
public final class Executor implements AutoCloseable {
    /** The most threads one compute may use. */
    public static final int MAX_THREADS = 4096;
    private static final long SPIN_NANOS = Long.getLong("ggml.executor.spinMicros", 20) * 1000;

    private final int defaultThreads;
    private final KernelProvider provider;

    private Worker[] workers = new Worker[0];
    /** The node being computed in parallel: a new job object tells the workers to look at it. */
    private volatile Job job;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final SpinBarrier barrier = new SpinBarrier();
    private final AtomicInteger counter = new AtomicInteger();
    private final Params mainParams = new Params(0);

    private Arena workArena;
    /** The work buffer of the current compute: this executor's own, or the plan's. */
    private MemorySegment work = MemorySegment.NULL;
    private MemorySegment ownWork = MemorySegment.NULL;
    private ComputePlan lastPlan;

    /** An executor using as many threads as there are processors available, with {@link KernelProvider#get()}. */
    public Executor() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** An executor whose computes use {@code threads} threads unless a plan says otherwise. */
    public Executor(int threads) {
        this(threads, KernelProvider.get());
    }

    /** An executor with {@code threads} default threads and the kernels of {@code provider}. */
    public Executor(int threads, KernelProvider provider) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in 1.." + MAX_THREADS + ", got " + threads);
        }
        this.defaultThreads = threads;
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** Threads a compute uses when none are given. */
    public int threads() {
        return defaultThreads;
    }

    /** The kernels this executor runs. */
    public KernelProvider provider() {
        return provider;
    }

    /** Bytes of this executor's own work buffer (the largest any plan without a work buffer needed so far). */
    public synchronized long workBufferBytes() {
        return ownWork.byteSize();
    }

    /** Threads the pool has started so far (not counting callers). */
    public synchronized int poolThreads() {
        return workers.length;
    }

    /** A plan for computing {@code graph} with this executor's default thread count. */
    public ComputePlan plan(Graph graph) {
        return new ComputePlan(graph, defaultThreads);
    }

    /** A plan for computing {@code graph} with {@code threads} threads. */
    public ComputePlan plan(Graph graph, int threads) {
        return new ComputePlan(graph, threads);
    }

    /** Computes {@code graph} with the default thread count (planning it once; later calls reuse the plan). */
    public synchronized void compute(Graph graph) {
        compute(cachedPlan(graph, defaultThreads), null);
    }

    /** Computes {@code graph} with the default thread count, stopping between nodes if {@code cancel} is set. */
    public synchronized void compute(Graph graph, Cancellation cancel) {
        compute(cachedPlan(graph, defaultThreads), cancel);
    }

    /** Computes a planned graph. */
    public synchronized void compute(ComputePlan plan) {
        compute(plan, null);
    }

    /**
     * Computes a planned graph, stopping before the next node once {@code cancel} (may be null) is set.
     *
     * @throws NodeComputeException      if a kernel fails
     * @throws ComputeCancelledException if cancelled or interrupted
     * @throws IllegalStateException     if a node or a source has no memory, or the graph changed since the plan
     */
    public synchronized void compute(ComputePlan plan, Cancellation cancel) {
        if (closed) {
            throw new IllegalStateException("this executor is closed");
        }
        Graph g = plan.graph();
        int n = plan.nodeCount();
        if (g.nodeCount() != n) {
            throw new IllegalStateException("the graph has " + g.nodeCount() + " nodes, its plan was made for " + n
                    + ": plan it again");
        }
        if (plan.work() != null) {
            work = plan.work();
        } else {
            if (work != ownWork) {
                work = ownWork;
            }
            ensureWork(plan.workSize());
        }
        short[] tasks = plan.tasks();
        for (int i = 0; i < n; i++) {
            int nth = tasks[i];
            if (nth == 0) {
                continue;
            }
            if ((cancel != null && cancel.isCancelled()) || Thread.currentThread().isInterrupted()) {
                throw new ComputeCancelledException("compute cancelled before node " + i + "/" + n + " '"
                        + g.node(i).name() + "' (" + g.node(i).opDesc() + ")"
                        + (Thread.currentThread().isInterrupted() ? ": the thread was interrupted" : ""), i);
            }
            Tensor node = g.node(i);
            requireMemory(node, i, n);
            if (nth == 1) {
                mainParams.nth = 1;
                counter.set(0);
                try {
                    Kernels.compute(provider, node, mainParams);
                } catch (RuntimeException | Error e) {
                    throw new NodeComputeException(node, i, n, 0, e);
                }
            } else {
                runParallel(node, i, n, nth);
            }
        }
    }

    /** Computes {@code graph} with {@code threads} threads on a shared executor (daemon threads, one compute at a
     * time; plans are reused for the same graph). */
    public static void compute(Graph graph, int threads) {
        Executor ex = Shared.INSTANCE;
        synchronized (ex) {
            ex.compute(ex.cachedPlan(graph, threads), null);
        }
    }

    private ComputePlan cachedPlan(Graph graph, int threads) {
        if (lastPlan == null || !lastPlan.matches(graph, threads)) {
            lastPlan = new ComputePlan(graph, threads);
        }
        return lastPlan;
    }

    private void runParallel(Tensor node, int i, int n, int nth) {
        ensureWorkers(nth - 1);
        pending.set(nth - 1);
        counter.set(0);
        job = new Job(node, nth);
        for (int w = 0; w < nth - 1; w++) {
            workers[w].wake();
        }
        mainParams.nth = nth;
        Throwable mine = null;
        try {
            Kernels.compute(provider, node, mainParams);
        } catch (RuntimeException | Error e) {
            mine = e;
            barrier.breakBarrier();
        }
        awaitWorkers();
        Throwable theirs = failure.getAndSet(null);
        if (mine != null || theirs != null) {
            barrier.reset();
            // report the exception that started it, not a waiter released by the broken barrier
            boolean mineIsReal = mine != null && !(mine instanceof SpinBarrier.Broken);
            Throwable cause = mineIsReal ? mine : theirs != null ? theirs : mine;
            int thread = cause == mine ? 0 : threadOf(cause);
            throw new NodeComputeException(node, i, n, thread, unwrap(cause));
        }
    }

    private void awaitWorkers() {
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < 1 << 12) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private static void requireMemory(Tensor node, int i, int n) {
        if (!node.isAllocated()) {
            throw new IllegalStateException("node " + i + "/" + n + " '" + node.name() + "' (" + node.opDesc()
                    + ") has no memory: plan and allocate the graph before computing it");
        }
        for (int s = 0, c = node.srcCount(); s < c; s++) {
            Tensor src = node.src(s);
            if (src != null && !src.isAllocated()) {
                throw new IllegalStateException("source " + s + " '" + src.name() + "' of node " + i + "/" + n
                        + " '" + node.name() + "' (" + node.opDesc() + ") has no memory: allocate it (inputs and "
                        + "weights too) before computing");
            }
        }
    }

    private void ensureWorkers(int needed) {
        if (needed <= workers.length) {
            return;
        }
        int have = workers.length;
        workers = Arrays.copyOf(workers, needed);
        Job seen = job;
        for (int w = have; w < needed; w++) {
            Worker wk = new Worker(w + 1, seen);
            Thread t = Thread.ofPlatform().daemon().name("ggml-compute-" + (w + 1)).unstarted(wk);
            wk.thread = t;
            workers[w] = wk;
            t.start();
        }
    }

    private void ensureWork(long size) {
        if (size <= ownWork.byteSize()) {
            return;
        }
        if (workArena != null) {
            workArena.close();
        }
        workArena = Arena.ofShared();
        ownWork = workArena.allocate(size, 64);
        work = ownWork;
    }

    /** Stops the pool's threads and frees the work buffer. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            try {
                w.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (workArena != null) {
            workArena.close();
            workArena = null;
        }
        work = MemorySegment.NULL;
        ownWork = MemorySegment.NULL;
    }

    @Override
    public String toString() {
        return "Executor{" + defaultThreads + " threads, " + provider.name() + ", work " + ownWork.byteSize()
                + " bytes}";
    }

    private static int threadOf(Throwable t) {
        return t instanceof WorkerFailure wf ? wf.ith : -1;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof WorkerFailure wf ? wf.getCause() : t;
    }

    /** A worker's exception, remembering which thread threw it. */
    private static final class WorkerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int ith;

        WorkerFailure(int ith, Throwable cause) {
            super(cause.toString(), cause, false, false);
            this.ith = ith;
        }
    }

    /** One thread's view of the node being computed. */
    private final class Params implements ComputeParams {
        private final int ith;
        int nth = 1;

        Params(int ith) {
            this.ith = ith;
        }

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
            barrier.await(nth);
        }

        @Override
        public AtomicInteger counter() {
            return counter;
        }
    }

    /** A node to compute in parallel, published as one immutable object so a worker never mixes two nodes. */
    private record Job(Tensor node, int nth) {
    }

    /** A pool thread: waits for a new job, computes its share if the node uses it, reports done. */
    private final class Worker implements Runnable {
        private final int ith;
        private final Params params;
        private Job seen;
        private volatile boolean parked;
        Thread thread;

        Worker(int ith, Job seen) {
            this.ith = ith;
            this.params = new Params(ith);
            this.seen = seen;
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job j = awaitJob(idleSince);
                if (closed) {
                    return;
                }
                seen = j;
                if (ith >= j.nth()) {
                    continue; // not ours: keep the idle clock running so we park soon
                }
                params.nth = j.nth();
                try {
                    Kernels.compute(provider, j.node(), params);
                } catch (Throwable e) {
                    if (!(e instanceof SpinBarrier.Broken)) {
                        failure.compareAndSet(null, new WorkerFailure(ith, e));
                    }
                    barrier.breakBarrier();
                } finally {
                    pending.decrementAndGet();
                }
                idleSince = System.nanoTime();
            }
        }

        /** Spins until a new job (or close), parking once idle for longer than the spin time. */
        private Job awaitJob(long idleSince) {
            int spins = 0;
            while (true) {
                Job j = job;
                if (j != seen || closed) {
                    return j;
                }
                if ((++spins & 63) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                // Dekker with runParallel(): it writes job then reads parked; we write parked then read job
                if (job == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }

    /** The executor behind the static {@link #compute(Graph, int)}. */
    private static final class Shared {
        static final Executor INSTANCE = new Executor();
    }
}
