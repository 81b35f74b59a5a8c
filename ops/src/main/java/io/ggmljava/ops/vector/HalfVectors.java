package io.ggmljava.ops.vector;

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
 * f16 loads and stores for float vectors: {@link #load} widens {@code fs.length()} halves to floats, {@link #store}
 * rounds floats to halves (nearest, ties to even, subnormals kept, overflow to infinity, NaN to {@code 0x7E00} with
 * the sign kept), bit for bit as {@link io.ggmljava.core.Fp16}. The Vector API has no half-precision conversion, so
 * both are done with integer operations on the bit patterns (no subnormal float arithmetic either).
 */
final class HalfVectors {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    final VectorSpecies<Float> fs;
    final VectorSpecies<Short> hs;
    final VectorSpecies<Integer> is;

    HalfVectors(VectorSpecies<Float> fs) {
        this.fs = fs;
        this.hs = VectorSpecies.of(short.class, VectorShape.forBitSize(fs.vectorBitSize() / 2));
        this.is = VectorSpecies.of(int.class, VectorShape.forBitSize(fs.vectorBitSize()));
    }

    /** {@code fs.length()} f16 values at byte {@code off}, as floats. */
    FloatVector load(MemorySegment seg, long off) {
        ShortVector h = ShortVector.fromMemorySegment(hs, seg, off, LE);
        IntVector bits = (IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0);
        return widen(bits);
    }

    /** Widens f16 bit patterns (in the low 16 bits of each int lane) to floats. */
    FloatVector widen(IntVector bits) {
        IntVector em = bits.and(0x7fff);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // normal numbers: move exponent and mantissa into place and rebias the exponent by 127 - 15
        IntVector normal = em.lanewise(VectorOperators.LSHL, 13).add(112 << 23);
        // subnormals (exponent 0): the value is em * 2^-24 exactly
        IntVector sub = ((FloatVector) em.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
        // infinity and NaN: all-ones exponent, payload kept; NaNs come out quiet, as from vcvtph2ps
        IntVector special = em.lanewise(VectorOperators.LSHL, 13).or(0x7f800000);
        IntVector r = normal.blend(sub, em.compare(VectorOperators.LT, 0x0400));
        r = r.blend(special, em.compare(VectorOperators.GE, 0x7c00));
        r = r.blend(special.or(0x00400000), em.compare(VectorOperators.GT, 0x7c00));
        return r.or(sign).reinterpretAsFloats();
    }

    /** Stores {@code v} as {@code fs.length()} f16 values at byte {@code off}. */
    void store(FloatVector v, MemorySegment seg, long off) {
        IntVector h = narrow(v);
        ((ShortVector) h.convertShape(VectorOperators.I2S, hs, 0)).intoMemorySegment(seg, off, LE);
    }

    /** Rounds floats to f16 bit patterns (in the low 16 bits of each int lane). */
    IntVector narrow(FloatVector v) {
        IntVector w = v.reinterpretAsInts();
        IntVector sign = w.lanewise(VectorOperators.LSHR, 16).and(0x8000);
        IntVector a = w.and(0x7fffffff);
        // normal halves: rebias, add half an ulp minus one plus the kept mantissa's lowest bit (ties to even), shift
        IntVector odd = a.lanewise(VectorOperators.LSHR, 13).and(1);
        IntVector normal = a.add(0xC8000FFF).add(odd).lanewise(VectorOperators.LSHR, 13);
        // subnormal halves: adding 0.5f rounds |v| to a multiple of 2^-24 (nearest even) in the low mantissa bits
        IntVector sub = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F000000);
        VectorMask<Integer> tiny = a.compare(VectorOperators.LT, 0x38800000);
        IntVector r = normal.blend(sub, tiny);
        r = r.blend(0x7c00, a.compare(VectorOperators.GE, 0x477FF000)); // rounds to infinity (or is infinity)
        r = r.blend(0x7e00, a.compare(VectorOperators.GT, 0x7f800000)); // NaN
        return r.or(sign);
    }
}
