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
 * f16 loads and stores for float vectors: {@link #load} widens one vector's worth of halves to floats, {@link #store}
 * rounds floats to halves (nearest, ties to even, subnormals kept, overflow to infinity, NaN to {@code 0x7E00} with
 * the sign kept), bit for bit as {@link io.ggmljava.core.Fp16}. The Vector API has no half-precision conversion, so
 * both are done with integer operations on the bit patterns and one exact float product.
 *
 * <p>Static helpers: callers pass their {@code static final} species ({@link #shorts}, {@link #ints} of their float
 * species), so that after inlining every species is a constant (see {@link Specialized}).
 */
final class HalfVectors {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private HalfVectors() {
    }

    /** The short species with one lane per lane of {@code fs} (half the bits). */
    static VectorSpecies<Short> shorts(VectorSpecies<Float> fs) {
        return VectorSpecies.of(short.class, VectorShape.forBitSize(fs.vectorBitSize() / 2));
    }

    /** The int species of the same shape as {@code fs}. */
    static VectorSpecies<Integer> ints(VectorSpecies<Float> fs) {
        return VectorSpecies.of(int.class, fs.vectorShape());
    }

    /** {@code hs.length()} f16 values at byte {@code off}, as floats. */
    static FloatVector load(VectorSpecies<Short> hs, VectorSpecies<Integer> is, MemorySegment seg, long off) {
        // the body of widen, repeated: every call level counts against C2's inlining depth (MaxInlineLevel), and
        // the Vector API's own calls use most of it; a level too deep leaves an operation unvectorized
        ShortVector h = ShortVector.fromMemorySegment(hs, seg, off, LE);
        IntVector bits = (IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, is, 0);
        IntVector em = bits.and(0x7fff);
        IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
        IntVector r = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        r = r.blend(shifted.or(0x7f800000), em.compare(VectorOperators.GE, 0x7c00));
        return r.or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Widens f16 bit patterns (in the low 16 bits of each int lane) to floats. NaN payloads are kept as they are
     * (a signaling f16 NaN stays signaling, where {@code Float.float16ToFloat} would quiet it).
     */
    static FloatVector widen(IntVector bits) {
        IntVector em = bits.and(0x7fff);
        IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
        // exponent and mantissa in place; times 2^112 rebiases the exponent (and normalizes subnormals exactly)
        IntVector r = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        // infinity and NaN: all-ones exponent
        r = r.blend(shifted.or(0x7f800000), em.compare(VectorOperators.GE, 0x7c00));
        return r.or(bits.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Rounds floats to the nearest f16 value (ties to even), kept as floats: {@code widen(narrow(v))}, but for lanes
     * in the f16 normal range (and zeros) done in place on the float's bits, which is all a well-scaled
     * accumulator ever needs; other lanes (f16 subnormals, overflow, infinities, NaN) take the full round trip.
     */
    static FloatVector roundHalf(FloatVector v) {
        IntVector w = v.reinterpretAsInts();
        IntVector a = w.and(0x7fffffff);
        // keep 10 mantissa bits: add half an ulp minus one, plus the kept lowest bit (ties to even), truncate
        IntVector r = w.add(0xfff).add(w.lanewise(VectorOperators.LSHR, 13).and(1)).and(0xffffe000);
        VectorMask<Integer> outside = a.sub(1).compare(VectorOperators.ULT, 0x387fffff)
                .or(a.compare(VectorOperators.GE, 0x477ff000));
        if (outside.anyTrue()) {
            r = r.blend(widen(narrow(v)).reinterpretAsInts(), outside);
        }
        return r.reinterpretAsFloats();
    }

    /** Stores {@code v} as {@code hs.length()} f16 values at byte {@code off}. */
    static void store(VectorSpecies<Short> hs, FloatVector v, MemorySegment seg, long off) {
        // the body of narrow, repeated (see load)
        IntVector w = v.reinterpretAsInts();
        IntVector a = w.and(0x7fffffff);
        IntVector normal = a.add(0xC8000FFF).add(a.lanewise(VectorOperators.LSHR, 13).and(1))
                .lanewise(VectorOperators.LSHR, 13);
        IntVector sub = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F000000);
        IntVector r = normal.blend(sub, a.compare(VectorOperators.LT, 0x38800000));
        r = r.blend(0x7c00, a.compare(VectorOperators.GE, 0x477FF000));
        r = r.blend(0x7e00, a.compare(VectorOperators.GT, 0x7f800000));
        r = r.or(w.lanewise(VectorOperators.LSHR, 16).and(0x8000));
        ((ShortVector) r.convertShape(VectorOperators.I2S, hs, 0)).intoMemorySegment(seg, off, LE);
    }

    /** Rounds floats to f16 bit patterns (in the low 16 bits of each int lane). */
    static IntVector narrow(FloatVector v) {
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
