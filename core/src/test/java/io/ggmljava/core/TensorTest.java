package io.ggmljava.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tensor shapes, strides, ggml_nbytes, views (1-4d, reshape, permute, transpose), contiguity and element access. */
class TensorTest {
    private final Arena arena = Arena.ofConfined();
    private final Context ctx = new Context();

    @AfterEach
    void close() {
        arena.close();
    }

    private Tensor allocated(GgmlType type, long... ne) {
        Tensor t = ctx.newTensor(type, ne);
        return t.bind(arena.allocate(Math.max(1, t.nbytes()), 64));
    }

    @Test
    void contiguousStridesAreGgmls() {
        Tensor t = ctx.newTensor(GgmlType.F32, 4, 3, 2);
        assertArrayEquals(new long[] {4, 3, 2, 1}, t.shape());
        assertArrayEquals(new long[] {4, 16, 48, 96}, t.strides()); // the Tensor class doc's worked example
        Tensor q = ctx.newTensor(GgmlType.Q4_0, 64, 3);
        assertArrayEquals(new long[] {18, 36, 108, 108}, q.strides());
        assertEquals(108, q.nbytes());
        assertEquals(36, q.rowSize());
        assertEquals(3, q.nrows());
        assertEquals(2, q.nDims());
        assertEquals(1, ctx.newTensor(GgmlType.F32, 5, 1, 1, 1).nDims());
        assertEquals(4, ctx.newTensor(GgmlType.F32, 1, 1, 1, 2).nDims());
        assertTrue(t.isContiguous() && t.isContiguousRows() && t.isContiguous2());
        assertFalse(t.isTransposed() || t.isPermuted());
    }

    /** ggml_nbytes equals the end of the furthest element (or row, for blocks) for any non-negative strides. */
    @Test
    void nbytesMatchesTheFurthestByteTouched() {
        Tensor base = ctx.newTensor(GgmlType.F32, 6, 5, 4, 3);
        Tensor[] views = {base, ctx.transpose(base), ctx.permute(base, 2, 0, 3, 1),
            ctx.view3d(base, 4, 2, 3, 48, 200, 8), ctx.newTensor(GgmlType.F16, 3, 7)};
        for (Tensor v : views) {
            long end = 0;
            for (long i3 = 0; i3 < v.ne(3); i3++) {
                for (long i2 = 0; i2 < v.ne(2); i2++) {
                    for (long i1 = 0; i1 < v.ne(1); i1++) {
                        for (long i0 = 0; i0 < v.ne(0); i0++) {
                            end = Math.max(end, v.offsetOf(i0, i1, i2, i3) + v.type().typeSize());
                        }
                    }
                }
            }
            assertEquals(end, v.nbytes(), v.describe() + " strides " + java.util.Arrays.toString(v.strides()));
        }
        Tensor q = ctx.newTensor(GgmlType.Q8_0, 64, 3, 2);
        Tensor qt = ctx.permute(q, 0, 2, 1, 3);   // rows reordered: the last row still ends the data
        assertEquals(q.nbytes(), qt.nbytes());
        assertEquals(6 * 2 * 34, q.nbytes());
        assertEquals(0, ctx.newTensor(GgmlType.F32, 4, 0, 3).nbytes(), "an empty tensor has no bytes");
    }

