package io.ggmljava.testdata.golden;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Graph;
import io.ggmljava.ops.ComputeParams;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simple sequential evaluator for one case: builds the case's graph, gives every non-view tensor its own block of a
 * confined arena followed by guard bytes, computes the nodes in order (on one thread, or split over {@code threads}
 * threads node by node), checks the guards and converts the outputs to doubles.
 */
final class CaseEvaluator {
    /** Guard bytes after every tensor; a kernel that writes past its tensor's end changes them. */
    static final int GUARD = 64;
    private static final byte GUARD_BYTE = (byte) 0xA5;
    /** Fresh outputs start as all-ones bytes (NaN for f32/f16/bf16), so unwritten elements show up. */
    private static final byte FILL_BYTE = (byte) 0xFF;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Block(Tensor tensor, MemorySegment whole, long nbytes) {
    }

    private CaseEvaluator() {
    }

    /** What one evaluation produced: each output converted to doubles, in logical order. */
    record Outputs(Map<String, double[]> values, Map<String, Tensor> tensors) {
    }

    static Outputs evaluate(GoldenCase c, CaseBuilder builder, KernelProvider p, int threads, Arena arena) {
        Context ctx = new Context();
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        for (String name : c.inputs()) {
            GoldenCase.CaseTensor ct = c.tensor(name);
            Tensor t = ctx.newTensor(ct.type(), ct.ne()).setName(name).setInput();
            leaves.put(name, t);
        }
        CaseInputs in = new CaseInputs(c, ctx, leaves);
        CaseBuilder.Built built = builder.build(c, ctx, in);
        for (String out : c.outputs()) {
            if (!built.outputs().containsKey(out)) {
                throw new IllegalStateException("the builder for " + c.op() + " produced no output '" + out + "'");
            }
        }

        Graph g = new Graph();
        for (String out : c.outputs()) {
            g.buildForwardExpand(built.outputs().get(out));
        }

        // memory: inputs get copies of the stored data, everything else starts as 0xFF; guards after each block
        List<Block> blocks = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> done = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : leaves.entrySet()) {
            Block b = allocate(arena, e.getValue(), blocks, done);
            MemorySegment.copy(c.tensor(e.getKey()).data(), 0, b.whole, 0, b.nbytes);
        }
        List<Tensor> all = new ArrayList<>(g.leafs());
        all.addAll(g.nodes());
        for (Tensor t : all) {
            Tensor base = t.isView() ? t.viewSource() : t;
            if (base.data() == null && !done.containsKey(base)) {
                allocate(arena, base, blocks, done);
            }
        }

        for (Tensor node : g.nodes()) {
            computeNode(p, node, threads, arena);
            checkGuards(blocks, node);
        }
        if (built.direct() != null) {
            built.direct().compute(p, in, built.outputs());
            checkGuards(blocks, null);
        }

