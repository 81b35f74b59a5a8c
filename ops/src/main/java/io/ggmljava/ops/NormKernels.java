package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * Normalisation row kernels: NORM, RMS_NORM, RMS_NORM_BACK and the centring step of GROUP_NORM.
 *
 * <p>Rows are {@code n} contiguous little-endian f32 values at byte offsets; outputs may alias inputs. Statistics
 * are accumulated in double, as ggml does ({@code ggml_float}), then rounded to float where ggml rounds them.
 */
public interface NormKernels {
    /** {@code y = (x - mean) / sqrt(var + eps)} (biased variance). */
    void norm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps);

    /** {@code y = x / sqrt(mean(x^2) + eps)}. */
    void rmsNorm(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float eps);

    /** Gradient of RMS_NORM: {@code dx} from the output gradient {@code dz} and the forward input {@code x}. */
    void rmsNormBack(MemorySegment dz, long dzOff, MemorySegment x, long xOff, MemorySegment dx, long dxOff, int n,
                     float eps);

    /** {@code y = x - mean}; returns {@code sum (x - mean)^2} (each square in float, summed in double). */
    double center(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float mean);
}
