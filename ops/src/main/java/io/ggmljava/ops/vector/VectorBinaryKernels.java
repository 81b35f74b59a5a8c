package io.ggmljava.ops.vector;

import io.ggmljava.ops.BinaryKernels;
import io.ggmljava.ops.scalar.ScalarBinaryKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link BinaryKernels} (a template: see {@link Specialized}; one copy per width),
 * bit-identical to the scalar one (one IEEE operation per element either way). Each op has its own loop, unrolled
 * twice so that two loads are in flight per operand; rows shorter than two vectors go to the scalar code.
 */
final class VectorBinaryKernels implements BinaryKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarBinaryKernels SCALAR = ScalarBinaryKernels.INSTANCE;

    VectorBinaryKernels() {
    }

    @Override
    public void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff,
                      int n) {
        if (n < 2 * L) {
            SCALAR.apply(op, a, aOff, b, bOff, y, yOff, n);
            return;
        }
        int done;
        if (op == BinaryOp.ADD) {
            done = add(a, aOff, b, bOff, y, yOff, n);
        } else if (op == BinaryOp.SUB) {
            done = sub(a, aOff, b, bOff, y, yOff, n);
        } else if (op == BinaryOp.MUL) {
            done = mul(a, aOff, b, bOff, y, yOff, n);
        } else {
            done = div(a, aOff, b, bOff, y, yOff, n);
        }
        if (done < n) {
            SCALAR.apply(op, a, aOff + 4L * done, b, bOff + 4L * done, y, yOff + 4L * done, n - done);
        }
    }

    private static int add(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound2 = n - 2 * L + 1;
        for (; i < bound2; i += 2 * L) {
            long o = 4L * i;
            FloatVector a0 = FloatVector.fromMemorySegment(F, a, aOff + o, LE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, a, aOff + o + 4L * L, LE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bOff + o, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bOff + o + 4L * L, LE);
            a0.add(b0).intoMemorySegment(y, yOff + o, LE);
            a1.add(b1).intoMemorySegment(y, yOff + o + 4L * L, LE);
        }
        for (; i < F.loopBound(n); i += L) {
            long o = 4L * i;
            FloatVector.fromMemorySegment(F, a, aOff + o, LE).add(FloatVector.fromMemorySegment(F, b, bOff + o, LE))
                    .intoMemorySegment(y, yOff + o, LE);
        }
        return i;
    }

    private static int sub(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound2 = n - 2 * L + 1;
        for (; i < bound2; i += 2 * L) {
            long o = 4L * i;
            FloatVector a0 = FloatVector.fromMemorySegment(F, a, aOff + o, LE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, a, aOff + o + 4L * L, LE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bOff + o, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bOff + o + 4L * L, LE);
            a0.sub(b0).intoMemorySegment(y, yOff + o, LE);
            a1.sub(b1).intoMemorySegment(y, yOff + o + 4L * L, LE);
        }
        for (; i < F.loopBound(n); i += L) {
            long o = 4L * i;
            FloatVector.fromMemorySegment(F, a, aOff + o, LE).sub(FloatVector.fromMemorySegment(F, b, bOff + o, LE))
                    .intoMemorySegment(y, yOff + o, LE);
        }
        return i;
    }

    private static int mul(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound2 = n - 2 * L + 1;
        for (; i < bound2; i += 2 * L) {
            long o = 4L * i;
            FloatVector a0 = FloatVector.fromMemorySegment(F, a, aOff + o, LE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, a, aOff + o + 4L * L, LE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bOff + o, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bOff + o + 4L * L, LE);
            a0.mul(b0).intoMemorySegment(y, yOff + o, LE);
            a1.mul(b1).intoMemorySegment(y, yOff + o + 4L * L, LE);
        }
        for (; i < F.loopBound(n); i += L) {
            long o = 4L * i;
            FloatVector.fromMemorySegment(F, a, aOff + o, LE).mul(FloatVector.fromMemorySegment(F, b, bOff + o, LE))
                    .intoMemorySegment(y, yOff + o, LE);
        }
        return i;
    }

    private static int div(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int n) {
        int i = 0;
        int bound2 = n - 2 * L + 1;
        for (; i < bound2; i += 2 * L) {
            long o = 4L * i;
            FloatVector a0 = FloatVector.fromMemorySegment(F, a, aOff + o, LE);
            FloatVector a1 = FloatVector.fromMemorySegment(F, a, aOff + o + 4L * L, LE);
            FloatVector b0 = FloatVector.fromMemorySegment(F, b, bOff + o, LE);
            FloatVector b1 = FloatVector.fromMemorySegment(F, b, bOff + o + 4L * L, LE);
            a0.div(b0).intoMemorySegment(y, yOff + o, LE);
            a1.div(b1).intoMemorySegment(y, yOff + o + 4L * L, LE);
        }
        for (; i < F.loopBound(n); i += L) {
            long o = 4L * i;
            FloatVector.fromMemorySegment(F, a, aOff + o, LE).div(FloatVector.fromMemorySegment(F, b, bOff + o, LE))
                    .intoMemorySegment(y, yOff + o, LE);
        }
        return i;
    }

    @Override
    public void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff, int n) {
        if (n < 2 * L) {
            SCALAR.applyScalar(op, a, aOff, b, y, yOff, n);
            return;
        }
        FloatVector vb = FloatVector.broadcast(F, b);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            long o = 4L * i;
            FloatVector va = FloatVector.fromMemorySegment(F, a, aOff + o, LE);
            FloatVector r;
            if (op == BinaryOp.ADD) {
                r = va.add(vb);
            } else if (op == BinaryOp.SUB) {
                r = va.sub(vb);
            } else if (op == BinaryOp.MUL) {
                r = va.mul(vb);
            } else {
                r = va.div(vb);
            }
            r.intoMemorySegment(y, yOff + o, LE);
        }
        if (i < n) {
            SCALAR.applyScalar(op, a, aOff + 4L * i, b, y, yOff + 4L * i, n - i);
        }
    }
}
