package io.ggmljava.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Shape rules, result types, op parameters and error messages of a representative set of op constructors, each
 * compared with what ggml's constructor produces (shapes worked out from ggml.c by hand).
 */
class ContextShapeTest {
    private final Context ctx = new Context();

    private Tensor f32(long... ne) {
        return ctx.newTensor(GgmlType.F32, ne);
    }

    private static void assertShape(Tensor t, GgmlType type, long... ne) {
        long[] want = {1, 1, 1, 1};
        System.arraycopy(ne, 0, want, 0, ne.length);
        assertArrayEquals(want, t.shape(), t.toString());
        assertEquals(type, t.type(), t.toString());
    }

    private static void assertMessage(RuntimeException e, String start) {
        assertTrue(e.getMessage().startsWith(start), "message: " + e.getMessage() + "\nexpected start: " + start);
    }

    @Test
    void binaryOpsBroadcastTheSecondOperand() {
        Tensor a = f32(10, 5, 4, 3);
        Tensor b = f32(10, 1, 4, 1);
        Tensor sum = ctx.add(a, b);
        assertShape(sum, GgmlType.F32, 10, 5, 4, 3);
        assertEquals(Op.ADD, sum.op());
        assertSame(a, sum.src(0));
        assertSame(b, sum.src(1));
        assertEquals(2, sum.srcCount());
        Tensor in = ctx.mulInplace(a, b);
        assertSame(a, in.viewSource(), "in-place variants are views of a");
        assertEquals(Op.MUL, in.op());
        ShapeException e = assertThrows(ShapeException.class, () -> ctx.sub(f32(10, 5), f32(3, 5)));
        assertMessage(e, "sub: b must broadcast to a (each a.ne[i] a multiple of b.ne[i]); a=[10,5,1,1] f32, "
                + "b=[3,5,1,1] f32");
        assertThrows(ShapeException.class, () -> ctx.add1(a, f32(2)));
    }

    @Test
    void mulMatIsBTimesATransposed() {
        Tensor a = f32(4, 3, 2, 1);
        Tensor b = f32(4, 5, 6, 1);
        assertShape(ctx.mulMat(a, b), GgmlType.F32, 3, 5, 6, 1);
        assertShape(ctx.mulMat(ctx.newTensor(GgmlType.Q4_K, 256, 16), f32(256, 1)), GgmlType.F32, 16, 1);
        assertTrue(Context.canMulMat(a, b));
        ShapeException k = assertThrows(ShapeException.class, () -> ctx.mulMat(f32(4, 3), f32(5, 2)));
        assertMessage(k, "mulMat: a.ne0 (4) must equal b.ne0 (5); a=[4,3,1,1] f32, b=[5,2,1,1] f32");
        ShapeException bc = assertThrows(ShapeException.class, () -> ctx.mulMat(f32(4, 3, 4), f32(4, 5, 6)));
        assertMessage(bc, "mulMat: b.ne2 (6) and b.ne3 (1) must be multiples of a.ne2 (4) and a.ne3 (1)");
        ShapeException tr = assertThrows(ShapeException.class, () -> ctx.mulMat(ctx.transpose(f32(3, 4)), f32(4, 2)));
        assertTrue(tr.getMessage().contains("must not be transposed"), tr.getMessage());
        assertShape(ctx.outProd(f32(3, 7), f32(5, 7)), GgmlType.F32, 3, 5);
        Tensor ids = ctx.newTensor(GgmlType.I32, 2, 9);
        assertShape(ctx.mulMatId(f32(16, 8, 4), f32(16, 1, 9), ids), GgmlType.F32, 8, 2, 9);
    }

