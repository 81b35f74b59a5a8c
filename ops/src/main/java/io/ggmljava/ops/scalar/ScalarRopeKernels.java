package io.ggmljava.ops.scalar;

import io.ggmljava.core.Fp16;
import io.ggmljava.ops.RopeKernels;
import io.ggmljava.ops.RopeSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-loop reference implementation of {@link RopeKernels}: written to be read; the oracle for fast paths.
 *
 * <p>Cache layout (as ggml's): {@code cache[2i] = cos(theta_i)*mscale}, {@code cache[2i+1] = sin(theta_i)*mscale*
 * sinSign} for the {@code nDims/2} pairs. cos/sin are evaluated in double and rounded to float, which is what
 * glibc's {@code cosf}/{@code sinf} return for all but a vanishing fraction of arguments.
 */
public final class ScalarRopeKernels implements RopeKernels {
    public static final ScalarRopeKernels INSTANCE = new ScalarRopeKernels();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarRopeKernels() {
    }

    @Override
    public int cacheSize(RopeSpec spec) {
        // nDims for (cos, sin) pairs, nDims/2 for the angles
        return spec.nDims() + spec.nDims() / 2;
    }

    @Override
    public void fillCache(RopeSpec spec, long pos, float[] cache) {
        int pairs = spec.nDims() / 2;
        int angles = spec.nDims(); // the angles go after the (cos, sin) pairs
        spec.thetas(pos, cache, angles);
        for (int i = 0; i < pairs; i++) {
            float theta = cache[angles + i];
            cache[2 * i] = (float) Math.cos(theta) * spec.mscale();
            cache[2 * i + 1] = (float) Math.sin(theta) * spec.mscale() * spec.sinSign();
        }
    }

    @Override
    public void rotateF32(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst,
                          long dstOff) {
        int nDims = spec.nDims();
        // (a, b) are the element indices of pair i: (2i, 2i+1) normally, (i, i + nDims/2) for NeoX
        for (int i = 0; i < nDims / 2; i++) {
            int a = spec.neox() ? i : 2 * i;
            int b = spec.neox() ? i + nDims / 2 : 2 * i + 1;
            float x0 = src.get(F32, srcOff + 4L * a);
            float x1 = src.get(F32, srcOff + 4L * b);
            dst.set(F32, dstOff + 4L * a, rotated0(x0, x1, cache[2 * i], cache[2 * i + 1]));
            dst.set(F32, dstOff + 4L * b, rotated1(x0, x1, cache[2 * i], cache[2 * i + 1]));
        }
        copyTail(spec, 4, src, srcOff, dst, dstOff);
    }

    @Override
    public void rotateF16(RopeSpec spec, float[] cache, MemorySegment src, long srcOff, MemorySegment dst,
                          long dstOff) {
        int nDims = spec.nDims();
        for (int i = 0; i < nDims / 2; i++) {
            int a = spec.neox() ? i : 2 * i;
            int b = spec.neox() ? i + nDims / 2 : 2 * i + 1;
            float x0 = Fp16.f16ToF32(src.get(F16, srcOff + 2L * a));
            float x1 = Fp16.f16ToF32(src.get(F16, srcOff + 2L * b));
            dst.set(F16, dstOff + 2L * a, Fp16.f32ToF16(rotated0(x0, x1, cache[2 * i], cache[2 * i + 1])));
            dst.set(F16, dstOff + 2L * b, Fp16.f32ToF16(rotated1(x0, x1, cache[2 * i], cache[2 * i + 1])));
        }
        copyTail(spec, 2, src, srcOff, dst, dstOff);
    }

    /** {@code x0*cos - x1*sin}, contracted to one FMA as in ggml's build (bit-identical results). */
    static float rotated0(float x0, float x1, float cos, float sin) {
        return Math.fma(x0, cos, -(x1 * sin));
    }

    /** {@code x0*sin + x1*cos}, contracted to one FMA as in ggml's build. */
    static float rotated1(float x0, float x1, float cos, float sin) {
        return Math.fma(x0, sin, x1 * cos);
    }

    /** Copies the elements past {@code nDims} unchanged (raw bytes, so f16 NaN payloads survive). */
    public static void copyTail(RopeSpec spec, int elemBytes, MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        long rest = (long) (spec.ne0() - spec.nDims()) * elemBytes;
        if (rest > 0) {
            long skip = (long) spec.nDims() * elemBytes;
            MemorySegment.copy(src, srcOff + skip, dst, dstOff + skip, rest);
        }
    }
}
