package io.ggmljava.ops;

import io.ggmljava.core.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * Element-wise unary row kernels: the UNARY ops (abs ... exp), SQR, SQRT, LOG, SIN, COS, CLAMP, LEAKY_RELU, SCALE,
 * SILU_BACK.
 *
 * <p>Every method reads {@code n} contiguous little-endian f32 values at byte offset {@code xOff} of {@code x} and
 * writes {@code n} results at {@code yOff} of {@code y}; {@code x} and {@code y} may be the same memory (in-place
 * ops). The op drivers iterate rows, split work over threads and call these. The scalar implementation is the
 * specification: GELU and GELU_QUICK go through ggml's f16 tables, SILU uses ggml's SIMD {@code expf}.
 */
public interface UnaryKernels {
    /** The element-wise functions that are ops of their own rather than UNARY ops. */
    enum MathOp {
        SQR, SQRT, LOG, SIN, COS
    }

    /** {@code y = op(x)} for one of ggml's unary ops (ggml_vec_<op>_f32). */
    void unary(UnaryOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code y = op(x)} for SQR, SQRT, LOG, SIN, COS. */
    void math(MathOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** {@code y = x * s}. */
    void scale(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float s);

    /** {@code y = max(min(x, max), min)}. */
    void clamp(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float min, float max);

    /** {@code y = max(x, 0) + slope * min(x, 0)}. */
    void leakyRelu(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float slope);

    /** The gradient of SILU: {@code dx = dy * s * (1 + x * (1 - s))} with {@code s = sigmoid(x)}. */
    void siluBack(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n);
}
