package io.ggmljava.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared helpers of the op tests: memory, random inputs, multi-threaded computation and comparisons. */
final class OpHarness {
    private OpHarness() {
    }

    /** The scalar provider and the vector provider at every width. */
    static List<KernelProvider> providers() {
        List<KernelProvider> ps = new ArrayList<>();
        ps.add(KernelProvider.scalar());
        ps.addAll(vectorProviders());
        return ps;
    }

    /** The vector provider at 128, 256 and 512 bits. */
    static List<KernelProvider> vectorProviders() {
        return List.of(KernelProvider.vector(128), KernelProvider.vector(256), KernelProvider.vector(512));
    }

    /** Binds fresh zeroed memory from {@code arena} to every tensor that is not a view. */
    static void alloc(Arena arena, Tensor... ts) {
        for (Tensor t : ts) {
            if (!t.isView()) {
                t.bind(arena.allocate(Math.max(1, t.nbytes()), 64));
            }
        }
    }

    /** Fills every element of {@code t} with a uniform value in [lo, hi). */
    static void fill(Tensor t, Random rnd, float lo, float hi) {
        long n = t.nelements();
        for (long i = 0; i < n; i++) {
            t.setF32(i, lo + (hi - lo) * rnd.nextFloat());
        }
    }

    /** Computes {@code node} with {@code nth} threads (each its own ComputeParams), returning its elements. */
    static float[] compute(KernelProvider p, Tensor node, int nth) {
        long ws = Kernels.workSize(node, nth);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
            if (nth == 1) {
                Kernels.compute(p, node, ComputeParams.single(work));
            } else {
                CyclicBarrier barrier = new CyclicBarrier(nth);
                AtomicInteger counter = new AtomicInteger();
                List<Thread> threads = new ArrayList<>();
                List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int i = 0; i < nth; i++) {
                    ComputeParams cp = params(i, nth, work, barrier, counter);
                    Thread t = Thread.ofPlatform().start(() -> {
                        try {
                            Kernels.compute(p, node, cp);
                        } catch (Throwable e) {
                            errors.add(e);
                            barrier.reset();
                        }
                    });
                    threads.add(t);
                }
                for (Thread t : threads) {
                    t.join();
                }
                if (!errors.isEmpty()) {
                    throw new AssertionError("computation failed on a thread", errors.getFirst());
                }
            }
            return node.toFloatArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** ComputeParams for thread {@code ith} of {@code nth}. */
    static ComputeParams params(int ith, int nth, MemorySegment work, CyclicBarrier barrier, AtomicInteger counter) {
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
                try {
                    barrier.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                    throw new IllegalStateException("barrier broken", e);
                }
            }

            @Override
            public AtomicInteger counter() {
                return counter;
            }
        };
    }

    /** Asserts bit-identical floats (NaNs of any payload are equal), naming the first difference. */
    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.floatToIntBits(expected[i]) == Float.floatToIntBits(actual[i]);
            if (!same) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    /** NMSE as the fixtures define it: sum (a-b)^2 / sum b^2 over finite golden values; 0 if identical. */
    static double nmse(float[] actual, float[] golden) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < golden.length; i++) {
            if (!Float.isFinite(golden[i])) {
                if (Float.compare(golden[i], actual[i]) != 0 && !(Float.isNaN(golden[i]) && Float.isNaN(actual[i]))) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            double d = (double) actual[i] - golden[i];
            num += d * d;
            den += (double) golden[i] * golden[i];
        }
        return num == 0 ? 0 : num / den;
    }
}
