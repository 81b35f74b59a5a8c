package io.ggmljava.ops.scalar;

import io.ggmljava.core.Fp16;
import io.ggmljava.ops.AttentionKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-loop reference implementation of {@link AttentionKernels}: written to be read; the oracle for fast paths.
 * Dot products sum float products in double, as ggml's generic {@code ggml_vec_dot_f16}/{@code _f32}.
 */
public final class ScalarAttentionKernels implements AttentionKernels {
    public static final ScalarAttentionKernels INSTANCE = new ScalarAttentionKernels();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarAttentionKernels() {
    }

    @Override
    public void toF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(F16, dstOff + 2L * i, Fp16.f32ToF16(src.get(F32, srcOff + 4L * i)));
        }
    }

    @Override
    public void fromF16(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(F32, dstOff + 4L * i, Fp16.f16ToF32(src.get(F16, srcOff + 2L * i)));
        }
    }

    @Override
    public float dotF16(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Fp16.f16ToF32(x.get(F16, xOff + 2L * i)) * Fp16.f16ToF32(y.get(F16, yOff + 2L * i));
        }
        return (float) sum;
    }

    @Override
    public float dotF32(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x.get(F32, xOff + 4L * i) * y.get(F32, yOff + 4L * i);
        }
        return (float) sum;
    }

    /** Rounds to the nearest f16 value (ties to even), returned as f32. */
    private static float half(float f) {
        return Fp16.f16ToF32(Fp16.f32ToF16(f));
    }

    @Override
    public void scaleHalf(MemorySegment y, long yOff, int n, float v) {
        for (int i = 0; i < n; i++) {
            long o = yOff + 4L * i;
            y.set(F32, o, half(y.get(F32, o) * v));
        }
    }

    @Override
    public void madHalf(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        for (int i = 0; i < n; i++) {
            long o = yOff + 4L * i;
            float xi = Fp16.f16ToF32(x.get(F16, xOff + 2L * i));
            y.set(F32, o, half(Math.fma(xi, v, y.get(F32, o))));
        }
    }

    @Override
    public void scaleF32(MemorySegment y, long yOff, int n, float v) {
        for (int i = 0; i < n; i++) {
            long o = yOff + 4L * i;
            y.set(F32, o, y.get(F32, o) * v);
        }
    }

    @Override
    public void madF32(MemorySegment y, long yOff, MemorySegment x, long xOff, int n, float v) {
        for (int i = 0; i < n; i++) {
            long o = yOff + 4L * i;
            y.set(F32, o, Math.fma(x.get(F32, xOff + 4L * i), v, y.get(F32, o)));
        }
    }
}
