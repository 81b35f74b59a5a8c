package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;

import io.ggmljava.ops.BinaryKernels;
import java.lang.foreign.MemorySegment;

/** Plain-loop reference implementation of {@link BinaryKernels}: written to be read; the oracle for fast paths. */
public final class ScalarBinaryKernels implements BinaryKernels {
    public static final ScalarBinaryKernels INSTANCE = new ScalarBinaryKernels();

    private ScalarBinaryKernels() {
    }

    /** {@code a op b} in float. */
    public static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
        };
    }

    @Override
    public void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff,
                      int n) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, apply(op, a.get(F32, aOff + 4L * i), b.get(F32, bOff + 4L * i)));
        }
    }

    @Override
    public void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, apply(op, a.get(F32, aOff + 4L * i), b));
        }
    }
}