    @Test
    void transposeSwapsShapeAndStridesAndSharesData() {
        Tensor a = allocated(GgmlType.F32, 3, 2);
        a.setFloats(1, 2, 3, 4, 5, 6);
        Tensor t = ctx.transpose(a);
        assertEquals(Op.TRANSPOSE, t.op());
        assertArrayEquals(new long[] {2, 3, 1, 1}, t.shape());
        assertArrayEquals(new long[] {12, 4, 24, 24}, t.strides());
        assertTrue(t.isTransposed());
        assertFalse(t.isContiguous());
        assertSame(a, t.viewSource());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.toFloatArray());
        t.setF32(1, 2, 0, 0, 60f);
        assertEquals(60f, a.getF32(2, 1, 0, 0), "a write through the view lands in the source");
    }

    @Test
    void permuteMovesDimensionsAsGgml() {
        Tensor a = ctx.newTensor(GgmlType.F32, 2, 3, 4, 5);
        Tensor p = ctx.permute(a, 2, 0, 3, 1);  // dim k of a becomes dim axis[k]
        assertArrayEquals(new long[] {3, 5, 2, 4}, p.shape());
        assertArrayEquals(new long[] {8, 96, 4, 24}, p.strides());
        assertArrayEquals(new int[] {2, 0, 3, 1}, java.util.Arrays.copyOf(p.opParams(), 4));
        assertTrue(p.isPermuted());
        assertFalse(p.isContiguous());
        Tensor back = ctx.permute(p, 1, 3, 0, 2);
        assertArrayEquals(a.shape(), back.shape());
        assertArrayEquals(a.strides(), back.strides());
        assertTrue(back.isContiguous());
        assertSame(a, back.viewSource(), "a view of a view points at the tensor that owns the memory");
        ShapeException e = assertThrows(ShapeException.class, () -> ctx.permute(a, 0, 1, 1, 3));
        assertTrue(e.getMessage().startsWith(
                "permute: axes [0, 1, 1, 3] must be a permutation of 0..3; a=[2,3,4,5] f32"), e.getMessage());
    }

    @Test
    void reshapeNeedsContiguityAndTheSameCount() {
        Tensor a = ctx.newTensor(GgmlType.F32, 6, 4);
        Tensor r = ctx.reshape3d(a, 2, 3, 4);
        assertArrayEquals(new long[] {2, 3, 4, 1}, r.shape());
        assertArrayEquals(new long[] {4, 8, 24, 96}, r.strides());
        assertEquals(Op.RESHAPE, r.op());
        assertSame(a, r.viewSource());
        assertArrayEquals(new long[] {24, 1, 1, 1}, ctx.reshape1d(a, 24).shape());
        assertArrayEquals(new long[] {1, 2, 3, 4}, ctx.reshape4d(a, 1, 2, 3, 4).shape());
        assertArrayEquals(new long[] {4, 6, 1, 1}, ctx.reshape(a, ctx.newTensor(GgmlType.F16, 4, 6)).shape());
        ShapeException count = assertThrows(ShapeException.class, () -> ctx.reshape2d(a, 5, 5));
        assertTrue(count.getMessage().startsWith(
                "reshape: the new shape [5, 5] must have 24 elements; a=[6,4,1,1] f32"), count.getMessage());
        ShapeException cont = assertThrows(ShapeException.class, () -> ctx.reshape1d(ctx.transpose(a), 24));
        assertTrue(cont.getMessage().contains("must be contiguous"), cont.getMessage());
        assertThrows(ShapeException.class, () -> ctx.reshape2d(ctx.newTensor(GgmlType.Q4_0, 64, 2), 16, 8),
                "a q4_0 row must stay a multiple of 32");
    }

    @Test
    void viewsTakeStridesAndOffsets() {
        Tensor a = allocated(GgmlType.F32, 4, 3, 2);
        for (int i = 0; i < 24; i++) {
            a.setF32(i, i);
        }
        Tensor v1 = ctx.view1d(a, 5, 8);
        assertArrayEquals(new float[] {2, 3, 4, 5, 6}, v1.toFloatArray());
        assertArrayEquals(new int[] {8, 0}, java.util.Arrays.copyOf(v1.opParams(), 2), "offset as two int32s");
        Tensor v2 = ctx.view2d(a, 2, 3, 16, 4); // column 1..2 of the first matrix
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10}, v2.toFloatArray());
        assertTrue(v2.isContiguousRows(), "rows are element-contiguous, with gaps between them");
        assertFalse(v2.isContiguous());
        Tensor v3 = ctx.view3d(a, 4, 1, 2, 16, 48, 32); // row 2 of each matrix
        assertArrayEquals(new float[] {8, 9, 10, 11, 20, 21, 22, 23}, v3.toFloatArray());
        Tensor v4 = ctx.view4d(a, 2, 2, 1, 2, 16, 48, 48, 0);
        assertArrayEquals(new long[] {4, 16, 48, 48}, v4.strides());
        assertArrayEquals(new float[] {0, 1, 4, 5, 12, 13, 16, 17}, v4.toFloatArray());
        Tensor vv = ctx.view1d(v3, 2, 4); // a view of a view: offsets add up
        assertSame(a, vv.viewSource());
        assertEquals(36, vv.viewOffset());
        assertArrayEquals(new float[] {9, 10}, vv.toFloatArray());

        ShapeException out = assertThrows(ShapeException.class, () -> ctx.view2d(a, 4, 3, 32, 40));
        assertTrue(out.getMessage().startsWith("view: bytes [40, ") && out.getMessage().contains("exceed the 96 bytes"),
                out.getMessage());
        assertThrows(ShapeException.class, () -> ctx.view1d(a, 2, -4));
    }

    /** ggml_is_contiguous_n: dimensions up to n may have gaps, those above must follow on densely. */
    @Test
    void contiguityPredicates() {
        Tensor a = ctx.newTensor(GgmlType.F32, 4, 3, 2, 2);   // nb = [4, 16, 48, 96]
        Tensor rowsCut = ctx.view4d(a, 2, 3, 2, 2, 16, 48, 96, 0);  // first 2 elements of every row
        assertFalse(rowsCut.isContiguous());
        assertTrue(rowsCut.isContiguousRows());
        assertTrue(rowsCut.isContiguous2());
        Tensor rowsDropped = ctx.view4d(a, 4, 2, 2, 2, 16, 48, 96, 0);  // first 2 rows of every matrix
        assertFalse(rowsDropped.isContiguous());
        assertFalse(rowsDropped.isContiguousRows());
        assertTrue(rowsDropped.isContiguous2());
        Tensor matsDropped = ctx.view4d(a, 4, 3, 1, 2, 16, 48, 96, 0);  // first matrix of each i3
        assertFalse(matsDropped.isContiguous2());
        assertTrue(ctx.view4d(a, 4, 3, 2, 1, 16, 48, 96, 96).isContiguous(), "the second i3 slice is dense");
        assertTrue(ctx.newTensor(GgmlType.Q4_0, 32, 3).isContiguous(), "one block per row");
        assertTrue(a.isPadded1d());
        assertFalse(ctx.transpose(a).isPadded1d());
    }

    @Test
    void elementAccessForEveryPlainType() {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.F64, GgmlType.I8,
            GgmlType.I16, GgmlType.I32, GgmlType.I64}) {
            Tensor t = allocated(type, 3, 2);
            t.setFloats(1, -2, 3.5f, 100, 0, -7);
            float[] want = type.isInteger() ? new float[] {1, -2, 3, 100, 0, -7}
                    : new float[] {1, -2, 3.5f, 100, 0, -7};
            assertArrayEquals(want, t.toFloatArray(), type.toString());
            t.setI64(4, 42);
            assertEquals(42, t.getI64(4), type.toString());
            t.setI32(5, -9);
            assertEquals(-9, t.getI32(5), type.toString());
            assertEquals(-9f, t.getF32(2, 1, 0, 0), type.toString());
        }
        Tensor h = allocated(GgmlType.F16, 2);
        h.setF32(0, 0.1f);
        assertEquals(Fp16.f16ToF32(Fp16.f32ToF16(0.1f)), h.getF32(0), "f16 elements are rounded as Fp16 does");
        Tensor b = allocated(GgmlType.BF16, 1);
        b.setF32(0, 1.00390625f); // a tie: rounds to even (1.0)
        assertEquals(1.0f, b.getF32(0));
        Tensor big = allocated(GgmlType.I64, 1);
        big.setI64(0, Long.MIN_VALUE + 1);
        assertEquals(Long.MIN_VALUE + 1, big.getI64(0), "i64 elements keep all 64 bits");
    }

    @Test
    void elementAccessErrorsNameTheTensor() {
        Tensor q = allocated(GgmlType.Q4_0, 32).setName("wq");
        UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, () -> q.getF32(0));
        assertTrue(e.getMessage().contains("'wq'") && e.getMessage().contains("q4_0"), e.getMessage());
        Tensor unbound = ctx.newTensor(GgmlType.F32, 2).setName("x");
        assertNull(unbound.data());
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> unbound.getF32(0));
        assertTrue(s.getMessage().contains("'x'") && s.getMessage().contains("no memory"), s.getMessage());
        Tensor f = allocated(GgmlType.F32, 3).setName("y");
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> f.setFloats(1, 2));
        assertTrue(n.getMessage().contains("'y'") && n.getMessage().contains("3 elements"), n.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> ctx.newTensor(GgmlType.F32, 8).setName("z").bind(MemorySegment.ofArray(new byte[31])));
        assertTrue(small.getMessage().contains("needs 32 bytes"), small.getMessage());
    }

    @Test
    void creationErrorsNameTheRule() {
        ShapeException neg = assertThrows(ShapeException.class, () -> ctx.newTensor(GgmlType.F32, 4, -1));
        assertTrue(neg.getMessage().contains("ne1 (-1) must not be negative"), neg.getMessage());
        ShapeException dims = assertThrows(ShapeException.class, () -> ctx.newTensor(GgmlType.F32, 1, 2, 3, 4, 5));
        assertTrue(dims.getMessage().contains("1 to 4 dimensions"), dims.getMessage());
        ShapeException block = assertThrows(ShapeException.class, () -> ctx.newTensor(GgmlType.Q4_K, 100));
        assertTrue(block.getMessage().contains("ne0 (100) must be a multiple of the block size (256) of q4_K"),
                block.getMessage());
        assertThrows(ShapeException.class, () -> ctx.newTensor(GgmlType.F32, 1L << 40, 1L << 30));
        assertThrows(UnsupportedTypeException.class, () -> ctx.newTensor(GgmlType.Q4_2, 32));
    }
}
