package io.ggmljava.ops.vector;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import io.ggmljava.ops.MatMulKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer dot products of q8_0, q4_0, q4_K and q6_K weights with activations in their dot type (q8_0, q8_K), the
 * weights decoded from their blocks inside the loop (a template: see {@link Specialized}; one copy per width).
 *
 * <p>As in ggml, products are exact integers per block (or per 16/32-element group, scaled by the group's integer
 * scale) and only the block total meets the float scales. The Vector API has no byte or short multiply-add, so a
 * step takes {@code W = 2L} weights and activations widened to shorts, one short multiply (|product| below 2^15
 * for every type here), and a pair sum into L int lanes (shift-based, no lane crossing); each block then adds
 * {@code float(int lanes) * scale} into an f32 accumulator. Four weight rows (q8_0, q4_0) or two (q4_K, q6_K, whose
 * kernels are larger) share every activation load.
 *
 * <p>The 512-bit forms are shaped for C2 and for this kind of CPU (Zen 4, whose 512-bit operations run as two
 * 256-bit halves): a block's steps are written out with no inner loop, and a method stays small enough for C1
 * to compile it (a method C1 gives up on is never profiled, so C2 never compiles it either and it runs
 * interpreted). Offsets that are the same for every weight (q4_0's 8, q6_K's 32) are left out of the levels and
 * paid once per block or row through the activations' sums. q4_0 runs at 256 bits from 256-bit providers up:
 * its low- and high-nibble products are added as shorts before the pair sum, which halves the pair sums and needs
 * no lane-crossing permute.
 *
 * <p>Determinism: every output is one accumulator with a fixed per-block order and the reduction of
 * {@link FloatTiles} (four accumulators at a time, a fixed tree per output); a short group of rows repeats row 0
 * and drops the extra outputs, so an output never depends on its neighbours or on the split of the work.
 */
