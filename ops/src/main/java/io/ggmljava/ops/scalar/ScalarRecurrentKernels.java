package io.ggmljava.ops.scalar;

import io.ggmljava.ops.RecurrentKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-loop reference implementation of {@link RecurrentKernels}: written to be read; the oracle for fast paths.
 * Where ggml's C writes {@code a*b + c} its build fuses it into one FMA; so do these loops.
 */
public final class ScalarRecurrentKernels implements RecurrentKernels {
    public static final ScalarRecurrentKernels INSTANCE = new ScalarRecurrentKernels();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarRecurrentKernels() {
    }

    @Override
    public float ssmConvRow(MemorySegment sx, long sxOff, MemorySegment c, long cOff, int dConv) {
        float sum = 0.0f;
        for (int j = 0; j < dConv; j++) {
            sum = Math.fma(sx.get(F32, sxOff + 4L * j), c.get(F32, cOff + 4L * j), sum);
        }
        return sum;
    }

    /** Mamba's softplus with ggml's threshold: {@code log1p(exp(dt))}, or {@code dt} above 20. */
    public static float softplus(float dt) {
        return dt <= 20.0f ? (float) Math.log1p((float) Math.exp(dt)) : dt;
    }

    @Override
    public float ssmScanRow(int dState, float x, float dt, MemorySegment s0, long s0Off, MemorySegment a, long aOff,
                            MemorySegment b, long bOff, MemorySegment c, long cOff, MemorySegment s, long sOff) {
        float dtSoftPlus = softplus(dt);
        float xDt = x * dtSoftPlus;
        float y = 0.0f;
        for (int i = 0; i < dState; i++) {
            float decay = (float) Math.exp(dtSoftPlus * a.get(F32, aOff + 4L * i));
            float state = Math.fma(s0.get(F32, s0Off + 4L * i), decay, b.get(F32, bOff + 4L * i) * xDt);
            y = Math.fma(state, c.get(F32, cOff + 4L * i), y);
            s.set(F32, sOff + 4L * i, state);
        }
        return y;
    }

    @Override
    public void wkv6Row(int n, float k, float r, float tf, float td, MemorySegment v, long vOff, MemorySegment prev,
                        long prevOff, MemorySegment state, long stateOff, MemorySegment dst, long dstOff) {
        for (int j = 0; j < n; j++) {
            float kv = v.get(F32, vOff + 4L * j) * k;
            float p = prev.get(F32, prevOff + 4L * j);
            float t = Math.fma(kv, tf, p);
            long o = dstOff + 4L * j;
            dst.set(F32, o, Math.fma(t, r, dst.get(F32, o)));
            state.set(F32, stateOff + 4L * j, Math.fma(p, td, kv));
        }
    }

    @Override
    public void glaRow(int n, float k, float q, float g, MemorySegment v, long vOff, MemorySegment prev, long prevOff,
                       MemorySegment state, long stateOff, MemorySegment dst, long dstOff) {
        for (int j = 0; j < n; j++) {
            float kv = v.get(F32, vOff + 4L * j) * k;
            float t = Math.fma(prev.get(F32, prevOff + 4L * j), g, kv);
            long o = dstOff + 4L * j;
            dst.set(F32, o, Math.fma(t, q, dst.get(F32, o)));
            state.set(F32, stateOff + 4L * j, t);
        }
    }
}
