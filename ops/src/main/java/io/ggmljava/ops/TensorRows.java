package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.ShapeException;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;

/**
 * Row access shared by the op drivers: byte offsets of rows, f32 scratch rows, and reading or writing a row of any
 * element type (plain or quantized) as f32 through the provider's copy and quantization kernels.
 */
final class TensorRows {
    private TensorRows() {
    }

    /** Byte offset of row {@code (i1, i2, i3)} of {@code t}. */
    static long off(Tensor t, long i1, long i2, long i3) {
        return i1 * t.nb(1) + i2 * t.nb(2) + i3 * t.nb(3);
    }

    /** A scratch buffer of {@code n} f32 values on the heap (byte-array backed, so vector loads accept it). */
    static MemorySegment f32Buffer(long n) {
        return MemorySegment.ofArray(new byte[Math.toIntExact(Math.max(n, 1) * 4)]);
    }

    /** {@code n} as an int row length. @throws ShapeException if a row is too long for the kernels */
    static int rowLength(Tensor node, long n) {
        if (n > Integer.MAX_VALUE - 64) {
            throw new ShapeException(node.opDesc() + ": rows of " + n + " elements are longer than the kernels "
                    + "support (2^31 - 64); node " + node.describe());
        }
        return (int) n;
    }

    /** True if dimension 0 of {@code t} is element-contiguous. */
    static boolean denseRows(Tensor t) {
        return t.nb(0) == t.type().typeSize();
    }

    /** @throws UnsupportedTypeException unless {@code t} has one of the {@code allowed} types */
    static void requireType(Tensor node, String role, Tensor t, GgmlType... allowed) {
        for (GgmlType g : allowed) {
            if (t.type() == g) {
                return;
            }
        }
        throw new UnsupportedTypeException(node.opDesc() + ": " + role + " must be "
                + java.util.Arrays.toString(allowed) + ", got " + t.type() + "; " + role + "=" + t.describe());
    }

    /** Reads row {@code (i1, i2, i3)} of {@code t} ({@code t.ne0} elements) into {@code buf} as f32. */
    static void readF32(KernelProvider p, Tensor t, long i1, long i2, long i3, MemorySegment buf) {
        long o = off(t, i1, i2, i3);
        int n = rowLength(t, t.ne(0));
        if (t.type().isQuantized()) {
            requireBlockRows(t);
            p.quant().dequantizeRow(t.type(), t.data(), o, buf, 0, n);
        } else {
            p.copy().convert(t.type(), t.data(), o, t.nb(0), GgmlType.F32, buf, 0, 4, n);
        }
    }

    /** Writes {@code buf} (f32, {@code t.ne0} values) to row {@code (i1, i2, i3)} of {@code t}, converting. */
    static void writeF32(KernelProvider p, Tensor t, long i1, long i2, long i3, MemorySegment buf) {
        long o = off(t, i1, i2, i3);
        int n = rowLength(t, t.ne(0));
        if (t.type().isQuantized()) {
            requireBlockRows(t);
            quantizeCpu(p, t.type(), buf, 0, t.data(), o, n);
        } else {
            p.copy().convert(GgmlType.F32, buf, 0, 4, t.type(), t.data(), o, t.nb(0), n);
        }
    }

    private static void requireBlockRows(Tensor t) {
        if (t.nb(0) != t.type().typeSize()) {
            throw new ShapeException("quantized tensor '" + t.name() + "' " + t.describe()
                    + " must have consecutive blocks in dimension 0 (nb0 = " + t.nb(0) + ")");
        }
    }

    /**
     * Converts {@code n} f32 values to {@code type} as ggml's CPU does when it writes a quantized tensor
     * ({@code from_float} of the CPU type traits): q8_0 and q8_1 use the CPU's own quantizer, the other types the
     * reference one.
     */
    static void quantizeCpu(KernelProvider p, GgmlType type, MemorySegment src, long srcOff, MemorySegment dst,
                            long dstOff, long n) {
        if (type == GgmlType.Q8_0 || type == GgmlType.Q8_1) {
            p.quant().fromFloatCpu(type, src, srcOff, dst, dstOff, n);
        } else {
            p.quant().quantizeRow(type, src, srcOff, dst, dstOff, n);
        }
    }
}
