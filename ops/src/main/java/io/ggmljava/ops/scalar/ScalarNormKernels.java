package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;

import io.ggmljava.ops.NormKernels;
import java.lang.foreign.MemorySegment;

/**
 * Plain-loop reference implementation of {@link NormKernels}: written to be read; the oracle for fast paths.
 * Sums are in double, the statistics derived from them rounded to float exactly where ggml rounds them.
 */
public final class ScalarNormKernels implements NormKernels {
    public static final ScalarNormKernels INSTANCE = new ScalarNormKernels();

    private ScalarNormKernels() {
    }

    @Override
    public void norm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x.get(F32, xOff + 4L * i);
        }
        float mean = (float) (sum / n);
        double sum2 = center(x, xOff, y, yOff, n, mean);
        float variance = (float) (sum2 / n);
        float scale = 1.0f / (float) Math.sqrt(variance + eps);
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, y.get(F32, yOff + 4L * i) * scale);
        }
    }

    @Override
    public void rmsNorm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, xOff + 4L * i);
            sum += v * v;                                 // the square in float, the sum in double
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, x.get(F32, xOff + 4L * i) * scale);
        }
    }

    @Override
    public void rmsNormBack(MemorySegment dz, long dzOff, MemorySegment x, long xOff, MemorySegment dx, long dxOff,
                            int n, float eps) {
        double sumXx = 0;
        double sumXdz = 0;
        for (int i = 0; i < n; i++) {
            float xi = x.get(F32, xOff + 4L * i);
            sumXx += xi * xi;
            sumXdz += xi * dz.get(F32, dzOff + 4L * i);
        }
        float meanEps = (float) sumXx / n + eps;
        float sumEps = (float) sumXx + eps * n;
        float rrms = 1.0f / (float) Math.sqrt(meanEps);
        float k = (float) (-sumXdz) / sumEps;
        // dx = (x * (-sum_xdz / sum_eps) + dz) * rrms, in ggml's order of float operations
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, xOff + 4L * i) * k;
            v += dz.get(F32, dzOff + 4L * i);
            dx.set(F32, dxOff + 4L * i, v * rrms);
        }
    }

    @Override
    public double center(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float mean) {
        double sum2 = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, xOff + 4L * i) - mean;
            y.set(F32, yOff + 4L * i, v);
            sum2 += v * v;
        }
        return sum2;
    }
}
