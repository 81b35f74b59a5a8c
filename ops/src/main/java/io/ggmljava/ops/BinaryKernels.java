package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * Element-wise binary row kernels: ADD, SUB, MUL, DIV (broadcasting is done by the driver, which calls these on
 * matching row pieces), ADD1 and ACC.
 *
 * <p>Operands are {@code n} contiguous little-endian f32 values at the given byte offsets; the output may be the same
 * memory as either input. The scalar implementation is the specification.
 */
public interface BinaryKernels {
    /** The four arithmetic operations. */
    enum BinaryOp {
        ADD, SUB, MUL, DIV
    }

    /** {@code y = a op b}. */
    void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff,
               int n);

    /** {@code y = a op b} with a single value {@code b} (a broadcast row of one element, ADD1). */
    void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff, int n);
}
