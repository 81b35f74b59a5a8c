package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.CopyKernels;
import io.ggmljava.ops.scalar.ScalarCopyKernels;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link CopyKernels} (a template: see {@link Specialized}; one copy per width).
 *
 * <p>Contiguous rows of the common conversions (f32 to and from f16 and bf16) are converted with integer operations
 * on the bit patterns, bit for bit as the scalar kernels (f16: nearest even, subnormals kept, NaN quieted with its
 * high payload bits; bf16: ggml's rounding); same-type contiguous copies are bulk copies; strided rows and the other
 * types use the scalar code.
 */
final class VectorCopyKernels implements CopyKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final int L = F.length();
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final ScalarCopyKernels SCALAR = ScalarCopyKernels.INSTANCE;

    VectorCopyKernels() {
    }

    @Override
    public void convert(GgmlType from, MemorySegment src, long srcOff, long srcStride, GgmlType to, MemorySegment dst,
                        long dstOff, long dstStride, int n) {
        long fs = from.typeSize();
        long ts = to.typeSize();
        if (n < 2 * L || srcStride != fs || dstStride != ts || from == to) {
            SCALAR.convert(from, src, srcOff, srcStride, to, dst, dstOff, dstStride, n);
            return;
        }
        int i = 0;
        int bound = F.loopBound(n);
        // conversions written out in each loop on purpose: a helper taking or returning vectors is compiled on its
        // own once hot, then too big to inline, and every call would box its vectors
        if (from == GgmlType.F32 && to == GgmlType.F16) {
            for (; i < bound; i += L) {
                // nearest even; subnormal halves via the 0.5f trick; overflow to inf; NaN keeps its high payload bits
                IntVector w = FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE).reinterpretAsInts();
                IntVector a = w.and(0x7fffffff);
                IntVector odd = a.lanewise(VectorOperators.LSHR, 13).and(1);
                IntVector h = a.add(0xC8000FFF).add(odd).lanewise(VectorOperators.LSHR, 13);
                IntVector sub = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F000000);
                h = h.blend(sub, a.compare(VectorOperators.LT, 0x38800000));
                h = h.blend(0x7c00, a.compare(VectorOperators.GE, 0x477FF000));
                IntVector nan = a.lanewise(VectorOperators.LSHR, 13).and(0x3ff).or(0x7e00);
                h = h.blend(nan, a.compare(VectorOperators.GT, 0x7f800000));
                h = h.or(w.lanewise(VectorOperators.LSHR, 16).and(0x8000));
                ((ShortVector) h.convertShape(VectorOperators.I2S, S, 0)).intoMemorySegment(dst, dstOff + 2L * i, LE);
            }
        } else if (from == GgmlType.F16 && to == GgmlType.F32) {
            for (; i < bound; i += L) {
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, srcOff + 2L * i, LE)
                        .convertShape(VectorOperators.S2I, I, 0);
                IntVector em = h.and(0x7FFF);
                IntVector bits = em.lanewise(VectorOperators.LSHL, 13);
                // exponent and mantissa in place; times 2^112 rebiases and normalises subnormals exactly
                IntVector r = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
                r = r.blend(bits.or(0x7F800000), em.compare(VectorOperators.EQ, 0x7C00));
                r = r.blend(bits.or(0x7FC00000), em.compare(VectorOperators.GT, 0x7C00));
                r.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
                        .intoMemorySegment(dst, dstOff + 4L * i, LE);
            }
        } else if (from == GgmlType.F32 && to == GgmlType.BF16) {
            for (; i < bound; i += L) {
                // ggml's rounding: nearest even; NaN truncated and quieted
                IntVector u = FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE).reinterpretAsInts();
                IntVector hi = u.lanewise(VectorOperators.LSHR, 16);
                IntVector r = u.add(hi.and(1)).add(0x7fff).lanewise(VectorOperators.LSHR, 16);
                r = r.blend(hi.or(64), u.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000));
                ((ShortVector) r.convertShape(VectorOperators.I2S, S, 0)).intoMemorySegment(dst, dstOff + 2L * i, LE);
            }
        } else if (from == GgmlType.BF16 && to == GgmlType.F32) {
            for (; i < bound; i += L) {
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, srcOff + 2L * i, LE)
                        .convertShape(VectorOperators.S2I, I, 0);
                h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(dst, dstOff + 4L * i, LE);
            }
        }
        if (i < n) {
            SCALAR.convert(from, src, srcOff + fs * i, srcStride, to, dst, dstOff + ts * i, dstStride, n - i);
        }
    }

    @Override
    public void fill(GgmlType type, MemorySegment dst, long off, long stride, int n, float value) {
        if (type != GgmlType.F32 || stride != 4 || n < 2 * L) {
            SCALAR.fill(type, dst, off, stride, n, value);
            return;
        }
        FloatVector v = FloatVector.broadcast(F, value);
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += L) {
            v.intoMemorySegment(dst, off + 4L * i, LE);
        }
        SCALAR.fill(type, dst, off + 4L * i, stride, n - i, value);
    }
}
