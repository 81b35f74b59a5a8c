package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;

import io.ggmljava.core.UnaryOp;
import io.ggmljava.ops.UnaryKernels;
import java.lang.foreign.MemorySegment;

/** Plain-loop reference implementation of {@link UnaryKernels}: written to be read; the oracle for fast paths. */
public final class ScalarUnaryKernels implements UnaryKernels {
    public static final ScalarUnaryKernels INSTANCE = new ScalarUnaryKernels();

    private ScalarUnaryKernels() {
    }

    /** One of ggml's unary ops on one value, as its CPU computes it (libm where ggml calls libm). */
    public static float unary(UnaryOp op, float x) {
        return switch (op) {
            case ABS -> Math.abs(x);
            case SGN -> x > 0f ? 1f : x < 0f ? -1f : 0f;
            case NEG -> -x;
            case STEP -> x > 0f ? 1f : 0f;
            case TANH -> (float) Math.tanh(x);
            case ELU -> x > 0f ? x : (float) Math.expm1(x);
            case RELU -> x > 0f ? x : 0f;
            case SIGMOID -> 1f / (1f + (float) Math.exp(-x));
            case GELU -> GgmlMath.gelu(x);
            case GELU_QUICK -> GgmlMath.geluQuick(x);
            case SILU -> GgmlMath.silu(x);
            case HARDSWISH -> x * fminf(1.0f, fmaxf(0.0f, (x + 3.0f) / 6.0f));
            case HARDSIGMOID -> fminf(1.0f, fmaxf(0.0f, (x + 3.0f) / 6.0f));
            case EXP -> (float) Math.exp(x);
        };
    }

    /** C's {@code fmaxf}: a NaN argument is ignored (unlike {@link Math#max}). */
    public static float fmaxf(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.max(a, b);
    }

    /** C's {@code fminf}: a NaN argument is ignored (unlike {@link Math#min}). */
    public static float fminf(float a, float b) {
        return Float.isNaN(a) ? b : Float.isNaN(b) ? a : Math.min(a, b);
    }

    /** SQR, SQRT, LOG, SIN, COS on one value. */
    public static float math(MathOp op, float x) {
        return switch (op) {
            case SQR -> x * x;
            case SQRT -> (float) Math.sqrt(x);
            case LOG -> (float) Math.log(x);
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
        };
    }

    /** ggml's {@code fmaxf}/{@code fminf}-free clamp: {@code MAX(MIN(x, max), min)} with C's comparison macros. */
    public static float clamp(float x, float min, float max) {
        float lo = x < max ? x : max;
        return lo > min ? lo : min;
    }

    public static float leakyRelu(float x, float slope) {
        return (x > 0f ? x : 0f) + slope * (x < 0f ? x : 0f);
    }

    /** {@code dy * s * (1 + x*(1 - s))}, {@code s = 1/(1 + e^-x)} with libm's exp. */
    public static float siluBack(float x, float dy) {
        float s = 1.0f / (1.0f + (float) Math.exp(-x));
        return dy * s * (1.0f + x * (1.0f - s));
    }

    @Override
    public void unary(UnaryOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, unary(op, x.get(F32, xOff + 4L * i)));
        }
    }

    @Override
    public void math(MathOp op, MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, math(op, x.get(F32, xOff + 4L * i)));
        }
    }

    @Override
    public void scale(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float s) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, x.get(F32, xOff + 4L * i) * s);
        }
    }

    @Override
    public void clamp(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float min, float max) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, clamp(x.get(F32, xOff + 4L * i), min, max));
        }
    }

    @Override
    public void leakyRelu(MemorySegment x, long xOff, MemorySegment y, long yOff, int n, float slope) {
        for (int i = 0; i < n; i++) {
            y.set(F32, yOff + 4L * i, leakyRelu(x.get(F32, xOff + 4L * i), slope));
        }
    }

    @Override
    public void siluBack(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
                         int n) {
        for (int i = 0; i < n; i++) {
            dx.set(F32, dxOff + 4L * i, siluBack(x.get(F32, xOff + 4L * i), dy.get(F32, dyOff + 4L * i)));
        }
    }
}
