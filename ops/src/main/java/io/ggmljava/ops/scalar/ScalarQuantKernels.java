package io.ggmljava.ops.scalar;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.scalar.quant.BlockFormat;
import io.ggmljava.ops.scalar.quant.Blocks;
import io.ggmljava.ops.scalar.quant.Q8Quants;
import java.lang.foreign.MemorySegment;

/**
 * Plain-loop reference implementation of {@link QuantKernels}: written to be read; the oracle for fast paths.
 *
 * <p>The per-type code lives in {@code io.ggmljava.ops.scalar.quant} (one class per type family, each with its
 * block layout in the class doc); this class validates arguments, moves rows between segments and arrays, and
 * dispatches. f32, f16 and bf16 are handled here: f16 and bf16 round to nearest even ({@link Fp16}).
 *
 * <p>Types: q4_0 q4_1 q5_0 q5_1 q8_0 q8_1 q2_K q3_K q4_K q5_K q6_K q8_K iq4_nl, f16, bf16 (and f32 as a copy).
 * Every quantizer is bit-exact with ggml's ({@code quantize_row_*_ref}, {@code ggml_quantize_chunk} with and
 * without importance matrix, and the CPU backend's activation converters); dequantization is bit-exact with
 * {@code dequantize_row_*}; dot products equal ggml's up to float reassociation. (ggml builds its quantizers in
 * {@code ggml-base} without {@code -march}, so without FMA contraction; the Java code repeats its f32 operations in
 * C's order, which is what makes the searches land on the same levels.) {@code ggml_quantize_chunk} rejects q8_1 and
 * q8_K; here {@link #quantizeChunk} quantizes them with the reference quantizer.
 */
public final class ScalarQuantKernels implements QuantKernels {
    public static final ScalarQuantKernels INSTANCE = new ScalarQuantKernels();

    /** Elements converted per pass; a multiple of every block size, so rows are streamed through small arrays. */
    private static final int CHUNK = 8192;

    private ScalarQuantKernels() {
    }

    /** How rows of a type are converted. */
    private enum Kind { FLOAT, BLOCKS }

