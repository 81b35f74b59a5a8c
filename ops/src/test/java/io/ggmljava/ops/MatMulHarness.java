package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

/** Test support: memory for tensors, random fills, and computing one node on N threads. */
final class MatMulHarness {
    private MatMulHarness() {
    }

    /** Every provider the tests compare: scalar, then vector at each width the machine has. */
    static List<KernelProvider> providers() {
        List<KernelProvider> ps = new ArrayList<>();
        ps.add(KernelProvider.scalar());
        int max = KernelProvider.preferredVectorBits();
        for (int bits = 128; bits <= max && bits <= 512; bits *= 2) {
            ps.add(KernelProvider.vector(bits));
        }
        return ps;
    }

    static List<KernelProvider> vectorProviders() {
        return providers().subList(1, providers().size());
    }

    /** Binds fresh zeroed memory (plus 64 guard bytes) to every tensor that is not a view. */
    static void bind(Arena arena, Tensor... ts) {
        for (Tensor t : ts) {
            if (!t.isView()) {
                t.bind(arena.allocate(t.nbytes() + 64, 64).asSlice(0, t.nbytes()));
            }
        }
    }

    /** Uniform values in [-1, 1) for a float tensor (rounded to its type). */
    static void fill(Tensor t, Random rnd) {
        long n = t.nelements();
        for (long i = 0; i < n; i++) {
            t.setF32(i, rnd.nextFloat() * 2 - 1);
        }
    }

    /** Random bytes: valid data for every block type as long as the f16 scales are made finite afterwards. */
    static void fillBytes(Tensor t, Random rnd) {
        MemorySegment d = t.data();
        for (long i = 0; i < d.byteSize(); i++) {
            d.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        }
    }

    /** Computes {@code node} with {@code nth} threads sharing a counter and a barrier, as the executor does. */
    static void compute(KernelProvider p, Tensor node, int nth) {
        long ws = Kernels.workSize(node, nth);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
            CyclicBarrier barrier = new CyclicBarrier(nth);
            AtomicInteger counter = new AtomicInteger();
            Throwable[] failure = new Throwable[nth];
            Thread[] threads = new Thread[nth];
            for (int t = 0; t < nth; t++) {
                ComputeParams cp = params(t, nth, work, barrier, counter);
                int ti = t;
                threads[t] = new Thread(() -> {
                    try {
                        Kernels.compute(p, node, cp);
                    } catch (Throwable e) {
                        failure[ti] = e;
                        barrier.reset();
                    }
                });
                threads[t].start();
            }
            for (Thread th : threads) {
                th.join();
            }
            for (Throwable e : failure) {
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                if (e instanceof Error er) {
                    throw er;
                }
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

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

    /** All of {@code t}'s elements as floats (f32 tensors only; any strides). */
    static float[] values(Tensor t) {
        return t.toFloatArray();
    }

    static boolean isFloat(GgmlType t) {
        return t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16;
    }
}