    @Test
    void reductions() {
        Tensor a = ctx.newTensor(GgmlType.F16, 6, 5, 4, 3);
        assertShape(ctx.sum(a), GgmlType.F16, 1);
        assertShape(ctx.sumRows(a), GgmlType.F16, 1, 5, 4, 3);
        assertShape(ctx.mean(a), GgmlType.F32, 1, 5, 4, 3);
        assertShape(ctx.argmax(f32(7, 3)), GgmlType.I32, 3);
        assertMessage(assertThrows(ShapeException.class, () -> ctx.argmax(f32(7, 3, 2))),
                "argmax: a must be a matrix (ne2 = ne3 = 1); a=[7,3,2,1] f32");
        Tensor i = ctx.newTensor(GgmlType.I32, 4, 2);
        assertShape(ctx.countEqual(i, ctx.newTensor(GgmlType.I32, 4, 2)), GgmlType.I64, 1);
    }

    @Test
    void layoutOps() {
        Tensor c = ctx.concat(f32(4, 3), f32(4, 5), 1);
        assertShape(c, GgmlType.F32, 4, 8);
        assertEquals(1, c.opParamI32(0));
        assertMessage(assertThrows(ShapeException.class, () -> ctx.concat(f32(4, 3), f32(5, 3), 1)),
                "concat: a.ne0 (4) must equal b.ne0 (5) outside the concatenated dimension 1");
        assertShape(ctx.repeat(f32(2, 1, 3), f32(4, 5, 6)), GgmlType.F32, 4, 5, 6);
        assertThrows(ShapeException.class, () -> ctx.repeat(f32(3), f32(4)));

        Tensor src = f32(6, 4);
        Tensor dst = ctx.newTensor(GgmlType.F16, 24);
        Tensor cp = ctx.cpy(src, dst);
        assertEquals(Op.CPY, cp.op());
        assertSame(dst, cp.viewSource(), "cpy's result is a view of its destination");
        assertShape(cp, GgmlType.F16, 24);
        assertThrows(ShapeException.class, () -> ctx.cpy(src, f32(5)));

        Tensor p = ctx.permute(f32(2, 3, 4), 1, 0, 2, 3);
        Tensor cont = ctx.cont(p);
        assertShape(cont, GgmlType.F32, 3, 2, 4);
        assertTrue(cont.isContiguous());
        assertShape(ctx.cont2d(p, 6, 4), GgmlType.F32, 6, 4);

        Tensor rows = ctx.newTensor(GgmlType.I32, 5, 2, 3);
        assertShape(ctx.getRows(ctx.newTensor(GgmlType.Q8_0, 64, 10, 2, 3), rows), GgmlType.F32, 64, 5, 2, 3);
        UnsupportedTypeException t = assertThrows(UnsupportedTypeException.class,
                () -> ctx.getRows(f32(4, 10), f32(3)));
        assertTrue(t.getMessage().startsWith("getRows: b must be [i32], got f32"), t.getMessage());
        assertShape(ctx.pad(f32(3, 2), 1, 2, 3, 0), GgmlType.F32, 4, 4, 4);
        assertShape(ctx.arange(0f, 10f, 3f), GgmlType.F32, 4);
    }

    @Test
    void parametersUseGgmlsLayout() {
        Tensor s = ctx.scale(f32(4), 0.5f);
        assertEquals(0.5f, s.opParamF32(0));
        Tensor g = ctx.gelu(f32(8, 2));
        assertEquals(Op.UNARY, g.op());
        assertEquals(UnaryOp.GELU, g.unaryOp());
        assertEquals("GELU", g.opDesc());
        Tensor sm = ctx.softMaxExt(f32(8, 4, 2), ctx.newTensor(GgmlType.F16, 8, 4), 0.125f, 8f);
        assertEquals(0.125f, sm.opParamF32(0));
        assertEquals(8f, sm.opParamF32(1));
        assertEquals(2, sm.srcCount());
        Tensor pos = ctx.newTensor(GgmlType.I32, 3);
        Tensor r = ctx.ropeExt(f32(64, 4, 3), pos, null, 32, Context.ROPE_TYPE_NEOX, 4096, 500000f, 0.25f, 1f,
                1f, 32f, 1f);
        assertEquals(32, r.opParamI32(1));
        assertEquals(2, r.opParamI32(2));
        assertEquals(4096, r.opParamI32(4));
        assertEquals(500000f, r.opParamF32(5));
        assertEquals(0.25f, r.opParamF32(6));
        assertEquals(32f, r.opParamF32(9));
        Tensor pl = ctx.pool2d(f32(8, 6, 2), PoolOp.values()[1], 3, 2, 2, 2, 1f, 0f);
        assertArrayEquals(new int[] {1, 3, 2, 2, 2, 1, 0}, java.util.Arrays.copyOf(pl.opParams(), 7));
    }

