package io.ggmljava.ops.scalar;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import io.ggmljava.ops.MatMulKernels;
import io.ggmljava.ops.QuantKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-loop reference implementation of {@link MatMulKernels}: written to be read; the oracle for fast paths.
 *
 * <p>Float dot products accumulate in double (ggml's scalar {@code ggml_float}); quantized ones are the quantization
 * kernels' {@link QuantKernels#vecDot}, one call per output.
 */
public final class ScalarMatMulKernels implements MatMulKernels {
    public static final ScalarMatMulKernels INSTANCE = new ScalarMatMulKernels(ScalarQuantKernels.INSTANCE);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final QuantKernels quant;

    /** Scalar matrix products whose quantized dot products and activation quantizers come from {@code quant}. */
    public ScalarMatMulKernels(QuantKernels quant) {
        this.quant = quant;
    }

    @Override
    public void prepare(GgmlType wtype, GgmlType srcType, int k, MemorySegment src, long srcOff, MemorySegment dst,
                        long dstOff) {
        switch (wtype) {
            case F32 -> {
                for (int i = 0; i < k; i++) {
                    dst.set(F32, dstOff + 4L * i, readFloat(srcType, src, srcOff, i));
                }
            }
            case F16 -> {
                // ggml converts activations to f16 (round to nearest even); keep them as the f32 they stand for
                for (int i = 0; i < k; i++) {
                    float v = Fp16.f16ToF32(Fp16.f32ToF16(readFloat(srcType, src, srcOff, i)));
                    dst.set(F32, dstOff + 4L * i, v);
                }
            }
            case BF16 -> {
                for (int i = 0; i < k; i++) {
                    float v = Fp16.bf16ToF32(Fp16.f32ToBf16(readFloat(srcType, src, srcOff, i)));
                    dst.set(F32, dstOff + 4L * i, v);
                }
            }
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0 -> {
                if (srcType != GgmlType.F32) {
                    throw new UnsupportedTypeException("matrix product with " + wtype + " weights needs f32 "
                            + "activations, got " + srcType);
                }
                quant.fromFloatCpu(QuantKernels.dotType(wtype), src, srcOff, dst, dstOff, k);
            }
            case I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException("matrix products do not support weights of type " + wtype);
        }
    }

    /** Element {@code i} of an f32, f16 or bf16 row, as a float. */
    static float readFloat(GgmlType type, MemorySegment s, long off, int i) {
        return switch (type) {
            case F32 -> s.get(F32, off + 4L * i);
            case F16 -> Fp16.f16ToF32(s.get(I16, off + 2L * i));
            case BF16 -> Fp16.bf16ToF32(s.get(I16, off + 2L * i));
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0, I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4,
                 Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException("matrix product activations must be f32, f16 or bf16, got "
                            + type);
        };
    }

    @Override
    public void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
                     MemorySegment b, long bOff, long bStride, int cols,
                     MemorySegment dst, long dOff, long dStride) {
        for (int j = 0; j < cols; j++) {
            long bj = bOff + j * bStride;
            for (int i = 0; i < rows; i++) {
                dst.set(F32, dOff + 4L * i + j * dStride, dot(wtype, k, a, aOff + i * aStride, b, bj));
            }
        }
    }

    /** One output: weight row {@code a} (k elements of {@code wtype}) times prepared activation row {@code b}. */
    private float dot(GgmlType wtype, int k, MemorySegment a, long aOff, MemorySegment b, long bOff) {
        return switch (wtype) {
            case F32, F16, BF16 -> {
                double sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += (double) readFloat(wtype, a, aOff, i) * b.get(F32, bOff + 4L * i);
                }
                yield (float) sum;
            }
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
                 IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0 -> quant.vecDot(wtype, k, a, aOff, b, bOff);
            case I8, I16, I32, I64, F64, Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException("matrix products do not support weights of type " + wtype);
        };
    }

    @Override
    public void axpy(int n, float s, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        for (int i = 0; i < n; i++) {
            long o = yOff + 4L * i;
            y.set(F32, o, y.get(F32, o) + s * x.get(F32, xOff + 4L * i));
        }
    }
}
