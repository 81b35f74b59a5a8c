package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Block quantization kernels for every quantized type (and the f16/bf16 conversions): quantize and dequantize rows,
 * the CPU's activation quantizers and the reference dot products against each type's dot type.
 *
 * <p>Rows hold {@code n} elements, a multiple of the type's block size; offsets are in bytes. Quantized data is in
 * ggml's block layout, byte for byte; f32 data is little-endian.
 */
public interface QuantKernels {
    /**
     * Quantizes {@code n} f32 values with ggml's reference quantizer ({@code quantize_row_*_ref}; for f16/bf16 the
     * round-to-nearest-even conversion).
     */
    default void quantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        throw new UnsupportedOperationException("quantizeRow(" + type + ") is not implemented yet");
    }

    /**
     * Quantizes {@code nrows} rows of {@code nPerRow} f32 values as {@code ggml_quantize_chunk} does, using the
     * importance weights {@code imatrix} ({@code nPerRow} floats) when it is not null.
     */
    default void quantizeChunk(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                               long nrows, long nPerRow, float[] imatrix) {
        throw new UnsupportedOperationException("quantizeChunk(" + type + ") is not implemented yet");
    }

    /** Dequantizes {@code n} values of {@code type} to f32 ({@code to_float}). */
    default void dequantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        throw new UnsupportedOperationException("dequantizeRow(" + type + ") is not implemented yet");
    }

    /**
     * Converts {@code n} f32 activations to {@code dotType} as ggml's CPU backend does before a product
     * ({@code from_float} of the CPU type traits; for q8_0 this rounds differently from the reference quantizer).
     */
    default void fromFloatCpu(GgmlType dotType, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                              long n) {
        throw new UnsupportedOperationException("fromFloatCpu(" + dotType + ") is not implemented yet");
    }

    /**
     * The dot product of {@code n} elements: {@code x} in {@code type}, {@code y} in {@link #dotType}{@code (type)}
     * ({@code vec_dot} of the CPU type traits).
     */
    default float vecDot(GgmlType type, long n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        throw new UnsupportedOperationException("vecDot(" + type + ") is not implemented yet");
    }

    /** The type ggml's CPU converts activations to before a product with weights of {@code type}. */
    static GgmlType dotType(GgmlType type) {
        return switch (type) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> GgmlType.Q8_0;
            case Q4_1, Q5_1 -> GgmlType.Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0,
                 TQ2_0 -> GgmlType.Q8_K;
            case Q8_1 -> GgmlType.Q8_1;
            case I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new io.ggmljava.core.UnsupportedTypeException("no dot product for type " + type);
        };
    }
}
