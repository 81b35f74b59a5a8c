package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * Reduction row kernels: SUM, SUM_ROWS, MEAN, ARGMAX, COUNT_EQUAL, and the sums the norm and softmax drivers use.
 *
 * <p>Rows are {@code n} contiguous little-endian values at a byte offset. Sums are returned as double because ggml
 * accumulates them in {@code ggml_float} (double); the scalar implementation adds in index order, the vector one in
 * lanes (the difference is far below the ops' tolerances).
 */
public interface ReduceKernels {
    /** {@code sum x[i]} of f32 values (ggml_vec_sum_f32, accumulated in double). */
    double sum(MemorySegment x, long off, int n);

    /** {@code sum x[i]} of f16 values, accumulated in float as ggml does. */
    float sumF16(MemorySegment x, long off, int n);

    /** {@code sum x[i]} of bf16 values, accumulated in float as ggml does. */
    float sumBf16(MemorySegment x, long off, int n);

    /** {@code max x[i]} ({@code -inf} for n = 0; ggml_vec_max_f32). */
    float max(MemorySegment x, long off, int n);

    /** Index of the largest f32 value; ties go to the last one (ggml_vec_argmax_f32). */
    int argmax(MemorySegment x, long off, int n);

    /** Number of positions where two i32 rows hold the same value. */
    long countEqualI32(MemorySegment a, long aOff, MemorySegment b, long bOff, int n);

    /** {@code sum x[i]*y[i]} of f32 values, accumulated in double. */
    double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n);
}
