package io.ggmljava.ops.vector;

import io.ggmljava.core.Fp16;
import io.ggmljava.ops.RopeKernels;
import io.ggmljava.ops.RopeSpec;
import io.ggmljava.ops.scalar.ScalarRopeKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link RopeKernels}, bit-identical to the scalar one.
 *
 * <p>Cache layout, {@code n = nDims}, {@code h = n/2}:
 * <ul>
 * <li>normal mode: {@code A = cache[0, n) = [c0, s0, c1, s1, ...]} and {@code B = cache[n, 2n) = [-s0, c0, -s1, c1,
 * ...]}, so that with {@code E}/{@code O} the row with its even/odd elements duplicated,
 * {@code dst = fma(E, A, O*B)} gives {@code fma(x0, c, -(x1*s))} and {@code fma(x0, s, x1*c)} lane by lane;</li>
 * <li>NeoX mode: {@code cos = cache[0, h)}, {@code sin = cache[h, n)};</li>
 * </ul>
 * then the angles ({@code h} floats), two scratch arrays of {@code h} floats for the sin/cos evaluation and
 * {@code n} floats for an f16 row widened to f32.
 *
 * <p>A template (see {@link Specialized}): one copy per vector width.
 */
final class VectorRopeKernels implements RopeKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Short> S = HalfVectors.shorts(F);
    static final VectorSpecies<Integer> I = HalfVectors.ints(F);
    /** Lane i takes lane i with its lowest bit cleared (DUP_EVEN) or set (DUP_ODD). */
    static final VectorShuffle<Float> DUP_EVEN = duplicate(0);
    static final VectorShuffle<Float> DUP_ODD = duplicate(1);
    static final Transcendentals MATH = Specialized.instance(VectorMath.class, Transcendentals.class, F);

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public VectorRopeKernels() {
    }

    private static VectorShuffle<Float> duplicate(int parity) {
        int[] idx = new int[F.length()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i & ~1) | parity;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    @Override
    public int cacheSize(RopeSpec spec) {
        return rowScratch(spec) + spec.nDims(); // + one row of rotated f16 elements widened to f32
    }

    @Override
    public void fillCache(RopeSpec spec, long pos, float[] cache) {
        int n = spec.nDims();
        int h = n / 2;
        int angles = 2 * n;
        int cosTmp = angles + h;
        int sinTmp = cosTmp + h;
        spec.thetas(pos, cache, angles);
        MATH.sinCos(cache, angles, h, cache, cosTmp, cache, sinTmp);
        float ms = spec.mscale();
        float sinMs = spec.sinSign();
        for (int i = 0; i < h; i++) {
            // same products, in the same order, as the scalar cache
            float c = cache[cosTmp + i] * ms;
            float s = cache[sinTmp + i] * ms * sinMs;
            if (spec.neox()) {
                cache[i] = c;
                cache[h + i] = s;
            } else {
                cache[2 * i] = c;
                cache[2 * i + 1] = s;
                cache[n + 2 * i] = -s;
                cache[n + 2 * i + 1] = c;
            }
        }
    }

    @Override
    public void rotateF32(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst,
                          long dstOff) {
        int n = spec.nDims();
        int lanes = F.length();
        if (spec.neox()) {
            int h = n / 2;
            int i = 0;
            for (; i + lanes <= h; i += lanes) {
                FloatVector x0 = FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE);
                FloatVector x1 = FloatVector.fromMemorySegment(F, src, srcOff + 4L * (i + h), LE);
                FloatVector c = FloatVector.fromArray(F, cache, i);
                FloatVector s = FloatVector.fromArray(F, cache, h + i);
                x0.fma(c, x1.mul(s).neg()).intoMemorySegment(dst, dstOff + 4L * i, LE);
                x0.fma(s, x1.mul(c)).intoMemorySegment(dst, dstOff + 4L * (i + h), LE);
            }
            for (; i < h; i++) {
                float x0 = src.get(F32, srcOff + 4L * i);
                float x1 = src.get(F32, srcOff + 4L * (i + h));
                float c = cache[i];
                float s = cache[h + i];
                dst.set(F32, dstOff + 4L * i, Math.fma(x0, c, -(x1 * s)));
                dst.set(F32, dstOff + 4L * (i + h), Math.fma(x0, s, x1 * c));
            }
        } else {
            int i = 0;
            for (; i + lanes <= n; i += lanes) {
                FloatVector x = FloatVector.fromMemorySegment(F, src, srcOff + 4L * i, LE);
                FloatVector a = FloatVector.fromArray(F, cache, i);
                FloatVector b = FloatVector.fromArray(F, cache, n + i);
                x.rearrange(DUP_EVEN).fma(a, x.rearrange(DUP_ODD).mul(b))
                        .intoMemorySegment(dst, dstOff + 4L * i, LE);
            }
            for (; i < n; i += 2) {
                float x0 = src.get(F32, srcOff + 4L * i);
                float x1 = src.get(F32, srcOff + 4L * (i + 1));
                float c = cache[i];
                float s = cache[i + 1];
                dst.set(F32, dstOff + 4L * i, Math.fma(x0, c, -(x1 * s)));
                dst.set(F32, dstOff + 4L * (i + 1), Math.fma(x0, s, x1 * c));
            }
        }
        ScalarRopeKernels.copyTail(spec, 4, src, srcOff, dst, dstOff);
    }

    @Override
    public void rotateF16(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst,
                          long dstOff) {
        // widen the rotated part into scratch floats, rotate them as f32, round back: the same numbers as the
        // scalar path, and one f16 load and one f16 store site instead of four (C2 gives up vectorizing a method
        // with more, see HalfVectors)
        int n = spec.nDims();
        MemorySegment row = MemorySegment.ofArray(cache);
        long rowOff = 4L * rowScratch(spec);
        int i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            HalfVectors.load(S, I, src, srcOff + 2L * i).intoMemorySegment(row, rowOff + 4L * i, LE);
        }
        for (; i < n; i++) {
            row.set(F32, rowOff + 4L * i, Fp16.f16ToF32(src.get(F16, srcOff + 2L * i)));
        }
        rotateF32(RopeSpec.rotatedOnly(spec), cache, row, rowOff, row, rowOff);
        for (i = 0; i + F.length() <= n; i += F.length()) {
            HalfVectors.store(S, FloatVector.fromMemorySegment(F, row, rowOff + 4L * i, LE), dst, dstOff + 2L * i);
        }
        for (; i < n; i++) {
            dst.set(F16, dstOff + 2L * i, Fp16.f32ToF16(row.get(F32, rowOff + 4L * i)));
        }
        ScalarRopeKernels.copyTail(spec, 2, src, srcOff, dst, dstOff);
    }

    /** Float index of the f16 row scratch: after the layouts, the angles and the sin/cos scratch. */
    private static int rowScratch(RopeSpec spec) {
        return 2 * spec.nDims() + 3 * (spec.nDims() / 2);
    }
}
