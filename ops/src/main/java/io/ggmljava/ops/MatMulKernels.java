package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;

/**
 * Tiles of dot products for MUL_MAT, MUL_MAT_ID and OUT_PROD (f32, f16, bf16 and quantized weights).
 *
 * <p>The product of weights {@code a} (type {@code wtype}, rows of {@code k} elements, in their own layout: quantized
 * blocks stay blocks) with activations {@code b} goes in two steps, as in ggml's CPU backend:
 * <ol>
 *   <li>{@link #prepare} converts each activation row once per call to the weight type's dot type
 *       ({@link QuantKernels#dotType}), into rows of exactly {@link #preparedRowSize} bytes;</li>
 *   <li>{@link #tile} computes a block of outputs {@code dst[i, j] = a_row(i) · b_row(j)}.</li>
 * </ol>
 * The prepared layout belongs to the provider (both steps come from the same one): for f32, f16 and bf16 weights it
 * holds f32 values already rounded to the dot type (f16/bf16, so products are exactly ggml's), for quantized weights
 * the dot type's blocks ({@code q8_0}, {@code q8_1}, {@code q8_K}) as {@link QuantKernels#fromFloatCpu} writes them.
 * For f32 weights with f32 activations nothing is prepared: {@code b} rows are read in place.
 *
 * <p>Determinism: a tile computes each output from its row and column alone, with a reduction order that does not
 * depend on the tile's size or position, so splitting the output differently (other thread counts) never changes
 * a value.
 *
 * <pre>{@code
 * // y[i] = W[i,:] . x  for 64 rows of 4096 f16 weights, on one thread
 * MatMulKernels mm = KernelProvider.get().matMul();
 * mm.prepare(GgmlType.F16, GgmlType.F32, 4096, x, 0, work, 0);                  // x -> f16-rounded floats
 * mm.tile(GgmlType.F16, 4096, w, 0, w.rowBytes, 64, work, 0, 0, 1, y, 0, 0);   // one column
 * }</pre>
 */
public interface MatMulKernels {
    /**
     * Bytes of one prepared activation row of {@code k} elements for weights of {@code wtype} (the same for every
     * provider, so the executor can size the work buffer before choosing threads).
     */
    static long preparedRowSize(GgmlType wtype, long k) {
        return switch (wtype) {
            case F32, F16, BF16 -> 4 * k;
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0 -> QuantKernels.dotType(wtype).rowSize(k);
            case I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException("matrix products do not support weights of type " + wtype);
        };
    }

    /**
     * Converts one activation row of {@code k} elements of {@code srcType} (f32; f16 and bf16 only for f32, f16 or
     * bf16 weights) to the prepared layout for weights of {@code wtype}, {@link #preparedRowSize} bytes at
     * {@code dstOff}.
     */
    void prepare(GgmlType wtype, GgmlType srcType, int k, MemorySegment src, long srcOff, MemorySegment dst,
                 long dstOff);

    /**
     * A block of outputs: for {@code i < rows, j < cols},
     * {@code dst[dOff + 4*i + dStride*j] = a_row(i) · b_row(j)} (f32), where weight row {@code i} starts at
     * {@code aOff + i*aStride} ({@code k} elements of {@code wtype}) and activation row {@code j} at
     * {@code bOff + j*bStride} (prepared for {@code wtype}; for f32 weights plain f32).
     */
    void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
              MemorySegment b, long bOff, long bStride, int cols,
              MemorySegment dst, long dOff, long dStride);

    /** {@code y[i] += s * x[i]} for {@code n} f32 values (the row update of OUT_PROD). */
    void axpy(int n, float s, MemorySegment x, long xOff, MemorySegment y, long yOff);
}
