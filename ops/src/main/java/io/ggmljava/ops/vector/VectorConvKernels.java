package io.ggmljava.ops.vector;

import io.ggmljava.core.Fp16;
import io.ggmljava.ops.AttentionKernels;
import io.ggmljava.ops.ConvKernels;
import io.ggmljava.ops.ConvSpecs;
import io.ggmljava.ops.scalar.ScalarConvKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast paths of {@link ConvKernels}, bit-identical to the scalar ones except for the dot products' summation order:
 * <ul>
 * <li>IM2COL with dilation 1 and contiguous input rows copies each in-image run of a kernel row in bulk (f32) or
 * converts it without per-tap bounds checks (f16);</li>
 * <li>the transposed convolutions' dot products use the vector dots of {@link VectorAttentionKernels};</li>
 * <li>POOL_2D with horizontal stride 1 pools a vector of interior outputs at a time (same per-lane order);</li>
 * <li>POOL_1D (disjoint windows of a few elements) and the UPSCALE gather have no contiguous inner loop to
 * vectorize: the scalar code is the fast path there.</li>
 * </ul>
 * A template (see {@link Specialized}): one copy per vector width.
 */
final class VectorConvKernels implements ConvKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final VectorSpecies<Short> S = HalfVectors.shorts(F);
    static final VectorSpecies<Integer> I = HalfVectors.ints(F);
    static final AttentionKernels DOTS = Specialized.instance(VectorAttentionKernels.class, AttentionKernels.class, F);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarConvKernels SCALAR = ScalarConvKernels.INSTANCE;

    public VectorConvKernels() {
    }

    @Override
    public void im2colPatch(ConvSpecs.Im2col g, MemorySegment src, long imageOff, long oh, long ow, MemorySegment dst,
                            long dstOff, boolean f16) {
        if (g.d0() != 1 || g.nbW() != 4) {
            SCALAR.im2colPatch(g, src, imageOff, oh, ow, dst, dstOff, f16);
            return;
        }
        int kw = g.kw();
        long ix0 = ow * g.s0() - g.p0();
        // kernel columns [xa, xb) fall inside the image
        int xa = (int) Math.max(0, Math.min(kw, -ix0));
        int xb = (int) Math.max(xa, Math.min(kw, g.iw() - ix0));
        long e = 0;
        for (int c = 0; c < g.ic(); c++) {
            for (int y = 0; y < g.kh(); y++, e += kw) {
                long iy = oh * g.s1() + (long) y * g.d1() - g.p1();
                boolean rowInside = iy >= 0 && iy < g.ih();
                int a = rowInside ? xa : kw;
                int b = rowInside ? xb : kw;
                long in = imageOff + c * g.nbC() + iy * g.nbH() + ix0 * 4;
                if (f16) {
                    long out = dstOff + 2 * e;
                    for (int x = 0; x < kw; x++) {
                        float v = x >= a && x < b ? src.get(F32, in + 4L * x) : 0.0f;
                        dst.set(I16, out + 2L * x, Fp16.f32ToF16(v));
                    }
                } else {
                    long out = dstOff + 4 * e;
                    for (int x = 0; x < a; x++) {
                        dst.set(F32, out + 4L * x, 0.0f);
                    }
                    if (b > a) {
                        MemorySegment.copy(src, in + 4L * a, dst, out + 4L * a, 4L * (b - a));
                    }
                    for (int x = Math.max(a, b); x < kw; x++) {
                        dst.set(F32, out + 4L * x, 0.0f);
                    }
                }
            }
        }
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        return DOTS.dotF32(x, xOff, y, yOff, n);
    }

    @Override
    public float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        return DOTS.dotF16(x, xOff, y, yOff, n);
    }

    @Override
    public void pool1dRow(boolean avg, boolean f16, int k, MemorySegment src, long srcOff, int outLen,
                          MemorySegment dst, long dstOff) {
        SCALAR.pool1dRow(avg, f16, k, src, srcOff, outLen, dst, dstOff);
    }

    @Override
    public void pool2dRow(ConvSpecs.Pool2d g, MemorySegment src, long planeOff, long nb1, long oy, MemorySegment dst,
                          long dstOff) {
        int lanes = F.length();
        if (g.s0() != 1 || g.ow() < 2L * lanes) {
            SCALAR.pool2dRow(g, src, planeOff, nb1, oy, dst, dstOff);
            return;
        }
        // outputs [lo, hi) have every horizontal tap inside the row: ox - p0 >= 0 and ox - p0 + k0 <= iw
        long lo = Math.min(g.ow(), g.p0());
        long hi = Math.max(lo, Math.min(g.ow(), g.iw() - g.k0() + g.p0() + 1));
        long ox = 0;
        for (; ox < lo; ox++) {
            dst.set(F32, dstOff + 4 * ox, ScalarConvKernels.pool2dOne(g, src, planeOff, nb1, ox, oy));
        }
        long iy = oy * g.s1() - g.p1();
        int esz = g.f16() ? 2 : 4;
        float init = g.avg() ? 0.0f : -Float.MAX_VALUE;
        for (; ox + lanes <= hi; ox += lanes) {
            FloatVector acc = FloatVector.broadcast(F, init);
            for (int ky = 0; ky < g.k1(); ky++) {
                if (iy + ky < 0 || iy + ky >= g.ih()) {
                    continue;
                }
                long row = planeOff + (iy + ky) * nb1 + (ox - g.p0()) * esz;
                for (int kx = 0; kx < g.k0(); kx++) {
                    long at = row + (long) kx * esz;
                    FloatVector v = g.f16() ? HalfVectors.load(S, I, src, at) : FloatVector.fromMemorySegment(F, src, at, LE);
                    acc = g.avg() ? acc.add(v) : acc.blend(v, v.compare(VectorOperators.GT, acc));
                }
            }
            if (g.avg()) {
                acc = acc.div((float) (g.k0() * g.k1()));
            }
            acc.intoMemorySegment(dst, dstOff + 4 * ox, LE);
        }
        for (; ox < g.ow(); ox++) {
            dst.set(F32, dstOff + 4 * ox, ScalarConvKernels.pool2dOne(g, src, planeOff, nb1, ox, oy));
        }
    }

    @Override
    public void gatherRow(int[] index, int elemBytes, MemorySegment src, long srcOff, long srcNb0, MemorySegment dst,
                          long dstOff, long dstNb0) {
        SCALAR.gatherRow(index, elemBytes, src, srcOff, srcNb0, dst, dstOff, dstNb0);
    }
}