        Map<String, double[]> values = new LinkedHashMap<>();
        for (String out : c.outputs()) {
            values.put(out, toDoubles(built.outputs().get(out), arena));
        }
        return new Outputs(values, built.outputs());
    }

    private static Block allocate(Arena arena, Tensor t, List<Block> blocks, IdentityHashMap<Tensor, Boolean> done) {
        long n = t.nbytes();
        MemorySegment whole = arena.allocate(n + GUARD, 64);
        whole.asSlice(0, n).fill(FILL_BYTE);
        whole.asSlice(n, GUARD).fill(GUARD_BYTE);
        t.bind(whole.asSlice(0, n));
        Block b = new Block(t, whole, n);
        blocks.add(b);
        done.put(t, Boolean.TRUE);
        return b;
    }

    private static void checkGuards(List<Block> blocks, Tensor node) {
        for (Block b : blocks) {
            MemorySegment guard = b.whole.asSlice(b.nbytes, GUARD);
            for (long i = 0; i < GUARD; i++) {
                if (guard.get(ValueLayout.JAVA_BYTE, i) != GUARD_BYTE) {
                    throw new GuardViolation("guard bytes after tensor '" + b.tensor.name() + "' "
                            + b.tensor.describe() + " were overwritten (byte " + (b.nbytes + i) + ")"
                            + (node == null ? " by the direct step" : " while computing " + node.opDesc()
                            + " '" + node.name() + "'"));
                }
            }
        }
    }

    /** A kernel wrote past the end of a tensor. */
    static final class GuardViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GuardViolation(String message) {
            super(message);
        }
    }

    private static void computeNode(KernelProvider p, Tensor node, int threads, Arena arena) {
        int nth = Math.max(1, Math.min(threads, Kernels.nTasks(node, threads)));
        long ws = Kernels.workSize(node, nth);
        MemorySegment work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
        if (nth == 1) {
            Kernels.compute(p, node, ComputeParams.single(work));
            return;
        }
        CyclicBarrier barrier = new CyclicBarrier(nth);
        AtomicInteger counter = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] ts = new Thread[nth];
        for (int i = 0; i < nth; i++) {
            ComputeParams cp = params(i, nth, work, barrier, counter);
            ts[i] = Thread.ofPlatform().unstarted(() -> {
                try {
                    Kernels.compute(p, node, cp);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    barrier.reset();
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while computing " + node.opDesc(), e);
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private static ComputeParams params(int ith, int nth, MemorySegment work, CyclicBarrier barrier,
                                        AtomicInteger counter) {
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
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted at a barrier", e);
                } catch (BrokenBarrierException e) {
                    throw new IllegalStateException("another thread of this node failed", e);
                }
            }

            @Override
            public AtomicInteger counter() {
                return counter;
            }
        };
    }

    /** The tensor's elements in logical order as doubles (quantized types dequantized by the scalar provider). */
    static double[] toDoubles(Tensor t, Arena arena) {
        long n = t.nelements();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("output '" + t.name() + "' is too large to compare: " + n);
        }
        double[] r = new double[(int) n];
        GgmlType type = t.type();
        MemorySegment d = t.data();
        if (type.isQuantized()) {
            if (!t.isContiguous()) {
                throw new IllegalStateException("quantized output '" + t.name() + "' is not contiguous");
            }
            MemorySegment tmp = arena.allocate(t.ne(0) * 4L, 64);
            int k = 0;
            for (long row = 0; row < t.nrows(); row++) {
                KernelProvider.scalar().quant().dequantizeRow(type, d, row * t.nb(1), tmp, 0, t.ne(0));
                for (long i = 0; i < t.ne(0); i++) {
                    r[k++] = tmp.get(F32, i * 4);
                }
            }
            return r;
        }
        int k = 0;
        for (long i3 = 0; i3 < t.ne(3); i3++) {
            for (long i2 = 0; i2 < t.ne(2); i2++) {
                for (long i1 = 0; i1 < t.ne(1); i1++) {
                    for (long i0 = 0; i0 < t.ne(0); i0++) {
                        r[k++] = read(type, d, t.offsetOf(i0, i1, i2, i3));
                    }
                }
            }
        }
        return r;
    }

    /** The stored golden tensor's elements as doubles. */
    static double[] toDoubles(GoldenCase.CaseTensor ct, Arena arena) {
        long n = ct.nelements();
        double[] r = new double[Math.toIntExact(n)];
        GgmlType type = ct.type();
        if (type.isQuantized()) {
            long rowBytes = type.rowSize(ct.ne()[0]);
            MemorySegment tmp = arena.allocate(ct.ne()[0] * 4L, 64);
            long rows = n / ct.ne()[0];
            int k = 0;
            for (long row = 0; row < rows; row++) {
                KernelProvider.scalar().quant().dequantizeRow(type, ct.data(), row * rowBytes, tmp, 0, ct.ne()[0]);
                for (long i = 0; i < ct.ne()[0]; i++) {
                    r[k++] = tmp.get(F32, i * 4);
                }
            }
            return r;
        }
        long size = type.typeSize();
        for (int i = 0; i < r.length; i++) {
            r[i] = read(type, ct.data(), i * size);
        }
        return r;
    }

    private static double read(GgmlType type, MemorySegment d, long off) {
        if (type == GgmlType.F32) {
            return d.get(F32, off);
        } else if (type == GgmlType.F16) {
            return Float.float16ToFloat(d.get(I16, off));
        } else if (type == GgmlType.BF16) {
            return Float.intBitsToFloat((d.get(I16, off) & 0xFFFF) << 16);
        } else if (type == GgmlType.I8) {
            return d.get(ValueLayout.JAVA_BYTE, off);
        } else if (type == GgmlType.I16) {
            return d.get(I16, off);
        } else if (type == GgmlType.I32) {
            return d.get(I32, off);
        } else if (type == GgmlType.I64) {
            return d.get(I64, off);
        } else if (type == GgmlType.F64) {
            return d.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), off);
        }
        throw new IllegalStateException("cannot read elements of type " + type);
    }
}
