package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Op driver for ROPE and ROPE_BACK: {@code src0 [ne0, n_head, n_tokens, ne3]} (f32 or f16), {@code src1} i32
 * positions {@code [n_tokens]}, optional {@code src2} f32 frequency factors {@code [>= n_dims/2]}.
 *
 * <p>Rows ({@code ne1*ne2*ne3}, heads fastest) are split over threads as ggml does; a thread computes the cache of
 * a position once and rotates all its rows of that position. Rows may be strided (views, permutations); elements
 * within a row must be contiguous, as in ggml.
 */
final class RopeOps {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RopeOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        Tensor src = node.src(0);
        Tensor pos = node.src(1);
        GgmlType type = src.type();
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new UnsupportedTypeException(node.op() + ": source type " + type + " is not supported (f32 or f16)");
        }
        if (node.type() != type) {
            throw new UnsupportedTypeException(node.op() + ": result type " + node.type() + " must equal the source's ("
                    + type + ")");
        }
        if (src.nb(0) != type.typeSize() || node.nb(0) != type.typeSize()) {
            throw new UnsupportedOperationException(node.op() + ": rows must have contiguous elements; src "
                    + src.describe() + " nb0=" + src.nb(0) + ", dst nb0=" + node.nb(0));
        }
        RopeSpec spec = RopeSpec.of(node, freqFactors(node));
        RopeKernels k = p.rope();
        float[] cache = new float[k.cacheSize(spec)];

        long ne1 = node.ne(1);
        long ne2 = node.ne(2);
        long nrows = node.nrows();
        long r0 = Rows.start(nrows, cp.ith(), cp.nth());
        long r1 = Rows.end(nrows, cp.ith(), cp.nth());
        MemorySegment s = src.data();
        MemorySegment d = node.data();
        MemorySegment positions = pos.data();
        long cached = -1;
        for (long r = r0; r < r1; r++) {
            long i1 = r % ne1;
            long i2 = (r / ne1) % ne2;
            long i3 = r / (ne1 * ne2);
            if (i2 != cached) {
                k.fillCache(spec, positions.get(I32, i2 * pos.nb(0)), cache);
                cached = i2;
            }
            long so = i1 * src.nb(1) + i2 * src.nb(2) + i3 * src.nb(3);
            long dof = i1 * node.nb(1) + i2 * node.nb(2) + i3 * node.nb(3);
            if (type == GgmlType.F32) {
                k.rotateF32(spec, cache, s, so, d, dof);
            } else {
                k.rotateF16(spec, cache, s, so, d, dof);
            }
        }
    }

    /** The frequency factors of {@code src2} (the first {@code n_dims/2}), or null. */
    private static float[] freqFactors(Tensor node) {
        Tensor c = node.src(2);
        if (c == null) {
            return null;
        }
        int nDims = node.opParamI32(1);
        if (c.type() != GgmlType.F32 || c.ne(0) < nDims / 2) {
            throw new UnsupportedTypeException(node.op() + ": frequency factors must be f32 with at least n_dims/2 ("
                    + nDims / 2 + ") elements, got " + c.describe());
        }
        float[] ff = new float[nDims / 2];
        MemorySegment data = c.data();
        for (int i = 0; i < ff.length; i++) {
            ff[i] = data.get(F32, i * c.nb(0));
        }
        return ff;
    }
}
