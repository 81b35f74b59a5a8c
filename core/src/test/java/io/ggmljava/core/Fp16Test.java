package io.ggmljava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * f16/bf16 conversions against independent references: every one of the 65,536 half values in both directions,
 * and edge floats (every tie between two halves, the values just beside each tie, overflow, subnormals, NaNs).
 * The bulk forms (scalar loops and Vector API at every width) must give the same bits as the scalar functions.
 */
class Fp16Test {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ---- independent references ----

    /** The exact value of half {@code h} (finite), from its fields. */
    static double halfValue(int h) {
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        double v = e == 0 ? m * 0x1p-24 : (1024 + m) * Math.scalb(1.0, e - 25);
        return (h & 0x8000) != 0 ? -v : v;
    }

    /** f16 to f32 bits by definition; NaN gets the quiet bit (x86 vcvtph2ps). */
    static int refF16ToF32Bits(int h) {
        int sign = (h & 0x8000) << 16;
        if ((h & 0x7C00) == 0x7C00) {
            int m = h & 0x3FF;
            return sign | 0x7F800000 | (m == 0 ? 0 : 0x400000 | m << 13);
        }
        return Float.floatToRawIntBits((float) halfValue(h)) | sign; // exact in f32; keeps -0
    }

    /**
     * Nearest half to {@code f}, ties to even, by binary search over the ordered positive halves (a different
     * algorithm from the library's). Values from 65520 up round to infinity, as IEEE says (65520 is the tie between
     * 65504 and 2^16, and 2^16's "mantissa" is even).
     */
    static int refF32ToF16(float f) {
        int sign = Float.floatToRawIntBits(f) >>> 16 & 0x8000;
        if (Float.isNaN(f)) {
            return sign | 0x7E00;
        }
        double a = Math.abs((double) f);
        if (a >= 65520.0) {
            return sign | 0x7C00;
        }
        int lo = 0;
        int hi = 0x7BFF;
        while (lo < hi) { // largest h with value(h) <= a
            int mid = (lo + hi + 1) >>> 1;
            if (halfValue(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int h = lo;
        if (h < 0x7BFF || a > 65504.0) {
            double below = halfValue(h);
            double above = h == 0x7BFF ? 65536.0 : halfValue(h + 1);
            double dBelow = a - below;
            double dAbove = above - a;
            if (dAbove < dBelow || (dAbove == dBelow && (h & 1) == 1)) {
                h = h + 1; // 0x7C00 when rounding above 65504: infinity
            }
        }
        return sign | h;
    }

    /** Nearest bf16 to {@code f} by comparing the two candidates' exact values in double; NaN made quiet. */
    static int refF32ToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (u >>> 16) | 0x40;
        }
        int down = u >>> 16;
        int sign = down & 0x8000;
        int mag = down & 0x7FFF;
        double a = Math.abs((double) f);
        double below = Float.intBitsToFloat(mag << 16);
        double above = mag + 1 == 0x7F80 ? 0x1p128 : Float.intBitsToFloat((mag + 1) << 16);
        if (mag == 0x7F80) { // infinity
            return down;
        }
        double dBelow = a - below;
        double dAbove = above - a;
        if (dAbove < dBelow || (dAbove == dBelow && (mag & 1) == 1)) {
            mag++;
        }
        return sign | mag;
    }

    // ---- scalar, exhaustive over halves ----

    @Test
    void everyHalfToF32MatchesTheDefinition() {
        for (int i = 0; i < 0x10000; i++) {
            int h = i;
            int got = Float.floatToRawIntBits(Fp16.f16ToF32((short) h));
            assertEquals(refF16ToF32Bits(h), got, () -> "f16 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void everyHalfSurvivesF32AndBack() {
        for (int i = 0; i < 0x10000; i++) {
            int h = i;
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            int want = nan ? (h & 0x8000) | 0x7E00 : h;
            int got = Fp16.f32ToF16(Fp16.f16ToF32((short) h)) & 0xFFFF;
            assertEquals(want, got, () -> "f16 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void everyBf16ToF32AndBack() {
        for (int h = 0; h < 0x10000; h++) {
            int bits = Float.floatToRawIntBits(Fp16.bf16ToF32((short) h));
            assertEquals(h << 16, bits, "bf16 0x" + Integer.toHexString(h));
            boolean nan = (h & 0x7F80) == 0x7F80 && (h & 0x7F) != 0;
            int want = nan ? h | 0x40 : h;
            assertEquals(want, Fp16.f32ToBf16(Float.intBitsToFloat(h << 16)) & 0xFFFF,
                    "bf16 0x" + Integer.toHexString(h));
        }
    }

    // ---- edge floats ----

    /** Random floats (uniform bits and Gaussian over many scales) added to the edge floats, in pairs. */
    private static final int RANDOM_PAIRS = 200_000;

    /** Every tie between consecutive halves, its neighbours one f32 ulp away, and named edge values. */
    static float[] edgeFloats() {
        List<Float> l = new ArrayList<>();
        for (int h = 0; h < 0x7BFF; h++) {
            float tie = (float) ((halfValue(h) + halfValue(h + 1)) / 2); // exact in f32
            l.add(tie);
            l.add(Math.nextUp(tie));
            l.add(Math.nextDown(tie));
            l.add((float) halfValue(h));
        }
        float[] named = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-24f, 0x1p-25f, Math.nextUp(0x1p-25f),
            0x1.8p-24f, 0x1p-14f, Math.nextDown(0x1p-14f), 0x1.ff8p-15f /* largest subnormal half */,
            0x1.ffcp-15f /* tie: largest subnormal and smallest normal */, 65504f, 65519f, Math.nextDown(65520f),
            65520f, Math.nextUp(65520f), 65536f, 1e10f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 1f, 1.0009766f,
            Math.nextUp(1f), 2049f, 2051f, 0.1f, 1f / 3, (float) Math.PI};
        for (float f : named) {
            l.add(f);
        }
        int n = l.size();
        for (int i = 0; i < n; i++) {
            l.add(-l.get(i));
        }
        for (int nan : new int[] {0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FA00000, 0xFFFFFFFF, 0x7FC12345}) {
            l.add(Float.intBitsToFloat(nan));
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < RANDOM_PAIRS; i++) {
            l.add(Float.intBitsToFloat(r.nextInt()));
            l.add((float) (r.nextGaussian() * Math.scalb(1.0, r.nextInt(-30, 20))));
        }
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    private static final float[] EDGE = edgeFloats();

    @Test
    void edgeFloatsToF16MatchTheReference() {
        for (float f : EDGE) {
            assertEquals(refF32ToF16(f), Fp16.f32ToF16(f) & 0xFFFF,
                    () -> "f32 " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")");
        }
        // named cases, spelled out
        assertEquals(0x7BFF, Fp16.f32ToF16(65519f) & 0xFFFF, "65519 rounds down to 65504");
        assertEquals(0x7C00, Fp16.f32ToF16(65520f) & 0xFFFF, "65520 is a tie and rounds to even: infinity");
        assertEquals(0x0000, Fp16.f32ToF16(0x1p-25f) & 0xFFFF, "2^-25 is a tie between 0 and 2^-24: to 0");
        assertEquals(0x0002, Fp16.f32ToF16(0x1.8p-24f) & 0xFFFF, "1.5 * 2^-24 ties to even: 2 * 2^-24");
        assertEquals(0x03FF, Fp16.f32ToF16(0x1.ff8p-15f) & 0xFFFF, "largest subnormal half is kept");
        assertEquals(0x0400, Fp16.f32ToF16(0x1.ffcp-15f) & 0xFFFF, "tie above the largest subnormal: to 0x400");
        assertEquals(0xFE00, Fp16.f32ToF16(Float.intBitsToFloat(0xFFC12345)) & 0xFFFF, "NaN: 0x7E00 with sign");
    }

    @Test
    void edgeFloatsToBf16MatchTheReference() {
        for (float f : EDGE) {
            assertEquals(refF32ToBf16(f), Fp16.f32ToBf16(f) & 0xFFFF,
                    () -> "f32 0x" + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
        for (int u : new int[] {0x3F808000, 0x3F818000, 0x3F807FFF, 0x7F7FFFFF, 0x7F7F7FFF, 0x00008000, 0x00018000}) {
            float f = Float.intBitsToFloat(u);
            assertEquals(refF32ToBf16(f), Fp16.f32ToBf16(f) & 0xFFFF, "0x" + Integer.toHexString(u));
        }
        assertEquals(0x7F80, Fp16.f32ToBf16(Float.MAX_VALUE) & 0xFFFF, "MAX_VALUE rounds to infinity");
        assertEquals(0x7FE0, Fp16.f32ToBf16(Float.intBitsToFloat(0x7FA00000)) & 0xFFFF, "sNaN quieted");
    }

    @Test
    void theReferenceItselfIsRight() {
        // the test is only as good as its oracle: spot-check it against values worked out by hand
        assertEquals(0x3C00, refF32ToF16(1f));
        assertEquals(0x3C00, refF32ToF16(1.00048828125f)); // 1 + 2^-11: tie, to even (1)
        assertEquals(0x3C02, refF32ToF16(1.00146484375f)); // 1 + 3*2^-11: tie, to even (1 + 2*2^-10)
        assertEquals(0x0001, refF32ToF16(0x1p-24f));
        assertEquals(0x7BFF, refF32ToF16(65504f));
        assertEquals(0x3F80, refF32ToBf16(1.00390625f)); // 1 + 2^-8: tie, to even
        assertEquals(0x3F82, refF32ToBf16(Float.intBitsToFloat(0x3F818000)));
        assertEquals(0x3F800000, refF16ToF32Bits(0x3C00));
        assertEquals(0x33800000, refF16ToF32Bits(0x0001));
    }

    // ---- bulk ----

    private static final int[] SIZES = {0, 1, 3, 7, 13, 31, 33, 127, 1021, 4098};

    static List<Fp16Bulk> bulkForms() {
        List<Fp16Bulk> l = new ArrayList<>();
        l.add(Fp16Bulk.scalar());
        for (int bits : new int[] {128, 256, 512}) {
            try {
                l.add(Fp16Bulk.vector(bits));
            } catch (UnsupportedOperationException e) {
                System.out.println("Fp16Test: no " + bits + "-bit vectors here: " + e.getMessage());
            }
        }
        return l;
    }

    @Test
    void vectorFormsAreAvailableWhenTheModuleIs() {
        Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "run without --add-modules jdk.incubator.vector");
        assertTrue(Fp16Bulk.get().name().startsWith("vector"), Fp16Bulk.get().name());
        assertTrue(bulkForms().size() >= 3, "at least 128- and 256-bit vector forms");
    }

    /** Fails with the first differing element if {@code got} differs from {@code want} ({@code size}-byte items). */
    private static void assertSameItems(MemorySegment want, MemorySegment got, int size, String what) {
        long at = want.mismatch(got);
        if (at >= 0) {
            long i = at / size;
            long w = size == 2 ? want.get(I16, i * 2) & 0xFFFF : want.get(I32, i * 4) & 0xFFFFFFFFL;
            long g = size == 2 ? got.get(I16, i * 2) & 0xFFFF : got.get(I32, i * 4) & 0xFFFFFFFFL;
            throw new AssertionError(what + ": element " + i + " is 0x" + Long.toHexString(g) + ", expected 0x"
                    + Long.toHexString(w));
        }
    }

    @Test
    void everyHalfInBulk() {
        int n = 0x10000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment halves = arena.allocate(2L * n);
            MemorySegment f16Wide = arena.allocate(4L * n);
            MemorySegment f16Back = arena.allocate(2L * n);
            MemorySegment bf16Back = arena.allocate(2L * n);
            for (int h = 0; h < n; h++) {
                halves.set(I16, 2L * h, (short) h);
                f16Wide.set(I32, 4L * h, refF16ToF32Bits(h));
                f16Back.set(I16, 2L * h, Fp16.f32ToF16(Fp16.f16ToF32((short) h)));
                bf16Back.set(I16, 2L * h, Fp16.f32ToBf16(Fp16.bf16ToF32((short) h)));
            }
            MemorySegment floats = arena.allocate(4L * n);
            MemorySegment back = arena.allocate(2L * n);
            for (Fp16Bulk b : bulkForms()) {
                b.f16ToF32(halves, 0, floats, 0, n);
                assertSameItems(f16Wide, floats, 4, b.name() + " f16ToF32");
                b.f32ToF16(floats, 0, back, 0, n);
                assertSameItems(f16Back, back, 2, b.name() + " f16 -> f32 -> f16");
                b.bf16ToF32(halves, 0, floats, 0, n);
                for (int h = 0; h < n; h++) {
                    if (floats.get(I32, 4L * h) != h << 16) {
                        throw new AssertionError(b.name() + " bf16ToF32 of 0x" + Integer.toHexString(h));
                    }
                }
                b.f32ToBf16(floats, 0, back, 0, n);
                assertSameItems(bf16Back, back, 2, b.name() + " bf16 -> f32 -> bf16");
            }
        }
    }

    /** The ties, their neighbours, the named values and the first 20,000 random floats (vector code is slow to warm). */
    @Test
    void edgeFloatsInBulk() {
        float[] edge = java.util.Arrays.copyOf(EDGE, EDGE.length - 2 * RANDOM_PAIRS + 20_000);
        int n = edge.length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * n);
            MemorySegment wantF16 = arena.allocate(2L * n);
            MemorySegment wantBf16 = arena.allocate(2L * n);
            for (int i = 0; i < n; i++) {
                src.set(I32, 4L * i, Float.floatToRawIntBits(edge[i]));
                wantF16.set(I16, 2L * i, Fp16.f32ToF16(edge[i]));
                wantBf16.set(I16, 2L * i, Fp16.f32ToBf16(edge[i]));
            }
            MemorySegment dst = arena.allocate(2L * n);
            for (Fp16Bulk b : bulkForms()) {
                b.f32ToF16(src, 0, dst, 0, n);
                assertSameItems(wantF16, dst, 2, b.name() + " f32ToF16 of edge floats");
                b.f32ToBf16(src, 0, dst, 0, n);
                assertSameItems(wantBf16, dst, 2, b.name() + " f32ToBf16 of edge floats");
            }
        }
    }

    /** Awkward sizes at unaligned offsets; the bytes around the destination must stay untouched. */
    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void vectorMatchesScalarAtAwkwardSizes(int bits) {
        Fp16Bulk v;
        try {
            v = Fp16Bulk.vector(bits);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("no " + bits + "-bit vectors: " + e.getMessage());
            return;
        }
        SplittableRandom r = new SplittableRandom(bits);
        try (Arena arena = Arena.ofConfined()) {
            for (int n : SIZES) {
                MemorySegment src = arena.allocate(4L * n + 16);
                for (long i = 0; i < src.byteSize(); i++) {
                    src.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
                }
                MemorySegment want = arena.allocate(4L * n + 16);
                MemorySegment got = arena.allocate(4L * n + 16);
                for (int op = 0; op < 4; op++) {
                    want.fill((byte) 0x5A);
                    got.fill((byte) 0x5A);
                    run(Fp16Bulk.scalar(), op, src, want, n);
                    run(v, op, src, got, n);
                    assertEquals(-1, want.mismatch(got), v.name() + " op " + op + " n=" + n);
                }
            }
        }
    }

    private static void run(Fp16Bulk b, int op, MemorySegment src, MemorySegment dst, int n) {
        switch (op) {
            case 0 -> b.f16ToF32(src, 2, dst, 6, n);
            case 1 -> b.f32ToF16(src, 2, dst, 6, n);
            case 2 -> b.bf16ToF32(src, 2, dst, 6, n);
            default -> b.f32ToBf16(src, 2, dst, 6, n);
        }
    }
}
