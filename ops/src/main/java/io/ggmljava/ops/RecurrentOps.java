package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Op drivers for SSM_CONV, SSM_SCAN, RWKV_WKV6 and GATED_LINEAR_ATTN. The Mamba ops split channels
 * ({@code d_inner}) over threads, the linear-attention ops split heads (as ggml); each thread walks all tokens of its
 * share in order, since the state of a token depends on the previous one.
 */
final class RecurrentOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RecurrentOps() {
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        for (int i = 0; i < node.srcCount(); i++) {
            if (node.src(i).type() != GgmlType.F32) {
                throw new UnsupportedTypeException(node.op() + ": all sources must be f32; src" + i + " is "
                        + node.src(i).describe());
            }
            if (node.src(i).nb(0) != 4) {
                throw new UnsupportedOperationException(node.op() + ": rows of src" + i + " must have contiguous"
                        + " elements");
            }
        }
        RecurrentKernels k = p.recurrent();
        switch (node.op()) {
            case SSM_CONV -> ssmConv(k, node, cp);
            case SSM_SCAN -> ssmScan(k, node, cp);
            case RWKV_WKV6 -> linearAttention(k, node, cp, true);
            case GATED_LINEAR_ATTN -> linearAttention(k, node, cp, false);
            default -> throw new UnsupportedOperationException(node.opDesc() + " is not supported by ggml-java");
        }
    }

    /** sx [d_conv-1+n_t, d_inner, n_s], c [d_conv, d_inner]; dst [d_inner, n_t, n_s]. */
    private static void ssmConv(RecurrentKernels k, Tensor dst, ComputeParams cp) {
        Tensor sx = dst.src(0);
        Tensor c = dst.src(1);
        int dConv = (int) c.ne(0);
        long dInner = sx.ne(1);
        long r0 = Rows.start(dInner, cp.ith(), cp.nth());
        long r1 = Rows.end(dInner, cp.ith(), cp.nth());
        MemorySegment out = dst.data();
        for (long i3 = 0; i3 < dst.ne(2); i3++) {
            for (long t = 0; t < dst.ne(1); t++) {
                for (long i1 = r0; i1 < r1; i1++) {
                    // sliding window: taps t .. t+d_conv-1 of channel i1
                    float y = k.ssmConvRow(sx.data(), t * 4 + i1 * sx.nb(1) + i3 * sx.nb(2), c.data(), i1 * c.nb(1),
                            dConv);
                    out.set(F32, i1 * dst.nb(0) + t * dst.nb(1) + i3 * dst.nb(2), y);
                }
            }
        }
    }

    /**
     * s [d_state, d_inner, n_seqs], x and dt [d_inner, n_t, n_seqs], A [d_state, d_inner], B and C [d_state, n_t,
     * n_seqs]; dst (1-d) holds y (x's layout) then the final states (s's layout). Token {@code t > 0} of a sequence
     * reads the state the previous token wrote into dst.
     */
    private static void ssmScan(RecurrentKernels k, Tensor dst, ComputeParams cp) {
        Tensor s = dst.src(0);
        Tensor x = dst.src(1);
        Tensor dt = dst.src(2);
        Tensor a = dst.src(3);
        Tensor b = dst.src(4);
        Tensor c = dst.src(5);
        int dState = (int) s.ne(0);
        long dInner = s.ne(1);
        long nT = x.ne(1);
        long nSeqs = s.ne(2);
        long yBytes = x.nelements() * 4; // the states follow the outputs
        MemorySegment out = dst.data();
        long r0 = Rows.start(dInner, cp.ith(), cp.nth());
        long r1 = Rows.end(dInner, cp.ith(), cp.nth());
        for (long i3 = 0; i3 < nSeqs; i3++) {
            for (long t = 0; t < nT; t++) {
                for (long i1 = r0; i1 < r1; i1++) {
                    long state = yBytes + (i3 * dInner + i1) * dState * 4L;
                    MemorySegment prev = t == 0 ? s.data() : out;
                    long prevOff = t == 0 ? i1 * s.nb(1) + i3 * s.nb(2) : state;
                    float xv = x.data().get(F32, i1 * x.nb(0) + t * x.nb(1) + i3 * x.nb(2));
                    float dtv = dt.data().get(F32, i1 * dt.nb(0) + t * dt.nb(1) + i3 * dt.nb(2));
                    float y = k.ssmScanRow(dState, xv, dtv, prev, prevOff, a.data(), i1 * a.nb(1), b.data(),
                            t * b.nb(1) + i3 * b.nb(2), c.data(), t * c.nb(1) + i3 * c.nb(2), out, state);
                    out.set(F32, (i1 + (t + i3 * nT) * dInner) * 4, y);
                }
            }
        }
    }

    /**
     * RWKV_WKV6 (k, v, r, tf, td, state) or GATED_LINEAR_ATTN (k, v, q, g, state; scale): k, v, r|q, td|g
     * [S, H, T], tf [S, H], state [S*S*H, n_seqs]; dst [S*H, T + S*n_seqs] = outputs, then final states. The T tokens
     * are n_seqs consecutive sequences; the first token of each starts from the given state.
     */
    private static void linearAttention(RecurrentKernels kern, Tensor dst, ComputeParams cp, boolean wkv6) {
        Tensor k = dst.src(0);
        Tensor v = dst.src(1);
        Tensor rq = dst.src(2);
        Tensor tf = wkv6 ? dst.src(3) : null;
        Tensor decay = wkv6 ? dst.src(4) : dst.src(3);
        Tensor state0 = wkv6 ? dst.src(5) : dst.src(4);
        float scale = wkv6 ? 1.0f : dst.opParamF32(0);
        long tokens = v.ne(2);
        long heads = v.ne(1);
        long c = dst.ne(0);
        int s = (int) (c / heads);
        long nSeqs = state0.ne(1);
        long perSeq = tokens / nSeqs;
        if (c % heads != 0 || perSeq * nSeqs != tokens) {
            throw new IllegalArgumentException(dst.op() + ": C (" + c + ") must be a multiple of the head count ("
                    + heads + ") and the tokens (" + tokens + ") a multiple of n_seqs (" + nSeqs + ")");
        }
        // heads split as ggml: [H*ith/nth, H*(ith+1)/nth)
        long h0 = heads * cp.ith() / cp.nth();
        long h1 = Math.min(heads, heads * (cp.ith() + 1) / cp.nth());
        MemorySegment out = dst.data();
        long stateBase = tokens * c * 4;
        for (long t = 0; t < tokens; t++) {
            for (long h = h0; h < h1; h++) {
                out.asSlice((t * c + h * s) * 4, 4L * s).fill((byte) 0);
            }
        }
        for (long t = 0; t < tokens; t++) {
            long seq = t / perSeq;
            long stateCur = stateBase + seq * (long) s * c * 4;
            boolean first = t % perSeq == 0;
            MemorySegment prevSeg = first ? state0.data() : out;
            long prevBase = first ? seq * (long) s * c * 4 : stateCur;
            for (long h = h0; h < h1; h++) {
                long th = (t * c + h * s) * 4;      // [S] row of token t, head h
                long hs = h * (long) s * s * 4;     // [S, S] state of head h
                for (int i = 0; i < s; i++) {
                    float kv = k.data().get(F32, th + 4L * i);
                    float rqv = rq.data().get(F32, th + 4L * i);
                    float dv = decay.data().get(F32, th + 4L * i);
                    long row = hs + (long) i * s * 4;
                    if (wkv6) {
                        float tfv = tf.data().get(F32, (h * s + i) * 4);
                        kern.wkv6Row(s, kv, rqv, tfv, dv, v.data(), th, prevSeg, prevBase + row, out, stateCur + row,
                                out, th);
                    } else {
                        kern.glaRow(s, kv, rqv * scale, dv, v.data(), th, prevSeg, prevBase + row, out,
                                stateCur + row, out, th);
                    }
                }
            }
        }
    }
}
