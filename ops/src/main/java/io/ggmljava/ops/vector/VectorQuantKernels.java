package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.scalar.ScalarQuantKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link QuantKernels}; below about two vectors of work it uses the scalar code.
 *
 * <p>Fast paths: f16 and bf16 rows both ways; dequantization of q8_0, q4_0, q4_K and q6_K; the CPU activation
 * converters to q8_0 and q8_K ({@link #fromFloatCpu}). Everything else (the reference quantizers, which are searches,
 * the other types, and {@link #vecDot}, whose fast forms live with the matmul kernels) delegates to
 * {@link ScalarQuantKernels}. Results are bit-identical to the scalar reference.
 */
final class VectorQuantKernels implements QuantKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final QuantKernels SCALAR = ScalarQuantKernels.INSTANCE;

    private final VectorSpecies<Float> fs;
    private final VectorSpecies<Integer> is;
    private final VectorSpecies<Short> ss;
    private final int lanes;
    private final VectorQuantBlocks blocks;

    VectorQuantKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
        this.lanes = fs.length();
        this.is = VectorSpecies.of(int.class, fs.vectorShape());
        this.ss = VectorSpecies.of(short.class, VectorShape.forBitSize(fs.vectorBitSize() / 2));
        this.blocks = new VectorQuantBlocks(fs);
    }

    /** True when the vector path applies: a valid row long enough to be worth it. */
    private boolean vectorWorthIt(GgmlType type, long n) {
        return n >= 2L * Math.max(lanes, type.blockSize()) && n % type.blockSize() == 0;
    }

    @Override
    public void quantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        if ((type == GgmlType.F16 || type == GgmlType.BF16) && vectorWorthIt(type, n)) {
            fromF32(type == GgmlType.F16, src, srcOff, dst, dstOff, n);
        } else {
            SCALAR.quantizeRow(type, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public void quantizeChunk(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                              long nrows, long nPerRow, float[] imatrix) {
        if ((type == GgmlType.F16 || type == GgmlType.BF16) && nrows >= 0 && nPerRow >= 0
                && vectorWorthIt(type, nrows * nPerRow)) {
            fromF32(type == GgmlType.F16, src, srcOff, dst, dstOff, nrows * nPerRow);
        } else {
            SCALAR.quantizeChunk(type, src, srcOff, dst, dstOff, nrows, nPerRow, imatrix);
        }
    }

    @Override
    public void dequantizeRow(GgmlType type, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        if (!vectorWorthIt(type, n)) {
            SCALAR.dequantizeRow(type, src, srcOff, dst, dstOff, n);
            return;
        }
        long nb = n / type.blockSize();
        switch (type) {
            case F16 -> f16ToF32(src, srcOff, dst, dstOff, n);
            case BF16 -> bf16ToF32(src, srcOff, dst, dstOff, n);
            case Q8_0 -> blocks.dequantizeQ8_0(nb, src, srcOff, dst, dstOff);
            case Q4_0 -> blocks.dequantizeQ4_0(nb, src, srcOff, dst, dstOff);
            case Q4_K -> blocks.dequantizeQ4_K(nb, src, srcOff, dst, dstOff);
            case Q6_K -> blocks.dequantizeQ6_K(nb, src, srcOff, dst, dstOff);
            default -> SCALAR.dequantizeRow(type, src, srcOff, dst, dstOff, n); // scalar for the rest, by design
        }
    }

    @Override
    public void fromFloatCpu(GgmlType dotType, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                             long n) {
        if (!vectorWorthIt(dotType, n)) {
            SCALAR.fromFloatCpu(dotType, src, srcOff, dst, dstOff, n);
            return;
        }
        long nb = n / dotType.blockSize();
        switch (dotType) {
            case F16 -> fromF32(true, src, srcOff, dst, dstOff, n);
            case BF16 -> fromF32(false, src, srcOff, dst, dstOff, n);
            case Q8_0 -> blocks.fromFloatQ8_0(nb, src, srcOff, dst, dstOff);
            case Q8_K -> blocks.fromFloatQ8_K(nb, src, srcOff, dst, dstOff);
            default -> SCALAR.fromFloatCpu(dotType, src, srcOff, dst, dstOff, n); // scalar for the rest, by design
        }
    }

    @Override
    public float vecDot(GgmlType type, long n, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        return SCALAR.vecDot(type, n, x, xOff, y, yOff);
    }

    // ---- f16 / bf16 rows: n elements, loop to loopBound, scalar tail

    /** f32 to f16 (ggml's branch-free rounding: nearest even, NaN -> 0x7E00 | sign) or to bf16. */
    private void fromF32(boolean f16, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        long bound = n - n % lanes;
        long i = 0;
        for (; i < bound; i += lanes) {
            FloatVector f = FloatVector.fromMemorySegment(fs, src, srcOff + 4 * i, LE);
            IntVector h = f16 ? toF16Bits(f) : toBf16Bits(f);
            ((ShortVector) h.convertShape(VectorOperators.I2S, ss, 0)).intoMemorySegment(dst, dstOff + 2 * i, LE);
        }
        if (i < n) {
            SCALAR.quantizeRow(f16 ? GgmlType.F16 : GgmlType.BF16, src, srcOff + 4 * i, dst, dstOff + 2 * i, n - i);
        }
    }

    /**
     * f32 to f16 bits in the low half of each lane. The magnitude is scaled so that the f32 adder does the
     * rounding (to nearest even, subnormals included, overflow to infinity); NaN becomes {@code 0x7E00}.
     */
    private IntVector toF16Bits(FloatVector f) {
        IntVector w = (IntVector) f.convert(VectorOperators.REINTERPRET_F2I, 0);
        FloatVector base = f.abs().mul(0x1.0p+112f).mul(0x1.0p-110f);
        IntVector shl1W = w.add(w);
        IntVector sign = w.and(0x80000000);
        IntVector bias = shl1W.and(0xFF000000);
        bias = bias.blend(IntVector.broadcast(is, 0x71000000), bias.compare(VectorOperators.ULT, 0x71000000));
        FloatVector biasF = (FloatVector) bias.lanewise(VectorOperators.LSHR, 1).add(0x07800000)
                .convert(VectorOperators.REINTERPRET_I2F, 0);
        IntVector bits = (IntVector) biasF.add(base).convert(VectorOperators.REINTERPRET_F2I, 0);
        IntVector expBits = bits.lanewise(VectorOperators.LSHR, 13).and(0x7C00);
        IntVector mantBits = bits.and(0x0FFF);
        IntVector nonsign = expBits.add(mantBits);
        VectorMask<Integer> nan = shl1W.compare(VectorOperators.UGT, 0xFF000000);
        return sign.lanewise(VectorOperators.LSHR, 16).or(nonsign.blend(0x7E00, nan));
    }

    /** f32 to bf16 bits: round to nearest even; NaN truncated and quieted (bit 6 of the upper half set). */
    private IntVector toBf16Bits(FloatVector f) {
        IntVector u = (IntVector) f.convert(VectorOperators.REINTERPRET_F2I, 0);
        IntVector rounded = u.add(u.lanewise(VectorOperators.LSHR, 16).and(1).add(0x7fff))
                .lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = u.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
        return rounded.blend(u.lanewise(VectorOperators.LSHR, 16).or(64), nan);
    }

    /** f16 to f32, exact; NaN payloads are kept (shifted), as {@link Float#float16ToFloat} does. */
    private void f16ToF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        long bound = n - n % lanes;
        long i = 0;
        for (; i < bound; i += lanes) {
            ShortVector s = ShortVector.fromMemorySegment(ss, src, srcOff + 2 * i, LE);
            IntVector h = (IntVector) s.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            IntVector em = h.and(0x7FFF);
            // normal numbers: rebias the exponent (15 -> 127); inf/NaN: all-ones exponent, mantissa shifted
            IntVector normal = em.lanewise(VectorOperators.LSHL, 13).add((127 - 15) << 23);
            IntVector special = em.and(0x3FF).lanewise(VectorOperators.LSHL, 13).or(0x7F800000);
            // subnormals and zero: em * 2^-24 is exact in f32
            IntVector sub = (IntVector) ((FloatVector) em.convert(VectorOperators.I2F, 0)).mul(0x1.0p-24f)
                    .convert(VectorOperators.REINTERPRET_F2I, 0);
            IntVector mag = normal.blend(special, em.compare(VectorOperators.GE, 0x7C00))
                    .blend(sub, em.compare(VectorOperators.LT, 0x0400));
            ((FloatVector) sign.or(mag).convert(VectorOperators.REINTERPRET_I2F, 0))
                    .intoMemorySegment(dst, dstOff + 4 * i, LE);
        }
        if (i < n) {
            SCALAR.dequantizeRow(GgmlType.F16, src, srcOff + 2 * i, dst, dstOff + 4 * i, n - i);
        }
    }

    /** bf16 to f32: the 16 bits become the upper half. */
    private void bf16ToF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        long bound = n - n % lanes;
        long i = 0;
        for (; i < bound; i += lanes) {
            ShortVector s = ShortVector.fromMemorySegment(ss, src, srcOff + 2 * i, LE);
            IntVector h = (IntVector) s.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0);
            ((FloatVector) h.lanewise(VectorOperators.LSHL, 16).convert(VectorOperators.REINTERPRET_I2F, 0))
                    .intoMemorySegment(dst, dstOff + 4 * i, LE);
        }
        if (i < n) {
            SCALAR.dequantizeRow(GgmlType.BF16, src, srcOff + 2 * i, dst, dstOff + 4 * i, n - i);
        }
    }
}
