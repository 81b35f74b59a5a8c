package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;
import static io.ggmljava.ops.Layouts.I16;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.SoftMaxKernels;
import java.lang.foreign.MemorySegment;

/** Plain-loop reference implementation of {@link SoftMaxKernels}: written to be read; the oracle for fast paths. */
public final class ScalarSoftMaxKernels implements SoftMaxKernels {
    public static final ScalarSoftMaxKernels INSTANCE = new ScalarSoftMaxKernels();

    private ScalarSoftMaxKernels() {
    }

    @Override
    public void softMax(MemorySegment x, long xOff, MemorySegment mask, long maskOff, GgmlType maskType, float scale,
                        float slope, MemorySegment y, long yOff, int n) {
        // 1. logits w = x*scale + slope*mask, kept in y (ggml keeps them in a scratch row)
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float w = x.get(F32, xOff + 4L * i) * scale;
            if (mask != null) {
                float m = maskType == GgmlType.F16 ? Float.float16ToFloat(mask.get(I16, maskOff + 2L * i))
                        : mask.get(F32, maskOff + 4L * i);
                w = Math.fma(slope, m, w);
            }
            y.set(F32, yOff + 4L * i, w);
            max = max > w ? max : w;
        }
        // 2. e^(w - max) with ggml's expf, summed in double
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = GgmlMath.expf(y.get(F32, yOff + 4L * i) - max);
            y.set(F32, yOff + 4L * i, e);
            sum += e;
        }
        // 3. normalise by a float scale, as ggml_vec_scale_f32(1/sum)
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, y.get(F32, yOff + 4L * i) * inv);
        }
    }

    @Override
    public void softMaxBack(MemorySegment dy, long dyOff, MemorySegment y, long yOff, MemorySegment dx, long dxOff,
                            int n, float scale) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
            dot += y.get(F32, yOff + 4L * i) * dy.get(F32, dyOff + 4L * i);
        }
        float d = (float) dot;
        for (int i = 0; i < n; i++) {
            float v = (dy.get(F32, dyOff + 4L * i) - d) * y.get(F32, yOff + 4L * i);
            dx.set(F32, dxOff + 4L * i, v * scale);
        }
    }
}