    /** The single classification of types: plain float rows, ggml blocks, or unsupported. */
    private static Kind kind(String what, GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> Kind.FLOAT;
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ4_NL -> Kind.BLOCKS;
            case I8, I16, I32, I64, F64, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0,
                 Q4_2, Q4_3, Q4_0_4_4, Q4_0_4_8, Q4_0_8_8, IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 ->
                    throw new UnsupportedTypeException(what + ": type " + type + " is not supported (supported: f32 f16"
                            + " bf16 q4_0 q4_1 q5_0 q5_1 q8_0 q8_1 q2_K q3_K q4_K q5_K q6_K q8_K iq4_nl)");
        };
    }

    private static Kind checkRow(String what, GgmlType type, long n) {
        Kind k = kind(what, type);
        if (n < 0 || n % type.blockSize() != 0) {
            throw new IllegalArgumentException(what + "(" + type + "): n (" + n
                    + ") must be a non-negative multiple of the block size (" + type.blockSize() + ")");
        }
        return k;
    }

    @Override
    public void quantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        switch (checkRow("quantizeRow", type, n)) {
            case FLOAT -> floatRow(type, src, srcOff, dst, dstOff, n);
            case BLOCKS -> {
                BlockFormat f = BlockFormat.of(type);
                float[] x = new float[(int) Math.min(n, CHUNK)];
                for (long done = 0; done < n; done += x.length) {
                    int len = (int) Math.min(x.length, n - done);
                    Blocks.readFloats(src, srcOff + 4 * done, x, len);
                    f.quantizeRef(x, 0, len / f.blockSize(), dst, dstOff + type.rowSize(done));
                }
            }
        }
    }

    @Override
    public void quantizeChunk(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                              long nrows, long nPerRow, float[] imatrix) {
        Kind kind = checkRow("quantizeChunk", type, nPerRow);
        if (nrows < 0) {
            throw new IllegalArgumentException("quantizeChunk(" + type + "): nrows (" + nrows + ") is negative");
        }
        if (imatrix != null && imatrix.length < nPerRow) {
            throw new IllegalArgumentException("quantizeChunk(" + type + "): imatrix has " + imatrix.length
                    + " weights, a row has " + nPerRow + " values");
        }
        switch (kind) {
            case FLOAT -> floatRow(type, src, srcOff, dst, dstOff, Math.multiplyExact(nrows, nPerRow));
            case BLOCKS -> {
                BlockFormat f = BlockFormat.of(type);
                if (nPerRow > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("quantizeChunk(" + type + "): row of " + nPerRow
                            + " values is too long");
                }
                // whole rows: the importance-matrix paths use row statistics
                float[] x = new float[(int) nPerRow];
                long rowBytes = type.rowSize(nPerRow);
                for (long r = 0; r < nrows; r++) {
                    Blocks.readFloats(src, srcOff + 4 * r * nPerRow, x, x.length);
                    f.quantizeChunkRow(x, 0, x.length, imatrix, dst, dstOff + r * rowBytes);
                }
            }
        }
    }

    @Override
    public void dequantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        switch (checkRow("dequantizeRow", type, n)) {
            case FLOAT -> {
                for (long i = 0; i < n; i++) {
                    Blocks.putF32(dst, dstOff + 4 * i, readFloat(type, src, srcOff, i));
                }
            }
            case BLOCKS -> {
                BlockFormat f = BlockFormat.of(type);
                int bs = f.blockSize();
                float[] y = new float[(int) Math.min(n, CHUNK)];
                for (long done = 0; done < n; done += y.length) {
                    int len = (int) Math.min(y.length, n - done);
                    long blockOff = srcOff + type.rowSize(done);
                    for (int b = 0; b < len / bs; b++) {
                        f.dequantizeBlock(src, blockOff + (long) b * f.blockBytes(), y, b * bs);
                    }
                    Blocks.writeFloats(y, len, dst, dstOff + 4 * done);
                }
            }
        }
    }

    @Override
    public void fromFloatCpu(GgmlType dotType, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                             long n) {
        checkRow("fromFloatCpu", dotType, n);
        if (dotType == GgmlType.Q8_0 || dotType == GgmlType.Q8_1 || dotType == GgmlType.Q8_K) {
            float[] x = new float[(int) Math.min(n, CHUNK)];
            for (long done = 0; done < n; done += x.length) {
                int len = (int) Math.min(x.length, n - done);
                Blocks.readFloats(src, srcOff + 4 * done, x, len);
                Q8Quants.quantizeCpu(dotType, x, 0, len / dotType.blockSize(), dst, dstOff + dotType.rowSize(done));
            }
        } else {
            // f16/bf16 activations go through ggml's plain conversions; other types' from_float is the reference
            quantizeRow(dotType, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public float vecDot(GgmlType type, long n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        return switch (checkRow("vecDot", type, n)) {
            case FLOAT -> {
                // x and y are both of this type; the products of f16/bf16 values are exact in f32, and a double
                // sum stays within float reassociation of ggml's f32 SIMD accumulators
                double sum = 0;
                for (long i = 0; i < n; i++) {
                    sum += (double) readFloat(type, x, xOff, i) * readFloat(type, y, yOff, i);
                }
                yield (float) sum;
            }
            case BLOCKS -> {
                BlockFormat f = BlockFormat.of(type);
                long nb = n / f.blockSize();
                if (nb > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("vecDot(" + type + "): n (" + n + ") is too large");
                }
                yield f.dot((int) nb, x, xOff, y, yOff);
            }
        };
    }

    /** Element {@code i} of an f32, f16 or bf16 row, as f32. */
    private static float readFloat(GgmlType type, MemorySegment s, long off, long i) {
        if (type == GgmlType.F32) {
            return Blocks.f32(s, off + 4 * i);
        }
        short h = (short) Blocks.i16(s, off + 2 * i);
        return type == GgmlType.F16 ? Fp16.f16ToF32(h) : Fp16.bf16ToF32(h);
    }

    /** f32 to f32/f16/bf16, element by element (round to nearest even). */
    private static void floatRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                                 long n) {
        if (type == GgmlType.F32) {
            MemorySegment.copy(src, srcOff, dst, dstOff, 4 * n);
            return;
        }
        boolean f16 = type == GgmlType.F16;
        for (long i = 0; i < n; i++) {
            float v = Blocks.f32(src, srcOff + 4 * i);
            Blocks.put16(dst, dstOff + 2 * i, f16 ? Fp16.f32ToF16(v) : Fp16.f32ToBf16(v));
        }
    }
}
