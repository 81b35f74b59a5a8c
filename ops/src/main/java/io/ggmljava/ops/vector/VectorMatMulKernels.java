package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.MatMulKernels;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.scalar.ScalarMatMulKernels;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link MatMulKernels}: register-tiled kernels for f32, f16 and bf16 weights
 * ({@link FloatTiles}), integer kernels for q8_0, q4_0, q4_K and q6_K ({@link QuantTiles}); the other quantized
 * types use the scalar tiles over this width's quantization kernels (activations are always converted by those).
 */
final class VectorMatMulKernels implements MatMulKernels {
    private final MatMulKernels floats;
    private final MatMulKernels quants;
    private final MatMulKernels others;

    VectorMatMulKernels(VectorSpecies<Float> fs, QuantKernels quant) {
        this.floats = Specialized.instance(FloatTiles.class, MatMulKernels.class, fs);
        this.quants = Specialized.instance(QuantTiles.class, MatMulKernels.class, fs);
        this.others = new ScalarMatMulKernels(quant);
    }

    private MatMulKernels kernels(GgmlType wtype) {
        return switch (wtype) {
            case F32, F16, BF16 -> floats;
            case Q4_0, Q8_0, Q4_K, Q6_K -> quants;
            case Q4_1, Q5_0, Q5_1, Q8_1, Q2_K, Q3_K, Q5_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0, I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4,
                 Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 -> others;
        };
    }

    @Override
    public void prepare(GgmlType wtype, GgmlType srcType, int k, MemorySegment src, long srcOff, MemorySegment dst,
                        long dstOff) {
        (wtype.isQuantized() ? others : floats).prepare(wtype, srcType, k, src, srcOff, dst, dstOff);
    }

    @Override
    public void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
                     MemorySegment b, long bOff, long bStride, int cols,
                     MemorySegment dst, long dOff, long dStride) {
        kernels(wtype).tile(wtype, k, a, aOff, aStride, rows, b, bOff, bStride, cols, dst, dOff, dStride);
    }

    @Override
    public void axpy(int n, float s, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        floats.axpy(n, s, x, xOff, y, yOff);
    }
}
