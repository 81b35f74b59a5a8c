package io.ggmljava.ops.scalar;

import io.ggmljava.core.Fp16;
import io.ggmljava.ops.ConvKernels;
import io.ggmljava.ops.ConvSpecs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Plain-loop reference implementation of {@link ConvKernels}: written to be read; the oracle for fast paths. */
public final class ScalarConvKernels implements ConvKernels {
    public static final ScalarConvKernels INSTANCE = new ScalarConvKernels();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** C's FLT_MAX: ggml starts max pooling at -FLT_MAX, not -infinity. */
    private static final float FLT_MAX = Float.MAX_VALUE;

    private ScalarConvKernels() {
    }

    @Override
    public void im2colPatch(ConvSpecs.Im2col g, MemorySegment src, long imageOff, long oh, long ow, MemorySegment dst,
                            long dstOff, boolean f16) {
        int e = 0;
        for (int c = 0; c < g.ic(); c++) {
            for (int y = 0; y < g.kh(); y++) {
                long iy = oh * g.s1() + (long) y * g.d1() - g.p1();
                for (int x = 0; x < g.kw(); x++, e++) {
                    long ix = ow * g.s0() + (long) x * g.d0() - g.p0();
                    float v = iy < 0 || iy >= g.ih() || ix < 0 || ix >= g.iw() ? 0.0f
                            : src.get(F32, imageOff + c * g.nbC() + iy * g.nbH() + ix * g.nbW());
                    if (f16) {
                        dst.set(I16, dstOff + 2L * e, Fp16.f32ToF16(v));
                    } else {
                        dst.set(F32, dstOff + 4L * e, v);
                    }
                }
            }
        }
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        return ScalarAttentionKernels.INSTANCE.dotF32(x, xOff, y, yOff, n);
    }

    @Override
    public float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        return ScalarAttentionKernels.INSTANCE.dotF16(x, xOff, y, yOff, n);
    }

    @Override
    public void pool1dRow(boolean avg, boolean f16, int k, MemorySegment src, long srcOff, int outLen,
                          MemorySegment dst, long dstOff) {
        for (int i = 0; i < outLen; i++) {
            float acc = avg ? 0.0f : -FLT_MAX;
            for (int j = i * k; j < i * k + k; j++) {
                float v = load(src, srcOff, j, f16);
                if (avg) {
                    acc += v;
                } else if (v > acc) { // NaN never wins, as in ggml
                    acc = v;
                }
            }
            dst.set(F32, dstOff + 4L * i, avg ? acc / k : acc);
        }
    }

    @Override
    public void pool2dRow(ConvSpecs.Pool2d g, MemorySegment src, long planeOff, long nb1, long oy, MemorySegment dst,
                          long dstOff) {
        for (long ox = 0; ox < g.ow(); ox++) {
            dst.set(F32, dstOff + 4L * ox, pool2dOne(g, src, planeOff, nb1, ox, oy));
        }
    }

    /** One POOL_2D output; also the border path of the vector kernel. */
    public static float pool2dOne(ConvSpecs.Pool2d g, MemorySegment src, long planeOff, long nb1, long ox, long oy) {
        float acc = g.avg() ? 0.0f : -FLT_MAX;
        long ix = ox * g.s0() - g.p0();
        long iy = oy * g.s1() - g.p1();
        for (int ky = 0; ky < g.k1(); ky++) {
            if (iy + ky < 0 || iy + ky >= g.ih()) {
                continue;
            }
            long row = planeOff + (iy + ky) * nb1;
            for (int kx = 0; kx < g.k0(); kx++) {
                long j = ix + kx;
                if (j < 0 || j >= g.iw()) {
                    continue;
                }
                float v = load(src, row, j, g.f16());
                if (g.avg()) {
                    acc += v;
                } else if (v > acc) {
                    acc = v;
                }
            }
        }
        // average pooling divides by the whole window, padded taps included
        return g.avg() ? acc / (g.k0() * g.k1()) : acc;
    }

    private static float load(MemorySegment src, long off, long j, boolean f16) {
        return f16 ? Fp16.f16ToF32(src.get(I16, off + 2 * j)) : src.get(F32, off + 4 * j);
    }

    @Override
    public void gatherRow(int[] index, int elemBytes, MemorySegment src, long srcOff, long srcNb0, MemorySegment dst,
                          long dstOff, long dstNb0) {
        for (int i = 0; i < index.length; i++) {
            long s = srcOff + index[i] * srcNb0;
            long d = dstOff + i * dstNb0;
            switch (elemBytes) {
                case 1 -> dst.set(ValueLayout.JAVA_BYTE, d, src.get(ValueLayout.JAVA_BYTE, s));
                case 2 -> dst.set(I16, d, src.get(I16, s));
                case 4 -> dst.set(I32, d, src.get(I32, s));
                case 8 -> dst.set(I64, d, src.get(I64, s));
                default -> MemorySegment.copy(src, s, dst, d, elemBytes);
            }
        }
    }
}
