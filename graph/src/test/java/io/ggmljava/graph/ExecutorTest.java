package io.ggmljava.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorTest {
    private final Arena arena = Arena.ofShared();
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        arena.close();
    }

    private Tensor input(long... ne) {
        Tensor t = ctx.newTensor(GgmlType.F32, ne).setInput();
        t.bind(arena.allocate(t.nbytes(), 64));
        float[] v = new float[(int) t.nelements()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 17) * 0.25f - 2;
        }
        return t.setFloats(v);
    }

    private Graph allocated(Tensor... outputs) {
        Graph g = Graph.build(outputs);
        TestMemory.bindAll(g, arena);
        return g;
    }

    @Test
    void computesAGraphAndReusesItsPlanForNewInputs() {
        Tensor x = input(4096, 8);
        Tensor y = ctx.add(ctx.sqr(x), x).setName("y");
        Graph g = allocated(y);
        try (Executor ex = new Executor(2)) {
            ComputePlan plan = ex.plan(g);
            ex.compute(plan);
            assertEquals(x.getF32(5) * x.getF32(5) + x.getF32(5), y.getF32(5));
            x.setF32(5, 3f);
            ex.compute(plan);
            assertEquals(12f, y.getF32(5));
            assertEquals(2, plan.parallelNodes());
        }
    }

    @Test
    void smallNodesRunOnTheCallingThreadAndWakeNobody() {
        Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        KernelProvider p = Intercept.family(KernelProvider.scalar(), "unary", k -> threads.add(Thread.currentThread()));
        Tensor y = input(64);
        for (int i = 0; i < 10; i++) {
            y = ctx.sqr(y);
        }
        Graph g = allocated(y);
        try (Executor ex = new Executor(4, p)) {
            ComputePlan plan = ex.plan(g);
            assertEquals(0, plan.parallelNodes());
            ex.compute(plan);
            assertEquals(Set.of(Thread.currentThread()), threads);
            assertEquals(0, ex.poolThreads());
        }
    }

    @Test
    void largeNodesSplitOverTheThreadsOfThePlan() {
        Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        KernelProvider p = Intercept.family(KernelProvider.scalar(), "binary", k -> threads.add(Thread.currentThread()));
        Tensor x = input(4096, 64);
        Graph g = allocated(ctx.add(x, x));
        try (Executor ex = new Executor(2, p)) {
            ex.compute(ex.plan(g, 4));
            assertEquals(4, threads.size());
            assertEquals(3, ex.poolThreads());
            threads.clear();
            ex.compute(ex.plan(g, 3));
            assertEquals(3, threads.size(), "thread count is chosen per compute");
        }
    }

    @Test
    void aKernelFailureNamesTheNodeAndLeavesThePoolUsable() {
        AtomicBoolean armed = new AtomicBoolean(true);
        KernelProvider p = Intercept.family(KernelProvider.scalar(), "binary", k -> {
            if (armed.getAndSet(false)) {
                throw new IllegalStateException("boom");
            }
        });
        Tensor x = input(4096, 16);
        Tensor y = ctx.mul(ctx.add(x, x).setName("the_add"), x);
        Graph g = allocated(y);
        try (Executor ex = new Executor(3, p)) {
            NodeComputeException e = assertThrows(NodeComputeException.class, () -> ex.compute(g));
            assertTrue(e.getMessage().contains("'the_add' (ADD)"), e.getMessage());
            assertEquals("boom", e.getCause().getMessage());
            assertEquals(0, e.index());
            ex.compute(g); // disarmed: the same executor computes it correctly now
            assertEquals((x.getF32(7) * 2) * x.getF32(7), y.getF32(7));
        }
    }

    @Test
    void aFailureWhileOtherThreadsWaitAtTheNodesBarrierReleasesThem() {
        AtomicBoolean armed = new AtomicBoolean(true);
        KernelProvider p = Intercept.family(KernelProvider.scalar(), "matMul", k -> {
            if (k.getName().equals("prepare") && armed.getAndSet(false)) {
                throw new IllegalStateException("boom in prepare");
            }
        });
        Tensor w = ctx.newTensor2d(GgmlType.F16, 256, 64).setName("w");
        Tensor x = input(256, 32);
        Tensor y = ctx.mulMat(w, x).setName("mm");
        Graph g = allocated(y);
        try (Executor ex = new Executor(4, p)) {
            ComputePlan plan = ex.plan(g);
            assertTrue(plan.workSize() > 0, "f16 weights: activations are prepared in the work buffer");
            NodeComputeException e = assertThrows(NodeComputeException.class, () -> ex.compute(plan));
            assertEquals("boom in prepare", e.getCause().getMessage(), "the failure, not a released waiter");
            assertSame(y, e.node());
            ex.compute(plan);
            assertTrue(ex.workBufferBytes() >= plan.workSize());
        }
    }

    @Test
    void aCancelledComputeStopsBetweenNodes() {
        Cancellation stop = new Cancellation();
        KernelProvider p = Intercept.family(KernelProvider.scalar(), "unary", k -> stop.cancel());
        Tensor y = input(64);
        for (int i = 0; i < 10; i++) {
            y = ctx.sqr(y);
        }
        Graph g = allocated(y);
        try (Executor ex = new Executor(2, p)) {
            ComputeCancelledException e = assertThrows(ComputeCancelledException.class,
                    () -> ex.compute(ex.plan(g), stop));
            assertEquals(1, e.nodesDone());
            assertTrue(e.getMessage().contains("node 1/10"), e.getMessage());
            stop.reset();
            Thread.currentThread().interrupt();
            ComputeCancelledException i = assertThrows(ComputeCancelledException.class,
                    () -> ex.compute(ex.plan(g), stop));
            assertTrue(Thread.interrupted(), "the interrupt flag is left set");
            assertEquals(0, i.nodesDone());
            assertFalse(stop.isCancelled(), "stopped before any kernel ran");
        }
    }

    @Test
    void missingMemoryIsAClearError() {
        Tensor x = ctx.newTensor1d(GgmlType.F32, 8).setName("x");
        Graph g = Graph.build(ctx.sqr(x).setName("y"));
        try (Executor ex = new Executor(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> ex.compute(g));
            assertTrue(e.getMessage().contains("'y' (SQR) has no memory"), e.getMessage());
        }
    }

    @Test
    void aGraphThatGrewNeedsANewPlanAndAClosedExecutorRefuses() {
        Tensor x = input(8);
        Tensor y = ctx.sqr(x);
        Graph g = allocated(y);
        Executor ex = new Executor(1);
        ComputePlan plan = ex.plan(g);
        g.buildForwardExpand(ctx.sqr(y));
        TestMemory.bindAll(g, arena);
        assertThrows(IllegalStateException.class, () -> ex.compute(plan));
        ex.compute(g); // plans again
        ex.close();
        assertThrows(IllegalStateException.class, () -> ex.compute(g));
    }

    @Test
    void viewsComputeNothingAndTheWorkBufferIsTheLargestNeed() {
        Tensor w = ctx.newTensor2d(GgmlType.F16, 128, 64);
        Tensor x = input(128, 8);
        Tensor v = ctx.view2d(x, 128, 4, x.nb(1), 0);
        Tensor y = ctx.mulMat(w, ctx.cont(ctx.transpose(ctx.transpose(v))));
        Graph g = allocated(y);
        ComputePlan plan = new ComputePlan(g, 2);
        long expect = 0;
        for (int i = 0; i < g.nodeCount(); i++) {
            Tensor n = g.node(i);
            if (n.op().isView()) {
                assertEquals(0, plan.nTasks(i));
            } else {
                expect = Math.max(expect, Kernels.workSize(n, plan.nTasks(i)));
            }
        }
        assertEquals(expect, plan.workSize());
        assertTrue(expect > 0);
    }

    @Test
    void aPlanCanBringItsOwnWorkBuffer() {
        Tensor w = ctx.newTensor2d(GgmlType.F16, 128, 64);
        TestMemory.fill(w.bind(arena.allocate(w.nbytes(), 64)), new java.util.Random(1));
        Tensor x = input(128, 8);
        Graph g = allocated(ctx.mulMat(w, x));
        try (Executor ex = new Executor(2)) {
            ComputePlan plan = ex.plan(g);
            assertThrows(IllegalArgumentException.class,
                    () -> plan.withWork(arena.allocate(plan.workSize() - 1, 64)));
            ex.compute(plan.withWork(arena.allocate(plan.workSize(), 64)));
            assertEquals(0, ex.workBufferBytes(), "the executor allocated nothing");
            float viaPlan = g.node(0).getF32(5);
            ex.compute(plan);
            assertEquals(plan.workSize(), ex.workBufferBytes());
            assertEquals(viaPlan, g.node(0).getF32(5));
        }
    }

    @Test
    void theStaticConvenienceComputes() {
        Tensor x = input(16);
        Tensor y = ctx.add(x, x);
        Graph g = allocated(y);
        Executor.compute(g, 2);
        assertArrayEquals(new float[] {x.getF32(0) * 2, x.getF32(1) * 2}, new float[] {y.getF32(0), y.getF32(1)});
    }
}
