package io.ggmljava.core.vector;

import io.ggmljava.core.Fp16Bulk;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API f16/bf16 conversions. The Vector API has no half-float conversion operator, so each lane does the
 * conversion with integer and float operations whose results equal {@link io.ggmljava.core.Fp16}'s, bit for bit.
 * Loaded by name from {@link Fp16Bulk#vector(int)} only when {@code jdk.incubator.vector} is present.
 *
 * <p>Why a hidden copy per width: C2 compiles Vector API calls to SIMD instructions only when the species is a
 * constant ({@code static final}); a species in an instance field or a parameter makes every operation a boxed
 * fallback, 30 to 100 times slower (measured). Tests need all widths in one JVM, so {@link #create} defines a hidden
 * class from this class's own bytes with the width as class data, and the static initializer below reads it into the
 * {@code static final} species. This class must therefore stay free of lambdas and nested classes.
 */
public final class VectorFp16Bulk implements Fp16Bulk {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BITS = widthOf(MethodHandles.lookup());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(BITS / 2));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(BITS));
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(BITS));
    private static final ConcurrentHashMap<Integer, Fp16Bulk> BY_WIDTH = new ConcurrentHashMap<>();

    /** Instances come from {@link #create}. */
    public VectorFp16Bulk() {
    }

    /** The width this copy was defined with, or the machine's preferred width for the template itself. */
    private static int widthOf(MethodHandles.Lookup self) {
        try {
            Integer bits = MethodHandles.classData(self, "_", Integer.class);
            return bits != null ? bits : IntVector.SPECIES_PREFERRED.vectorBitSize();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A converter using {@code bits}-bit vectors; fails if the machine's vectors are narrower. */
    public static Fp16Bulk create(int bits) {
        int max = IntVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits > max || bits < 128) {
            throw new UnsupportedOperationException("this machine's vectors are " + max + " bits, " + bits
                    + " were asked for");
        }
        Fp16Bulk b = BY_WIDTH.get(bits);
        if (b == null) {
            b = define(bits);
            Fp16Bulk raced = BY_WIDTH.putIfAbsent(bits, b);
            b = raced != null ? raced : b;
        }
        return b;
    }

    private static Fp16Bulk define(int bits) {
        byte[] bytes;
        try (InputStream in = VectorFp16Bulk.class.getResourceAsStream("VectorFp16Bulk.class")) {
            if (in == null) {
                throw new IllegalStateException("VectorFp16Bulk.class is not readable");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read VectorFp16Bulk.class", e);
        }
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, bits, true);
            return (Fp16Bulk) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + bits + "-bit f16 converter", e);
        }
    }

    @Override
    public String name() {
        return "vector-" + BITS;
    }

    /** L halves zero-extended to ints. */
    private static IntVector loadHalves(MemorySegment src, long off) {
        ShortVector h = ShortVector.fromMemorySegment(S, src, off, LE);
        return (IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, I, 0);
    }

    /** Stores the low 16 bits of L ints. */
    private static void storeHalves(IntVector v, MemorySegment dst, long off) {
        ((ShortVector) v.convertShape(VectorOperators.I2S, S, 0)).intoMemorySegment(dst, off, LE);
    }

    // src: n halves, dst: n floats
    @Override
    public void f16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        int lanes = I.length();
        long i = 0;
        for (; i + lanes <= n; i += lanes) {
            IntVector h = loadHalves(src, srcOffset + 2 * i);
            IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
            IntVector em = h.and(0x7FFF);                       // exponent and mantissa
            IntVector shifted = em.lanewise(VectorOperators.LSHL, 13);
            // normal halves: fields moved into place, exponent rebiased (15 -> 127)
            IntVector bits = shifted.add(112 << 23);
            // exponent 31: infinities keep a zero mantissa, NaNs become quiet (as x86's vcvtph2ps makes them)
            bits = bits.blend(shifted.or(0x7F800000), em.compare(VectorOperators.GE, 0x7C00));
            bits = bits.blend(shifted.or(0x7FC00000), em.compare(VectorOperators.GT, 0x7C00));
            // subnormals and zeros: the value is em * 2^-24 exactly
            IntVector sub = ((FloatVector) em.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-24f)
                    .reinterpretAsInts();
            bits = bits.blend(sub, em.compare(VectorOperators.LT, 0x0400)).or(sign);
            bits.intoMemorySegment(dst, dstOffset + 4 * i, LE);
        }
        if (i < n) {
            Fp16Bulk.scalar().f16ToF32(src, srcOffset + 2 * i, dst, dstOffset + 4 * i, n - i);
        }
    }

    // src: n floats, dst: n halves
    @Override
    public void f32ToF16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        int lanes = I.length();
        long i = 0;
        for (; i + lanes <= n; i += lanes) {
            IntVector u = IntVector.fromMemorySegment(I, src, srcOffset + 4 * i, LE);
            IntVector sign = u.lanewise(VectorOperators.LSHR, 16).and(0x8000);
            IntVector a = u.and(0x7FFFFFFF);                    // |f| as bits
            // normal results: round the 23-bit mantissa to 10 bits, ties to even (a carry may bump the exponent),
            // then rebias the exponent (127 -> 15)
            IntVector odd = a.lanewise(VectorOperators.LSHR, 13).and(1);
            IntVector h = a.add(0x0FFF).add(odd).lanewise(VectorOperators.LSHR, 13).sub(112 << 10);
            // |f| < 2^-14 gives a subnormal half: adding 0.5f rounds |f| to a multiple of 2^-24 (the half's ulp)
            // with the FPU's ties-to-even; the low bits of the sum are then the half's mantissa (0x400 if it
            // rounded up to the smallest normal, which is also right)
            IntVector sub = a.reinterpretAsFloats().add(0.5f).reinterpretAsInts().sub(0x3F000000);
            h = h.blend(sub, a.compare(VectorOperators.LT, 0x38800000));
            // |f| >= 65520 rounds to infinity; infinities stay; NaN becomes 0x7E00
            h = h.blend(0x7C00, a.compare(VectorOperators.GE, 0x477FF000));
            h = h.blend(0x7E00, a.compare(VectorOperators.GT, 0x7F800000));
            storeHalves(h.or(sign), dst, dstOffset + 2 * i);
        }
        if (i < n) {
            Fp16Bulk.scalar().f32ToF16(src, srcOffset + 4 * i, dst, dstOffset + 2 * i, n - i);
        }
    }

    // src: n bf16, dst: n floats
    @Override
    public void bf16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        int lanes = I.length();
        long i = 0;
        for (; i + lanes <= n; i += lanes) {
            loadHalves(src, srcOffset + 2 * i).lanewise(VectorOperators.LSHL, 16)
                    .intoMemorySegment(dst, dstOffset + 4 * i, LE);
        }
        if (i < n) {
            Fp16Bulk.scalar().bf16ToF32(src, srcOffset + 2 * i, dst, dstOffset + 4 * i, n - i);
        }
    }

    // src: n floats, dst: n bf16
    @Override
    public void f32ToBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        int lanes = I.length();
        long i = 0;
        for (; i + lanes <= n; i += lanes) {
            IntVector u = IntVector.fromMemorySegment(I, src, srcOffset + 4 * i, LE);
            IntVector upper = u.lanewise(VectorOperators.LSHR, 16);
            // round to nearest even on the upper half; NaN: keep the upper half and set the quiet bit
            IntVector rounded = u.add(0x7FFF).add(upper.and(1)).lanewise(VectorOperators.LSHR, 16);
            VectorMask<Integer> nan = u.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
            storeHalves(rounded.blend(upper.or(64), nan), dst, dstOffset + 2 * i);
        }
        if (i < n) {
            Fp16Bulk.scalar().f32ToBf16(src, srcOffset + 4 * i, dst, dstOffset + 2 * i, n - i);
        }
    }
}