    @Test
    void attentionRules() {
        assertMessage(assertThrows(ShapeException.class,
                () -> ctx.softMaxExt(f32(8, 4), f32(7, 4), 1f, 0f)),
                "softMax: mask.ne0 (7) must equal a.ne0 (8); a=[8,4,1,1] f32, mask=[7,4,1,1] f32");
        assertThrows(ShapeException.class, () -> ctx.softMaxExt(f32(8, 4), null, 1f, 1f), "ALiBi needs a mask");
        assertMessage(assertThrows(ShapeException.class,
                () -> ctx.rope(f32(64, 4, 3), ctx.newTensor(GgmlType.I32, 5), 64, 0)),
                "rope: a.ne2 (3) must equal b.ne0 (5)");
        Tensor q = f32(64, 7, 8);
        Tensor k = ctx.newTensor(GgmlType.F16, 64, 33, 2);
        Tensor v = ctx.newTensor(GgmlType.F16, 64, 33, 2);
        Tensor mask = ctx.newTensor(GgmlType.F16, 33, 64);
        assertShape(ctx.flashAttnExt(q, k, v, mask, 0.125f, 0f, 0f), GgmlType.F32, 64, 8, 7);
        assertMessage(assertThrows(ShapeException.class, () -> ctx.flashAttnExt(q, k, v,
                ctx.newTensor(GgmlType.F16, 33, 7), 1f, 0f, 0f)),
                "flashAttnExt: mask.ne1 (7) must be at least n_q padded to 64 (64)");
    }

    @Test
    void convolutionAndPoolingSizes() {
        // 2-d im2col: data [IW=10, IH=8, IC=3, N=2], kernel [3, 3, 3, OC=4], stride 1, padding 1
        Tensor im = ctx.im2col(ctx.newTensor(GgmlType.F16, 3, 3, 3, 4), f32(10, 8, 3, 2), 1, 1, 1, 1, 1, 1, true,
                GgmlType.F16);
        assertShape(im, GgmlType.F16, 27, 10, 8, 2);
        // 1-d: data [IW=20, IC=2, N=3], kernel [5, 2, OC], stride 2, no padding, dilation 2: OW = (20-8-1)/2+1 = 6
        assertShape(ctx.im2col(f32(5, 2, 4), f32(20, 2, 3), 2, 0, 0, 0, 2, 0, false, GgmlType.F32), GgmlType.F32,
                10, 6, 3);
        assertShape(ctx.conv1d(ctx.newTensor(GgmlType.F16, 5, 2, 4), f32(20, 2, 3), 1, 2, 1), GgmlType.F32,
                20, 4, 3);
        assertShape(ctx.convTranspose1d(f32(3, 2, 4), f32(5, 4), 2, 0, 1), GgmlType.F32, 11, 2);
        assertShape(ctx.pool2d(f32(8, 6, 2), PoolOp.values()[0], 2, 2, 2, 2, 0f, 0f), GgmlType.F32, 4, 3, 2);
        assertShape(ctx.pool1d(f32(9, 2), PoolOp.values()[1], 3, 3, 0), GgmlType.F32, 3, 2);
        assertShape(ctx.upscale(f32(3, 2, 4), 2), GgmlType.F32, 6, 4, 4);
        ShapeException small = assertThrows(ShapeException.class,
                () -> ctx.pool2d(f32(2, 2), PoolOp.values()[0], 3, 3, 1, 1, 0f, 0f));
        assertMessage(small, "pool2d: a is smaller than the kernel; a=[2,2,1,1] f32");
    }

    @Test
    void nullOperandsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ctx.mulMat(f32(4), null));
        assertEquals("mulMat: b must not be null", e.getMessage());
    }
}
