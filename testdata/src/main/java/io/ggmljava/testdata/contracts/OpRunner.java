package io.ggmljava.testdata.contracts;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.graph.Executor;
import io.ggmljava.graph.Graph;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes one {@link OpCase} with a given provider and thread count, on memory of its own: every tensor gets a fresh
 * block of a shared arena, results start as all-ones bytes (NaN) so elements a kernel forgets to write show up,
 * and quantized weights are quantized with the scalar reference quantizer, so every provider sees the same bytes.
 */
public final class OpRunner {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private OpRunner() {
    }

    /**
     * The result of one run, in logical element order.
     *
     * @param type   the result's type (f32, or f16/bf16 for conversions)
     * @param bits   each element's stored bits (the float's bits for f32, the 16-bit pattern for f16/bf16)
     * @param values each element as a double
     */
    public record Result(GgmlType type, long[] bits, double[] values) {
    }

    /** Runs {@code c} (in place if {@code inplace}) with {@code provider} on {@code threads} threads. */
    public static Result run(OpCase c, KernelProvider provider, int threads, boolean inplace) {
        Context ctx = new Context();
        OpCase.Built built = c.build(ctx, inplace);
        Graph graph = Graph.build(built.node());
        try (Arena arena = Arena.ofShared(); Executor executor = new Executor(threads, provider)) {
            for (int i = 0; i < built.leaves().size(); i++) {
                Tensor leaf = built.leaves().get(i);
                allocate(arena, leaf);
                write(leaf, built.values().get(i), arena);
            }
            List<Tensor> all = new ArrayList<>(graph.leafs());
            all.addAll(graph.nodes());
            for (Tensor t : all) {
                Tensor base = t;
                while (base.isView()) {
                    base = base.viewSource();
                }
                if (base.data() == null) {
                    allocate(arena, base);
                }
            }
            executor.compute(graph);
            return read(built.node());
        }
    }

    private static void allocate(Arena arena, Tensor t) {
        MemorySegment m = arena.allocate(Math.max(1, t.nbytes()), 64);
        m.fill((byte) 0xFF);
        t.bind(m.asSlice(0, t.nbytes()));
    }

    private static void write(Tensor leaf, float[] values, Arena arena) {
        GgmlType type = leaf.type();
        if (type == GgmlType.I32) {
            for (int i = 0; i < values.length; i++) {
                leaf.setI32(i, (int) values[i]);
            }
        } else if (type.isQuantized()) {
            long ne0 = leaf.ne(0);
            MemorySegment row = arena.allocate(ne0 * 4, 64);
            long rows = leaf.nelements() / ne0;
            for (long r = 0; r < rows; r++) {
                MemorySegment.copy(values, (int) (r * ne0), row, F32, 0, (int) ne0);
                KernelProvider.scalar().quant().quantizeRow(type, row, 0, leaf.data(), r * leaf.nb(1), ne0);
            }
        } else {
            leaf.setFloats(values);
        }
    }

    private static Result read(Tensor t) {
        int n = Math.toIntExact(t.nelements());
        long[] bits = new long[n];
        double[] values = new double[n];
        GgmlType type = t.type();
        MemorySegment d = t.data();
        int k = 0;
        for (long i3 = 0; i3 < t.ne(3); i3++) {
            for (long i2 = 0; i2 < t.ne(2); i2++) {
                for (long i1 = 0; i1 < t.ne(1); i1++) {
                    for (long i0 = 0; i0 < t.ne(0); i0++) {
                        long off = t.offsetOf(i0, i1, i2, i3);
                        bits[k] = switch (type) {
                            case F32 -> Float.floatToRawIntBits(d.get(F32, off)) & 0xFFFFFFFFL;
                            case F16, BF16 -> d.get(I16, off) & 0xFFFFL;
                            default -> throw new IllegalStateException("unexpected result type " + type);
                        };
                        values[k++] = t.getF32(i0, i1, i2, i3);
                    }
                }
            }
        }
        return new Result(type, bits, values);
    }
}
