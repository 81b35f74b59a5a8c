package io.ggmljava.ops.scalar.quant;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * One ggml block-quantized type: its reference quantizer, its {@code ggml_quantize_chunk} quantizer (with and
 * without importance weights), its dequantizer and its dot product against its dot type.
 *
 * <p>f32 input comes in as Java arrays (quantizers are searches over small groups, best written on arrays);
 * quantized data lives in {@link MemorySegment}s at byte offsets, in ggml's block layout. Implementations are
 * stateless singletons, one per type, found through {@link #of(GgmlType)}.
 */
public interface BlockFormat {
    /** The ggml type. */
    GgmlType type();

    /** Elements per block. */
    default int blockSize() {
        return type().blockSize();
    }

    /** Bytes per block. */
    default int blockBytes() {
        return type().typeSize();
    }

    /** {@code quantize_row_*_ref}: quantizes {@code nb} blocks of {@code x[xo..]} to {@code dst} at {@code off}. */
    void quantizeRef(float[] x, int xo, int nb, MemorySegment dst, long off);

    /**
     * One row of {@code ggml_quantize_chunk}: {@code n} values of {@code x[xo..]} with importance weights
     * {@code qw} ({@code n} floats), or without ({@code qw == null}), which is the reference quantizer for every
     * type except iq4_nl.
     */
    default void quantizeChunkRow(float[] x, int xo, int n, float[] qw, MemorySegment dst, long off) {
        quantizeRef(x, xo, n / blockSize(), dst, off);
    }

    /** {@code dequantize_row_*} for one block: writes {@link #blockSize()} floats to {@code y[yo..]}. */
    void dequantizeBlock(MemorySegment src, long off, float[] y, int yo);

    /**
     * {@code vec_dot}: the dot product of {@code nb} blocks at {@code x} with {@code nb} blocks of the dot type
     * ({@code QuantKernels.dotType}) at {@code y}. Integer products are exact; the float accumulation follows
     * ggml's reference order.
     */
    float dot(int nb, MemorySegment x, long xo, MemorySegment y, long yo);

    /** The format of {@code type}. */
    static BlockFormat of(GgmlType type) {
        return switch (type) {
            case Q4_0 -> LegacyQuants.Q4_0;
            case Q4_1 -> LegacyQuants.Q4_1;
            case Q5_0 -> LegacyQuants.Q5_0;
            case Q5_1 -> LegacyQuants.Q5_1;
            case Q8_0 -> Q8Quants.Q8_0;
            case Q8_1 -> Q8Quants.Q8_1;
            case Q8_K -> Q8Quants.Q8_K;
            case Q2_K -> Q2K.INSTANCE;
            case Q3_K -> Q3K.INSTANCE;
            case Q4_K -> Q4K.INSTANCE;
            case Q5_K -> Q5K.INSTANCE;
            case Q6_K -> Q6K.INSTANCE;
            case IQ4_NL -> IQ4NL.INSTANCE;
            case F32, F16, BF16, I8, I16, I32, I64, F64, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, IQ4_XS, IQ1_M,
                 TQ1_0, TQ2_0, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new io.ggmljava.core.UnsupportedTypeException(
                            "no block quantization for type " + type + " (supported: q4_0 q4_1 q5_0 q5_1 q8_0 q8_1"
                                    + " q2_K q3_K q4_K q5_K q6_K q8_K iq4_nl)");
        };
    }
}
