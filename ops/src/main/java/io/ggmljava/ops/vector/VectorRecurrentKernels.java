package io.ggmljava.ops.vector;

import io.ggmljava.ops.RecurrentKernels;
import io.ggmljava.ops.scalar.ScalarRecurrentKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link RecurrentKernels}. RWKV_WKV6 and GATED_LINEAR_ATTN vectorize over {@code j}
 * (lane-wise, bit-identical to scalar, as ggml's AVX-512 loop). SSM_SCAN vectorizes over the state with a
 * double-precision exp ({@link VectorMath#exp}); its output sum is then added lane-wise before one reduction, so it
 * differs from the scalar order in the last bits. SSM_CONV sums {@code d_conv} (typically 4) taps per output, and
 * across channels its inputs are strided: the scalar loop is the fast path.
 */
final class VectorRecurrentKernels implements RecurrentKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarRecurrentKernels SCALAR = ScalarRecurrentKernels.INSTANCE;

    private final VectorSpecies<Float> fs;
    private final VectorMath math;
    /** Per-thread scratch for SSM_SCAN's exp arguments and results. */
    private final ThreadLocal<float[][]> scratch = new ThreadLocal<>();

    VectorRecurrentKernels(VectorSpecies<Float> fs) {
        this.fs = fs;
        this.math = new VectorMath(fs.vectorBitSize());
    }

    private int vectorPart(int n) {
        return n < 2 * fs.length() ? 0 : fs.loopBound(n);
    }

    @Override
    public float ssmConvRow(MemorySegment sx, long sxOff, MemorySegment c, long cOff, int dConv) {
        return SCALAR.ssmConvRow(sx, sxOff, c, cOff, dConv);
    }

    @Override
    public float ssmScanRow(int dState, float x, float dt, MemorySegment s0, long s0Off, MemorySegment a, long aOff,
                            MemorySegment b, long bOff, MemorySegment c, long cOff, MemorySegment s, long sOff) {
        int m = vectorPart(dState);
        if (m == 0) {
            return SCALAR.ssmScanRow(dState, x, dt, s0, s0Off, a, aOff, b, bOff, c, cOff, s, sOff);
        }
        float dtSoftPlus = ScalarRecurrentKernels.softplus(dt);
        float xDt = x * dtSoftPlus;
        float[][] buf = buffers(m);
        float[] arg = buf[0];
        float[] decay = buf[1];
        for (int i = 0; i < m; i += fs.length()) {
            FloatVector.fromMemorySegment(fs, a, aOff + 4L * i, LE).mul(dtSoftPlus).intoArray(arg, i);
        }
        for (int i = 0; i < m; i += math.lanes()) {
            math.exp(arg, i, decay, i);
        }
        FloatVector acc = FloatVector.zero(fs);
        for (int i = 0; i < m; i += fs.length()) {
            FloatVector st = FloatVector.fromMemorySegment(fs, s0, s0Off + 4L * i, LE)
                    .fma(FloatVector.fromArray(fs, decay, i),
                            FloatVector.fromMemorySegment(fs, b, bOff + 4L * i, LE).mul(xDt));
            acc = st.fma(FloatVector.fromMemorySegment(fs, c, cOff + 4L * i, LE), acc);
            st.intoMemorySegment(s, sOff + 4L * i, LE);
        }
        float y = Lanes.sum(acc);
        for (int i = m; i < dState; i++) {
            float d = (float) Math.exp(dtSoftPlus * a.get(F32, aOff + 4L * i));
            float state = Math.fma(s0.get(F32, s0Off + 4L * i), d, b.get(F32, bOff + 4L * i) * xDt);
            y = Math.fma(state, c.get(F32, cOff + 4L * i), y);
            s.set(F32, sOff + 4L * i, state);
        }
        return y;
    }

    private float[][] buffers(int n) {
        float[][] buf = scratch.get();
        if (buf == null || buf[0].length < n) {
            buf = new float[][]{new float[n], new float[n]};
            scratch.set(buf);
        }
        return buf;
    }

    @Override
    public void wkv6Row(int n, float k, float r, float tf, float td, MemorySegment v, long vOff, MemorySegment prev,
                        long prevOff, MemorySegment state, long stateOff, MemorySegment dst, long dstOff) {
        int m = vectorPart(n);
        FloatVector kk = FloatVector.broadcast(fs, k);
        FloatVector rr = FloatVector.broadcast(fs, r);
        FloatVector tff = FloatVector.broadcast(fs, tf);
        FloatVector tdd = FloatVector.broadcast(fs, td);
        for (int j = 0; j < m; j += fs.length()) {
            FloatVector kv = FloatVector.fromMemorySegment(fs, v, vOff + 4L * j, LE).mul(kk);
            FloatVector p = FloatVector.fromMemorySegment(fs, prev, prevOff + 4L * j, LE);
            long o = dstOff + 4L * j;
            kv.fma(tff, p).fma(rr, FloatVector.fromMemorySegment(fs, dst, o, LE)).intoMemorySegment(dst, o, LE);
            p.fma(tdd, kv).intoMemorySegment(state, stateOff + 4L * j, LE);
        }
        SCALAR.wkv6Row(n - m, k, r, tf, td, v, vOff + 4L * m, prev, prevOff + 4L * m, state, stateOff + 4L * m, dst,
                dstOff + 4L * m);
    }

    @Override
    public void glaRow(int n, float k, float q, float g, MemorySegment v, long vOff, MemorySegment prev, long prevOff,
                       MemorySegment state, long stateOff, MemorySegment dst, long dstOff) {
        int m = vectorPart(n);
        FloatVector kk = FloatVector.broadcast(fs, k);
        FloatVector qq = FloatVector.broadcast(fs, q);
        FloatVector gg = FloatVector.broadcast(fs, g);
        for (int j = 0; j < m; j += fs.length()) {
            FloatVector kv = FloatVector.fromMemorySegment(fs, v, vOff + 4L * j, LE).mul(kk);
            FloatVector t = FloatVector.fromMemorySegment(fs, prev, prevOff + 4L * j, LE).fma(gg, kv);
            long o = dstOff + 4L * j;
            t.fma(qq, FloatVector.fromMemorySegment(fs, dst, o, LE)).intoMemorySegment(dst, o, LE);
            t.intoMemorySegment(state, stateOff + 4L * j, LE);
        }
        SCALAR.glaRow(n - m, k, q, g, v, vOff + 4L * m, prev, prevOff + 4L * m, state, stateOff + 4L * m, dst,
                dstOff + 4L * m);
    }
}