final class QuantTiles implements MatMulKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final int L = F.length();
    /** Weights per step: {@code 2L} bytes widened to {@code 2L} shorts, pair-summed into {@code L} ints. */
    static final int W = 2 * L;
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    /** Full-width bytes: 2W per load, widened in two parts. */
    static final VectorSpecies<Byte> BF = VectorSpecies.of(byte.class, F.vectorShape());
    static final VectorSpecies<Float> Q = FloatVector.SPECIES_128;
    static final VectorShuffle<Float> ROT8 = rotation(8);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> PAIR_LO = VectorShuffle.fromArray(Q, new int[]{0, 1, 4, 5}, 0);
    static final VectorShuffle<Float> PAIR_HI = VectorShuffle.fromArray(Q, new int[]{2, 3, 6, 7}, 0);
    static final VectorShuffle<Float> EVEN = VectorShuffle.fromArray(Q, new int[]{0, 2, 4, 6}, 0);
    static final VectorShuffle<Float> ODD = VectorShuffle.fromArray(Q, new int[]{1, 3, 5, 7}, 0);
    /** 512 bits only: int lanes 0-7 take scale g, lanes 8-15 scale g + 1 (q6_K's two groups of one step). */
    static final VectorShuffle<Integer> GROUPS_0 = W == 32 ? groups(0) : null;
    static final VectorShuffle<Integer> GROUPS_2 = W == 32 ? groups(2) : null;
    static final VectorShuffle<Integer> GROUPS_4 = W == 32 ? groups(4) : null;
    static final VectorShuffle<Integer> GROUPS_6 = W == 32 ? groups(6) : null;

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    QuantTiles() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        int[] idx = new int[L];
        for (int i = 0; i < L; i++) {
            idx[i] = (i + by) % L;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    private static VectorShuffle<Integer> groups(int g) {
        int[] idx = new int[16];
        for (int l = 0; l < 16; l++) {
            idx[l] = g + l / 8;
        }
        return VectorShuffle.fromArray(I, idx, 0);
    }

    /** True for the weight types with kernels here. */
    static boolean handles(GgmlType t) {
        return t == GgmlType.Q8_0 || t == GgmlType.Q4_0 || t == GgmlType.Q4_K || t == GgmlType.Q6_K;
    }

    // ---- helpers ----




    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(I16, off));
    }

    /** Lanes {@code j, j+4, j+8, j+12} of an accumulator summed into lane {@code j} of a 4-lane vector. */
    static FloatVector fold(FloatVector c) {
        if (L >= 16) {
            c = c.add(c.rearrange(ROT8));
        }
        if (L >= 8) {
            c = c.add(c.rearrange(ROT4));
        }
        return (FloatVector) c.reinterpretShape(Q, 0);
    }

    /** The lane sums of the four accumulators at {@code acc[r*L]}: the reduction of {@link FloatTiles#reduce4}. */
    static FloatVector reduce4(float[] acc) {
        FloatVector v0 = fold(FloatVector.fromArray(F, acc, 0));
        FloatVector v1 = fold(FloatVector.fromArray(F, acc, L));
        FloatVector v2 = fold(FloatVector.fromArray(F, acc, 2 * L));
        FloatVector v3 = fold(FloatVector.fromArray(F, acc, 3 * L));
        FloatVector s01 = v0.rearrange(PAIR_LO, v1).add(v0.rearrange(PAIR_HI, v1));
        FloatVector s23 = v2.rearrange(PAIR_LO, v3).add(v2.rearrange(PAIR_HI, v3));
        return s01.rearrange(EVEN, s23).add(s01.rearrange(ODD, s23));
    }

    // ---- MatMulKernels ----

    @Override
    public void prepare(GgmlType wtype, GgmlType srcType, int k, MemorySegment src, long srcOff, MemorySegment dst,
                        long dstOff) {
        throw new UnsupportedOperationException("QuantTiles.prepare: activations are converted by the quant kernels");
    }

    @Override
    public void axpy(int n, float s, MemorySegment x, long xOff, MemorySegment y, long yOff) {
        throw new UnsupportedOperationException("QuantTiles.axpy");
    }

    @Override
    public void tile(GgmlType wtype, int k, MemorySegment a, long aOff, long aStride, int rows,
                     MemorySegment b, long bOff, long bStride, int cols,
                     MemorySegment dst, long dOff, long dStride) {
        int kind = wtype == GgmlType.Q8_0 ? 0 : wtype == GgmlType.Q4_0 ? 1 : wtype == GgmlType.Q4_K ? 2
                : wtype == GgmlType.Q6_K ? 3 : -1;
        if (kind < 0) {
            throw new UnsupportedTypeException("QuantTiles.tile: weights of type " + wtype);
        }
        int nb = k / wtype.blockSize();
        float[] acc = new float[4 * L];
        float[] corr = new float[4];
        // q8_0, q4_0: per row group the block scales as f32, decoded once and shared by every column (the K-quants
        // decode their scales inside the block loop: a separate pass over their scattered scale bytes would stall
        // on memory when the weights stream from DRAM)
        float[] d = kind < 2 ? new float[4 * nb] : null;
        // q4_K: per column and block the activation scale and the sums of its 8 groups of 32 (for the minimums)
        int[] bp = kind == 2 ? new int[8 * nb * cols] : null;
        float[] dys = kind == 2 ? new float[nb * cols] : null;
        if (kind == 2) {
            for (int j = 0; j < cols; j++) {
                q8kSums(nb, b, bOff + j * bStride, bp, dys, j);
            }
        }
        // q4_0 at 256 bits and more: per column and block 8 * dy * (sum of the block's activations), the offset of 8
        // that the kernel leaves out of its levels
        float[] off = kind == 1 && W >= 16 ? new float[nb * cols] : null;
        if (off != null) {
            for (int j = 0; j < cols; j++) {
                q8Offsets(nb, b, bOff + j * bStride, off, j);
            }
        }
        // rows in groups of 4 (a short last group repeats its first row); for each group every column, so the 4
        // weight rows stay in L1 while the columns go by
        for (int i = 0; i < rows; i += 4) {
            int n = Math.min(4, rows - i);
            long r0 = aOff + i * aStride;
            long r1 = n > 1 ? r0 + aStride : r0;
            long r2 = n > 2 ? r0 + 2 * aStride : r0;
            long r3 = n > 3 ? r0 + 3 * aStride : r0;
            if (kind < 2) {
                blockScales(kind, nb, a, r0, d, 0);
                blockScales(kind, nb, a, r1, d, 1);
                blockScales(kind, nb, a, r2, d, 2);
                blockScales(kind, nb, a, r3, d, 3);
            }
            for (int j = 0; j < cols; j++) {
                long y0 = bOff + j * bStride;
                // four rows per call for q8_0 at 512 bits and q4_0 from 256 bits; otherwise two (four rows of the
                // larger kernels make a graph so large that C2 stops inlining inside it, or C1 gives up)
                switch (kind) {
                    case 0 -> {
                        if (W == 32) {
                            q8x4(nb, a, r0, r1, r2, r3, b, y0, acc, d);
                        } else {
                            q8x2(nb, a, r0, r1, b, y0, acc, 0, d);
                            q8x2(nb, a, r2, r3, b, y0, acc, 2, d);
                        }
                    }
                    case 1 -> {
                        if (W >= 16) {
                            q4x4h(nb, a, r0, r1, r2, r3, b, y0, acc, d);
                            offsets(nb, d, off, j, corr);
                        } else {
                            q4x2(nb, a, r0, r1, b, y0, acc, 0, d);
                            q4x2(nb, a, r2, r3, b, y0, acc, 2, d);
                        }
                    }
                    case 2 -> {
                        if (W == 32) {
                            q4kx2w(nb, a, r0, r1, b, y0, acc, 0, corr, bp, dys, j);
                            q4kx2w(nb, a, r2, r3, b, y0, acc, 2, corr, bp, dys, j);
                        } else {
                            q4kx2(nb, a, r0, r1, b, y0, acc, 0, corr, bp, dys, j);
                            q4kx2(nb, a, r2, r3, b, y0, acc, 2, corr, bp, dys, j);
                        }
                    }
                    default -> {
                        if (W == 32) {
                            q6kx2w(nb, a, r0, r1, b, y0, acc, 0);
                            q6kx2w(nb, a, r2, r3, b, y0, acc, 2);
                        } else {
                            q6kx2(nb, a, r0, r1, b, y0, acc, 0);
                            q6kx2(nb, a, r2, r3, b, y0, acc, 2);
                        }
                    }
                }
                FloatVector out = reduce4(acc);
                if (kind == 2 || off != null) {
                    out = out.sub(FloatVector.fromArray(Q, corr, 0));
                }
                long d0 = dOff + j * dStride + 4L * i;
                if (n == 4) {
                    out.intoMemorySegment(dst, d0, LE);
                } else {
                    for (int r = 0; r < n; r++) {
                        dst.set(F32, d0 + 4L * r, out.lane(r));
                    }
                }
            }
        }
    }

    /** The f32 block scales of q8_0 (kind 0) or q4_0 (kind 1) row {@code r} of a group into {@code d[r*nb ..]}. */
    private static void blockScales(int kind, int nb, MemorySegment a, long row, float[] d, int r) {
        long bytes = kind == 0 ? 34 : 18;
        for (int ib = 0; ib < nb; ib++) {
            d[r * nb + ib] = Float.float16ToFloat(a.get(I16, row + bytes * ib));
        }
    }

    // ---- kernels: 2 rows x 1 column ----
    //
    // Written for C2: the vector helpers are spelled out inside each loop, because C2 stops inlining ordinary
    // methods once a graph is large (NodeCountInliningCutoff) and a vector passed to a call that is not inlined is
    // boxed; the Vector API's own methods are force-inlined. Loops over a block's few steps exist only below 512
    // bits: a short inner loop makes C2 redo its bounds-check setup for every load on every entry, so at 512 bits
    // the block loop is the innermost loop. The pair sum of short products p (lane j of the result is
    // p[2j] + p[2j+1]) is (p + (p << 16)) >> 16 on the int view: exact while |p[2j] + p[2j+1]| < 2^15, true for
    // every type here (|weight| <= 128 for q8_0 against |activation| <= 127; at most 32 * 128 for the others).

    // ---- q8_0 (34 bytes: f16 d, i8 qs[32]) x q8_0 ----

    private static void q8x2(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc, int o,
                             float[] d) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long xo = 34L * ib + 2;
            long yo = y0 + xo;
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = s0;
            for (int st = 0; st < 32; st += W) {
                ShortVector y = (ShortVector) ByteVector.fromMemorySegment(B, b, yo + st, LE).castShape(S, 0);
                IntVector p0 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r0 + xo + st, LE)
                        .castShape(S, 0)).mul(y).reinterpretAsInts();
                IntVector p1 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r1 + xo + st, LE)
                        .castShape(S, 0)).mul(y).reinterpretAsInts();
                s0 = s0.add(p0.add(p0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16));
                s1 = s1.add(p1.add(p1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16));
            }
            float dy = f16(b, yo - 2);
            c0 = ((FloatVector) s0.castShape(F, 0)).fma(FloatVector.broadcast(F, d[o * nb + ib] * dy), c0);
            c1 = ((FloatVector) s1.castShape(F, 0)).fma(FloatVector.broadcast(F, d[(o + 1) * nb + ib] * dy), c1);
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
    }

    /** 512 bits: four q8_0 rows share each activation load (one block per step, no inner loop). */
    private static void q8x4(int nb, MemorySegment a, long r0, long r1, long r2, long r3, MemorySegment b, long y0,
                             float[] acc, float[] d) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long xo = 34L * ib + 2;
            long yo = y0 + xo;
            ShortVector y = (ShortVector) ByteVector.fromMemorySegment(B, b, yo, LE).castShape(S, 0);
            IntVector p0 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r0 + xo, LE).castShape(S, 0))
                    .mul(y).reinterpretAsInts();
            IntVector p1 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r1 + xo, LE).castShape(S, 0))
                    .mul(y).reinterpretAsInts();
            IntVector p2 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r2 + xo, LE).castShape(S, 0))
                    .mul(y).reinterpretAsInts();
            IntVector p3 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r3 + xo, LE).castShape(S, 0))
                    .mul(y).reinterpretAsInts();
            float dy = Float.float16ToFloat(b.get(I16, yo - 2));
            c0 = ((FloatVector) p0.add(p0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(F, 0)).fma(FloatVector.broadcast(F, d[ib] * dy), c0);
            c1 = ((FloatVector) p1.add(p1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(F, 0)).fma(FloatVector.broadcast(F, d[nb + ib] * dy), c1);
            c2 = ((FloatVector) p2.add(p2.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(F, 0)).fma(FloatVector.broadcast(F, d[2 * nb + ib] * dy), c2);
            c3 = ((FloatVector) p3.add(p3.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(F, 0)).fma(FloatVector.broadcast(F, d[3 * nb + ib] * dy), c3);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
    }

    // ---- q4_0 (18 bytes: f16 d, u8 qs[16]; element j < 16 low nibble of qs[j], j + 16 its high nibble) ----

    private static void q4x2(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc, int o,
                             float[] d) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long xo = 18L * ib + 2;
            long yo = y0 + 34L * ib + 2;
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = s0;
            for (int st = 0; st < 32; st += W) {
                // a step lies in one half: bytes (st mod 16) .., low nibbles for st < 16, else high
                ShortVector y = (ShortVector) ByteVector.fromMemorySegment(B, b, yo + st, LE).castShape(S, 0);
                ShortVector x0 = (ShortVector) ByteVector.fromMemorySegment(B, a, r0 + xo + (st & 15), LE)
                        .castShape(S, 0);
                ShortVector x1 = (ShortVector) ByteVector.fromMemorySegment(B, a, r1 + xo + (st & 15), LE)
                        .castShape(S, 0);
                if (st >= 16) {
                    x0 = x0.lanewise(VectorOperators.ASHR, 4);
                    x1 = x1.lanewise(VectorOperators.ASHR, 4);
                }
                IntVector p0 = x0.and((short) 0xF).sub((short) 8).mul(y).reinterpretAsInts();
                IntVector p1 = x1.and((short) 0xF).sub((short) 8).mul(y).reinterpretAsInts();
                s0 = s0.add(p0.add(p0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16));
                s1 = s1.add(p1.add(p1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16));
            }
            float dy = f16(b, yo - 2);
            c0 = ((FloatVector) s0.castShape(F, 0)).fma(FloatVector.broadcast(F, d[o * nb + ib] * dy), c0);
            c1 = ((FloatVector) s1.castShape(F, 0)).fma(FloatVector.broadcast(F, d[(o + 1) * nb + ib] * dy), c1);
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
    }

    /**
     * 256 and 512 bits: four q4_0 rows, each block at 256 bits. The 16 weight bytes widen to 16 shorts; the low
     * nibbles (elements 0..15) and the high nibbles (16..31) each meet their 16 activations, and the two products
     * are added as shorts before the pair sum, which then adds four products: |4 * 15 * 128| < 2^15. A block costs
     * one pair sum instead of two and no lane-crossing permute: on this machine's double-pumped 512-bit units about a
     * third fewer operations than a 512-bit form (which was 22 GFLOP/s on 1 thread against 27-29 for this one). The
     * levels are taken as 0..15, without their offset of 8, which {@link #offsets} pays once per row. (The same
     * merge does not work for q8_0: four products of 128 * 127 overflow the pair sum.)
     */
    private static void q4x4h(int nb, MemorySegment a, long r0, long r1, long r2, long r3, MemorySegment b, long y0,
                              float[] acc, float[] d) {
        FloatVector c0 = FloatVector.zero(FloatVector.SPECIES_256);
        FloatVector c1 = c0, c2 = c0, c3 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long xo = 18L * ib + 2;
            long yo = y0 + 34L * ib + 2;
            ShortVector ylo = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, b, yo, LE)
                    .castShape(ShortVector.SPECIES_256, 0);
            ShortVector yhi = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, b, yo + 16, LE)
                    .castShape(ShortVector.SPECIES_256, 0);
            float dy = Float.float16ToFloat(b.get(I16, yo - 2));
            ShortVector x;
            IntVector p;
            x = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, a, r0 + xo, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ShortVector.SPECIES_256, 0);
            p = x.and((short) 0xF).mul(ylo).add(x.lanewise(VectorOperators.LSHR, 4).mul(yhi)).reinterpretAsInts();
            c0 = ((FloatVector) p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(FloatVector.SPECIES_256, 0)).fma(FloatVector.broadcast(FloatVector.SPECIES_256,
                    d[ib] * dy), c0);
            x = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, a, r1 + xo, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ShortVector.SPECIES_256, 0);
            p = x.and((short) 0xF).mul(ylo).add(x.lanewise(VectorOperators.LSHR, 4).mul(yhi)).reinterpretAsInts();
            c1 = ((FloatVector) p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(FloatVector.SPECIES_256, 0)).fma(FloatVector.broadcast(FloatVector.SPECIES_256,
                    d[nb + ib] * dy), c1);
            x = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, a, r2 + xo, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ShortVector.SPECIES_256, 0);
            p = x.and((short) 0xF).mul(ylo).add(x.lanewise(VectorOperators.LSHR, 4).mul(yhi)).reinterpretAsInts();
            c2 = ((FloatVector) p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(FloatVector.SPECIES_256, 0)).fma(FloatVector.broadcast(FloatVector.SPECIES_256,
                    d[2 * nb + ib] * dy), c2);
            x = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, a, r3 + xo, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, ShortVector.SPECIES_256, 0);
            p = x.and((short) 0xF).mul(ylo).add(x.lanewise(VectorOperators.LSHR, 4).mul(yhi)).reinterpretAsInts();
            c3 = ((FloatVector) p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .castShape(FloatVector.SPECIES_256, 0)).fma(FloatVector.broadcast(FloatVector.SPECIES_256,
                    d[3 * nb + ib] * dy), c3);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        if (L > 8) { // 512 bits: the upper lanes of each row's accumulator are zero
            FloatVector z = FloatVector.zero(FloatVector.SPECIES_256);
            z.intoArray(acc, 8);
            z.intoArray(acc, L + 8);
            z.intoArray(acc, 2 * L + 8);
            z.intoArray(acc, 3 * L + 8);
        }
    }

    /** Per block of q8_0 activation row {@code col}: {@code 8 * dy * (sum of its 32 values)} into {@code off}. */
    private static void q8Offsets(int nb, MemorySegment b, long y0, float[] off, int col) {
        for (int ib = 0; ib < nb; ib++) {
            long yo = y0 + 34L * ib;
            int sum = ((ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, b, yo + 2, LE)
                    .castShape(ShortVector.SPECIES_256, 0))
                    .add((ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_128, b, yo + 18, LE)
                            .castShape(ShortVector.SPECIES_256, 0))
                    .reduceLanes(VectorOperators.ADD); // exact: |sum| <= 4096
            off[col * nb + ib] = 8 * Float.float16ToFloat(b.get(I16, yo)) * sum;
        }
    }

    /**
     * The offsets of q4_0 rows 0..3 of a group (block scales {@code d}) against column {@code col}, into corr: a plain
     * loop, so that the order of additions is fixed (a vector lane reduction's order is not specified, and differs
     * between C2's intrinsic and the fallback code, which would make results depend on the thread count).
     */
    private static void offsets(int nb, float[] d, float[] off, int col, float[] corr) {
        for (int r = 0; r < 4; r++) {
            float t = 0;
            for (int ib = 0; ib < nb; ib++) {
                t += d[r * nb + ib] * off[col * nb + ib];
            }
            corr[r] = t;
        }
    }

    // ---- q4_K (144 bytes: f16 d, f16 dmin, u8 scales[12], u8 qs[128]) x q8_K (f32 d, i8 qs[256], i16 bsums[16]) ----
    //
    // qs in four chunks of 32 bytes: chunk p holds group 2p in its low nibbles and group 2p + 1 in its high nibbles
    // (elements 64p .. 64p + 63). One full-width load takes 2W bytes: at 512 bits two chunks, and the activations
    // of one chunk (64 bytes: groups 2p and 2p + 1).

    /** Per block of activation row {@code col}: its scale, and {@code bsums[2j] + bsums[2j+1]} (sums of 32). */
    static void q8kSums(int nb, MemorySegment b, long y0, int[] bp, float[] dys, int col) {
        for (int ib = 0; ib < nb; ib++) {
            long yo = y0 + 292L * ib;
            dys[col * nb + ib] = b.get(F32, yo);
            for (int j = 0; j < 8; j++) {
                int w = b.get(I32, yo + 260 + 4L * j); // two int16 bsums
                bp[8 * (col * nb + ib) + j] = (short) w + (w >> 16);
            }
        }
    }

    /**
     * Two q4_K rows against one column. Per block the 12 scale bytes are read as three little-endian words w0..w2:
     * scale j < 4 is the low 6 bits of byte j of w0, minimum j < 4 those of w1; for j >= 4 the low 4 bits come from
     * byte j-4 of w2 (scale: low nibble, minimum: high nibble) and the top 2 bits from the top of byte j-4 of w0
     * (scale) or w1 (minimum). The minimums' term, {@code dmin * dy * sum_j min_j * (sum of group j's activations)},
     * is summed in f32 per block and stored in {@code corr} to be subtracted at the end.
     */
    private static void q4kx2(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc, int o,
                              float[] corr, int[] bp, float[] dys, int col) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        float m0 = 0;
        float m1 = 0;
        for (int ib = 0; ib < nb; ib++) {
            long xb0 = r0 + 144L * ib;
            long xb1 = r1 + 144L * ib;
            long yo = y0 + 292L * ib + 4;
            int u0 = a.get(I32, xb0 + 4);
            int v0 = a.get(I32, xb0 + 8);
            int w0 = a.get(I32, xb0 + 12);
            int u1 = a.get(I32, xb1 + 4);
            int v1 = a.get(I32, xb1 + 8);
            int w1 = a.get(I32, xb1 + 12);
            int sLo0 = u0 & 0x3F3F3F3F;                                 // scales 0..3
            int sHi0 = (w0 & 0x0F0F0F0F) | ((u0 >>> 2) & 0x30303030);  // scales 4..7
            int sLo1 = u1 & 0x3F3F3F3F;
            int sHi1 = (w1 & 0x0F0F0F0F) | ((u1 >>> 2) & 0x30303030);
            IntVector t0 = IntVector.zero(I);
            IntVector t1 = t0;
            // 2W bytes of qs per iteration: chunk p (bytes q .. q+W) then the next W bytes (same chunk below 512
            // bits, chunk p + 1 at 512)
            for (int q = 0; q < 128; q += 2 * W) {
                ByteVector xq0 = ByteVector.fromMemorySegment(BF, a, xb0 + 16 + q, LE);
                ByteVector xq1 = ByteVector.fromMemorySegment(BF, a, xb1 + 16 + q, LE);
                for (int part = 0; part < 2; part++) {
                    int qq = q + part * W;  // byte of qs
                    int p = qq >>> 5;       // chunk
                    long yq = yo + qq + 32L * p; // activations of the low-nibble element of byte qq
                    ShortVector ylo = (ShortVector) ByteVector.fromMemorySegment(B, b, yq, LE).castShape(S, 0);
                    ShortVector yhi = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 32, LE).castShape(S, 0);
                    ShortVector x0 = (ShortVector) xq0.castShape(S, part);
                    ShortVector x1 = (ShortVector) xq1.castShape(S, part);
                    IntVector pl0 = x0.and((short) 0xF).mul(ylo).reinterpretAsInts();
                    IntVector ph0 = x0.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(yhi).reinterpretAsInts();
                    IntVector pl1 = x1.and((short) 0xF).mul(ylo).reinterpretAsInts();
                    IntVector ph1 = x1.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(yhi).reinterpretAsInts();
                    // group scales 2p, 2p + 1: bytes 2(p&1), 2(p&1) + 1 of the scale word for p/2
                    int k0 = (p < 2 ? sLo0 : sHi0) >>> (16 * (p & 1));
                    int k1 = (p < 2 ? sLo1 : sHi1) >>> (16 * (p & 1));
                    t0 = t0.add(pl0.add(pl0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                    .mul(k0 & 0xFF))
                            .add(ph0.add(ph0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                    .mul((k0 >>> 8) & 0xFF));
                    t1 = t1.add(pl1.add(pl1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                    .mul(k1 & 0xFF))
                            .add(ph1.add(ph1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                    .mul((k1 >>> 8) & 0xFF));
                }
            }
            float dy = dys[col * nb + ib];
            c0 = ((FloatVector) t0.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, xb0)) * dy), c0);
            c1 = ((FloatVector) t1.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, xb1)) * dy), c1);
            // minimums: min j < 4 from v, j >= 4 from the high nibbles of w and the top bits of v
            int mLo0 = v0 & 0x3F3F3F3F;
            int mHi0 = ((w0 >>> 4) & 0x0F0F0F0F) | ((v0 >>> 2) & 0x30303030);
            int mLo1 = v1 & 0x3F3F3F3F;
            int mHi1 = ((w1 >>> 4) & 0x0F0F0F0F) | ((v1 >>> 2) & 0x30303030);
            int bq = 8 * (col * nb + ib);
            int ms0 = 0;
            int ms1 = 0;
            for (int jj = 0; jj < 4; jj++) {
                int sh = 8 * jj;
                ms0 += ((mLo0 >>> sh) & 0xFF) * bp[bq + jj] + ((mHi0 >>> sh) & 0xFF) * bp[bq + 4 + jj];
                ms1 += ((mLo1 >>> sh) & 0xFF) * bp[bq + jj] + ((mHi1 >>> sh) & 0xFF) * bp[bq + 4 + jj];
            }
            m0 += Float.float16ToFloat(a.get(I16, xb0 + 2)) * dy * ms0;
            m1 += Float.float16ToFloat(a.get(I16, xb1 + 2)) * dy * ms1;
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
        corr[o] = m0;
        corr[o + 1] = m1;
    }

    /**
     * 512 bits: two q4_K rows against one column, a block as two halves of two chunks written out (a chunk's 32
     * bytes zero-extended, so the high nibble needs no mask); otherwise as {@link #q4kx2}, whose minimum term is
     * repeated here rather than shared: C2 does not inline a helper into these large loops (NodeCountInliningCutoff),
     * and a call per block costs more than the copy.
     */
    private static void q4kx2w(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc,
                               int o, float[] corr, int[] bp, float[] dys, int col) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        float m0 = 0;
        float m1 = 0;
        for (int ib = 0; ib < nb; ib++) {
            long xb0 = r0 + 144L * ib;
            long xb1 = r1 + 144L * ib;
            long yo = y0 + 292L * ib + 4;
            int u0 = a.get(I32, xb0 + 4);
            int v0 = a.get(I32, xb0 + 8);
            int w0 = a.get(I32, xb0 + 12);
            int u1 = a.get(I32, xb1 + 4);
            int v1 = a.get(I32, xb1 + 8);
            int w1 = a.get(I32, xb1 + 12);
            IntVector t0 = IntVector.zero(I);
            IntVector t1 = t0;
            for (int hh = 0; hh < 2; hh++) {
                // the scales of groups 4hh .. 4hh + 3, one byte each
                int k0 = hh == 0 ? u0 & 0x3F3F3F3F : (w0 & 0x0F0F0F0F) | ((u0 >>> 2) & 0x30303030);
                int k1 = hh == 0 ? u1 & 0x3F3F3F3F : (w1 & 0x0F0F0F0F) | ((u1 >>> 2) & 0x30303030);
                long yq = yo + 128L * hh;
                ShortVector ylo;
                ShortVector yhi;
                ShortVector x;
                IntVector p;
                IntVector q;
                // chunk 2hh + 0: groups 4hh + 0 (low nibbles) and 4hh + 1 (high nibbles)
                ylo = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 0, LE).castShape(S, 0);
                yhi = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 32, LE).castShape(S, 0);
                x = (ShortVector) ByteVector.fromMemorySegment(B, a, xb0 + 16 + 64L * hh + 0, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                p = x.and((short) 0xF).mul(ylo).reinterpretAsInts();
                q = x.lanewise(VectorOperators.LSHR, 4).mul(yhi).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul(k0 & 0xFF))
                        .add(q.add(q.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k0 >>> 8) & 0xFF));
                x = (ShortVector) ByteVector.fromMemorySegment(B, a, xb1 + 16 + 64L * hh + 0, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                p = x.and((short) 0xF).mul(ylo).reinterpretAsInts();
                q = x.lanewise(VectorOperators.LSHR, 4).mul(yhi).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul(k1 & 0xFF))
                        .add(q.add(q.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k1 >>> 8) & 0xFF));
                // chunk 2hh + 1: groups 4hh + 2 (low nibbles) and 4hh + 3 (high nibbles)
                ylo = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 64, LE).castShape(S, 0);
                yhi = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 96, LE).castShape(S, 0);
                x = (ShortVector) ByteVector.fromMemorySegment(B, a, xb0 + 16 + 64L * hh + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                p = x.and((short) 0xF).mul(ylo).reinterpretAsInts();
                q = x.lanewise(VectorOperators.LSHR, 4).mul(yhi).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k0 >>> 16) & 0xFF))
                        .add(q.add(q.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k0 >>> 24) & 0xFF));
                x = (ShortVector) ByteVector.fromMemorySegment(B, a, xb1 + 16 + 64L * hh + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                p = x.and((short) 0xF).mul(ylo).reinterpretAsInts();
                q = x.lanewise(VectorOperators.LSHR, 4).mul(yhi).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k1 >>> 16) & 0xFF))
                        .add(q.add(q.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((k1 >>> 24) & 0xFF));
            }
            float dy = dys[col * nb + ib];
            c0 = ((FloatVector) t0.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, xb0)) * dy), c0);
            c1 = ((FloatVector) t1.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, xb1)) * dy), c1);
            int mLo0 = v0 & 0x3F3F3F3F;
            int mHi0 = ((w0 >>> 4) & 0x0F0F0F0F) | ((v0 >>> 2) & 0x30303030);
            int mLo1 = v1 & 0x3F3F3F3F;
            int mHi1 = ((w1 >>> 4) & 0x0F0F0F0F) | ((v1 >>> 2) & 0x30303030);
            int bq = 8 * (col * nb + ib);
            int ms0 = 0;
            int ms1 = 0;
            for (int jj = 0; jj < 4; jj++) {
                int sh = 8 * jj;
                ms0 += ((mLo0 >>> sh) & 0xFF) * bp[bq + jj] + ((mHi0 >>> sh) & 0xFF) * bp[bq + 4 + jj];
                ms1 += ((mLo1 >>> sh) & 0xFF) * bp[bq + jj] + ((mHi1 >>> sh) & 0xFF) * bp[bq + 4 + jj];
            }
            m0 += Float.float16ToFloat(a.get(I16, xb0 + 2)) * dy * ms0;
            m1 += Float.float16ToFloat(a.get(I16, xb1 + 2)) * dy * ms1;
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
        corr[o] = m0;
        corr[o + 1] = m1;
    }

    // ---- q6_K (210 bytes: u8 ql[128], u8 qh[64], i8 scales[16], f16 d) x q8_K ----
    //
    // Element 128h + 32s + l (h < 2, s < 4, l < 32): low 4 bits in ql[64h + 32(s&1) + l] (low nibble for s < 2,
    // high nibble for s >= 2), high 2 bits at bits 2s, 2s+1 of qh[32h + l]; level - 32; group e / 16 with a signed
    // 8-bit scale. So one load of qh serves s = 0..3 and one load of ql serves s and s + 2.

    /**
     * 512 bits: two q6_K rows against one column. A block is two halves of 128 elements (ql bytes 64h.., qh bytes
     * 32h.., scales 8h..) and a half is four steps written out, step s taking groups 2s and 2s + 1 of the half (each
     * int lane gets its group's scale through a constant permute of the half's 8 scales). The levels are taken
     * without their offset of 32 (0..63, from zero-extended bytes, so the high nibble needs no mask) and the offset
     * is paid once per half through the activations' group sums: {@code sum (q - 32) y = sum q y - 32 * bsum} per
     * group of 16, so a half subtracts {@code 32 * scale_g * bsum_g} from its int lanes.
     */
    private static void q6kx2w(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc,
                               int o) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long x0 = r0 + 210L * ib;
            long x1 = r1 + 210L * ib;
            long yo = y0 + 292L * ib + 4;
            IntVector t0 = IntVector.zero(I);
            IntVector t1 = t0;
            for (int h = 0; h < 2; h++) {
                long yq = yo + 128L * h;
                ShortVector y;
                IntVector p;
                ShortVector la0 = (ShortVector) ByteVector.fromMemorySegment(B, a, x0 + 64L * h, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lb0 = (ShortVector) ByteVector.fromMemorySegment(B, a, x0 + 64L * h + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector qh0 = (ShortVector) ByteVector.fromMemorySegment(B, a, x0 + 128 + 32L * h, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                IntVector g0 = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, a, x0 + 192 + 8L * h, LE)
                        .castShape(I, 0);
                ShortVector la1 = (ShortVector) ByteVector.fromMemorySegment(B, a, x1 + 64L * h, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector lb1 = (ShortVector) ByteVector.fromMemorySegment(B, a, x1 + 64L * h + 32, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                ShortVector qh1 = (ShortVector) ByteVector.fromMemorySegment(B, a, x1 + 128 + 32L * h, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                IntVector g1 = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, a, x1 + 192 + 8L * h, LE)
                        .castShape(I, 0);
                y = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 0, LE).castShape(S, 0);
                p = la0.and((short) 0xF).or(qh0.lanewise(VectorOperators.LSHL, 4).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g0.rearrange(GROUPS_0)));
                p = la1.and((short) 0xF).or(qh1.lanewise(VectorOperators.LSHL, 4).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g1.rearrange(GROUPS_0)));
                y = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 32, LE).castShape(S, 0);
                p = lb0.and((short) 0xF).or(qh0.lanewise(VectorOperators.LSHL, 2).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g0.rearrange(GROUPS_2)));
                p = lb1.and((short) 0xF).or(qh1.lanewise(VectorOperators.LSHL, 2).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g1.rearrange(GROUPS_2)));
                y = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 64, LE).castShape(S, 0);
                p = la0.lanewise(VectorOperators.LSHR, 4).or(qh0.and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g0.rearrange(GROUPS_4)));
                p = la1.lanewise(VectorOperators.LSHR, 4).or(qh1.and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g1.rearrange(GROUPS_4)));
                y = (ShortVector) ByteVector.fromMemorySegment(B, b, yq + 96, LE).castShape(S, 0);
                p = lb0.lanewise(VectorOperators.LSHR, 4).or(qh0.lanewise(VectorOperators.LSHR, 2).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t0 = t0.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g0.rearrange(GROUPS_6)));
                p = lb1.lanewise(VectorOperators.LSHR, 4).or(qh1.lanewise(VectorOperators.LSHR, 2).and((short) 0x30))
                        .mul(y).reinterpretAsInts();
                t1 = t1.add(p.add(p.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                        .mul(g1.rearrange(GROUPS_6)));
                // the offset: 32 * scale_g * bsum_g in lane g (lanes 8-15 are zero)
                IntVector bs = ((IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, b,
                        yo + 256 + 16L * h, LE).castShape(I, 0)).lanewise(VectorOperators.LSHL, 5);
                t0 = t0.sub(g0.mul(bs));
                t1 = t1.sub(g1.mul(bs));
            }
            float dy = b.get(F32, yo - 4);
            c0 = ((FloatVector) t0.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, x0 + 208)) * dy), c0);
            c1 = ((FloatVector) t1.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, x1 + 208)) * dy), c1);
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
    }

    private static void q6kx2(int nb, MemorySegment a, long r0, long r1, MemorySegment b, long y0, float[] acc,
                              int o) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        for (int ib = 0; ib < nb; ib++) {
            long xo = 210L * ib;
            long yo = y0 + 292L * ib + 4;
            IntVector t0 = IntVector.zero(I);
            IntVector t1 = t0;
            for (int hs = 0; hs < 2 * 32; hs += W) {
                int h = hs >>> 5;
                int st = hs & 31; // offset inside the 32 bytes of qh / ql for this h
                ShortVector qh0 = (ShortVector) ByteVector.fromMemorySegment(B, a, r0 + xo + 128 + 32L * h + st, LE)
                        .castShape(S, 0);
                ShortVector qh1 = (ShortVector) ByteVector.fromMemorySegment(B, a, r1 + xo + 128 + 32L * h + st, LE)
                        .castShape(S, 0);
                for (int s = 0; s < 4; s++) {
                    long ql = 64L * h + 32L * (s & 1) + st;
                    ShortVector y = (ShortVector) ByteVector.fromMemorySegment(B, b, yo + 128L * h + 32L * s + st, LE)
                            .castShape(S, 0);
                    int nib = s < 2 ? 0 : 4;
                    ShortVector x0 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r0 + xo + ql, LE)
                            .castShape(S, 0)).lanewise(VectorOperators.ASHR, nib).and((short) 0xF)
                            .or(qh0.lanewise(VectorOperators.ASHR, 2 * s).and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    ShortVector x1 = ((ShortVector) ByteVector.fromMemorySegment(B, a, r1 + xo + ql, LE)
                            .castShape(S, 0)).lanewise(VectorOperators.ASHR, nib).and((short) 0xF)
                            .or(qh1.lanewise(VectorOperators.ASHR, 2 * s).and((short) 3).lanewise(VectorOperators.LSHL, 4))
                            .sub((short) 32);
                    IntVector p0 = x0.mul(y).reinterpretAsInts();
                    IntVector p1 = x1.mul(y).reinterpretAsInts();
                    int g = 8 * h + 2 * s + st / 16;
                    IntVector k0 = IntVector.broadcast(I, a.get(I8, r0 + xo + 192 + g));
                    IntVector k1 = IntVector.broadcast(I, a.get(I8, r1 + xo + 192 + g));
                    t0 = t0.add(p0.add(p0.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).mul(k0));
                    t1 = t1.add(p1.add(p1.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).mul(k1));
                }
            }
            float dy = b.get(F32, yo - 4);
            c0 = ((FloatVector) t0.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, r0 + xo + 208)) * dy), c0);
            c1 = ((FloatVector) t1.castShape(F, 0)).fma(FloatVector.broadcast(F,
                    Float.float16ToFloat(a.get(I16, r1 + xo + 208)) * dy), c1);
        }
        c0.intoArray(acc, o * L);
        c1.intoArray(acc, (o + 1) * L);
    }
}
