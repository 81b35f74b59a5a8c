package io.ggmljava.ops.vector;

import io.ggmljava.ops.RecurrentKernels;
import io.ggmljava.ops.scalar.ScalarRecurrentKernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation of {@link RecurrentKernels}. RWKV_WKV6 and GATED_LINEAR_ATTN vectorize over {@code j}
 * (lane-wise, bit-identical to scalar, as ggml's AVX-512 loop). SSM_SCAN vectorizes over the state with a
 * double-precision exp ({@link VectorMath#exp}); its output sum is then added lane-wise before one reduction, so it
 * differs from the scalar order in the last bits. SSM_CONV sums {@code d_conv} (typically 4) taps per output, and
 * across channels its inputs are strided: the scalar loop is the fast path. A template (see {@link Specialized}):
 * one copy per vector width.
 */
final class VectorRecurrentKernels implements RecurrentKernels {
    static final VectorSpecies<Float> F = Specialized.species(MethodHandles.lookup());
    static final Transcendentals MATH = Specialized.instance(VectorMath.class, Transcendentals.class, F);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ScalarRecurrentKernels SCALAR = ScalarRecurrentKernels.INSTANCE;

    /** Per-thread scratch for SSM_SCAN's exp arguments and results. */
    private final ThreadLocal<float[][]> scratch = new ThreadLocal<>();

    static final VectorShuffle<Float> ROT8 = rotation(8);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> ROT2 = rotation(2);
    static final VectorShuffle<Float> ROT1 = rotation(1);

    public VectorRecurrentKernels() {
    }

    private static VectorShuffle<Float> rotation(int by) {
        int[] idx = new int[F.length()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = (i + by) % idx.length;
        }
        return VectorShuffle.fromArray(F, idx, 0);
    }

    /** The sum of the lanes in a fixed pairwise order (as {@code VectorAttentionKernels.hsum}). */
    private static float hsum(FloatVector v) {
        if (F.length() >= 16) {
            v = v.add(v.rearrange(ROT8));
        }
        if (F.length() >= 8) {
            v = v.add(v.rearrange(ROT4));
        }
        v = v.add(v.rearrange(ROT2));
        v = v.add(v.rearrange(ROT1));
        return v.lane(0);
    }

    private int vectorPart(int n) {
        return n < 2 * F.length() ? 0 : F.loopBound(n);
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
        for (int i = 0; i < m; i += F.length()) {
            FloatVector.fromMemorySegment(F, a, aOff + 4L * i, LE).mul(dtSoftPlus).intoArray(arg, i);
        }
        for (int i = 0; i < m; i += MATH.lanes()) {
            MATH.exp(arg, i, decay, i);
        }
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < m; i += F.length()) {
            FloatVector st = FloatVector.fromMemorySegment(F, s0, s0Off + 4L * i, LE)
                    .fma(FloatVector.fromArray(F, decay, i),
                            FloatVector.fromMemorySegment(F, b, bOff + 4L * i, LE).mul(xDt));
            acc = st.fma(FloatVector.fromMemorySegment(F, c, cOff + 4L * i, LE), acc);
            st.intoMemorySegment(s, sOff + 4L * i, LE);
        }
        float y = hsum(acc);
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
        FloatVector kk = FloatVector.broadcast(F, k);
        FloatVector rr = FloatVector.broadcast(F, r);
        FloatVector tff = FloatVector.broadcast(F, tf);
        FloatVector tdd = FloatVector.broadcast(F, td);
        for (int j = 0; j < m; j += F.length()) {
            FloatVector kv = FloatVector.fromMemorySegment(F, v, vOff + 4L * j, LE).mul(kk);
            FloatVector p = FloatVector.fromMemorySegment(F, prev, prevOff + 4L * j, LE);
            long o = dstOff + 4L * j;
            kv.fma(tff, p).fma(rr, FloatVector.fromMemorySegment(F, dst, o, LE)).intoMemorySegment(dst, o, LE);
            p.fma(tdd, kv).intoMemorySegment(state, stateOff + 4L * j, LE);
        }
        SCALAR.wkv6Row(n - m, k, r, tf, td, v, vOff + 4L * m, prev, prevOff + 4L * m, state, stateOff + 4L * m, dst,
                dstOff + 4L * m);
    }

    @Override
    public void glaRow(int n, float k, float q, float g, MemorySegment v, long vOff, MemorySegment prev, long prevOff,
                       MemorySegment state, long stateOff, MemorySegment dst, long dstOff) {
        int m = vectorPart(n);
        FloatVector kk = FloatVector.broadcast(F, k);
        FloatVector qq = FloatVector.broadcast(F, q);
        FloatVector gg = FloatVector.broadcast(F, g);
        for (int j = 0; j < m; j += F.length()) {
            FloatVector kv = FloatVector.fromMemorySegment(F, v, vOff + 4L * j, LE).mul(kk);
            FloatVector t = FloatVector.fromMemorySegment(F, prev, prevOff + 4L * j, LE).fma(gg, kv);
            long o = dstOff + 4L * j;
            t.fma(qq, FloatVector.fromMemorySegment(F, dst, o, LE)).intoMemorySegment(dst, o, LE);
            t.intoMemorySegment(state, stateOff + 4L * j, LE);
        }
        SCALAR.glaRow(n - m, k, q, g, v, vOff + 4L * m, prev, prevOff + 4L * m, state, stateOff + 4L * m, dst,
                dstOff + 4L * m);
    }
}
