package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Data movement and conversion row kernels for DUP, CPY, CONT, GET_ROWS, REPEAT, CONCAT, PAD, SET and the f16/bf16
 * sides of the other ops.
 *
 * <p>Element types are the plain ones: f32, f16, bf16, i32 (and i16, i8 for same-type copies); quantized types are
 * converted with {@link QuantKernels}. Strides are in bytes, so rows of permuted views can be read directly.
 * f32 to f16 and to bf16 round to nearest even, as ggml's CPU does.
 */
public interface CopyKernels {
    /**
     * Copies {@code n} elements, converting {@code from} to {@code to}; element {@code i} is read at
     * {@code srcOff + i*srcStride} and written at {@code dstOff + i*dstStride}. Same-type copies move the bits.
     */
    void convert(GgmlType from, MemorySegment src, long srcOff, long srcStride, GgmlType to, MemorySegment dst,
                 long dstOff, long dstStride, int n);

    /** Writes {@code n} copies of {@code value} (converted to {@code type}) with a byte stride. */
    void fill(GgmlType type, MemorySegment dst, long off, long stride, int n, float value);
}
