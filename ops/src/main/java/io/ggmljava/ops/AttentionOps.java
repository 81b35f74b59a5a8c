package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnsupportedTypeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Op driver for FLASH_ATTN_EXT, following ggml's CPU algorithm ({@code ggml_compute_forward_flash_attn_ext_f16}):
 * one query row at a time, online softmax over the keys, Q converted to K's dot type (f16 for f16 keys), and the
 * V accumulator kept in f16 when V is f16 (every update rounded to f16, which is the main precision loss).
 *
 * <p>Shapes: q f32 {@code [D, n_q, n_head, ne3]}, k {@code [D, n_kv, n_head_kv, ne3k]}, v {@code [D, n_kv,
 * n_head_v, ne3v]} ({@code n_head} a multiple of the K/V head counts), mask f16 {@code [>= n_kv, >= n_q]};
 * dst f32 {@code [D, n_head, n_q, ne3]}. Query rows are split over threads.
 */
final class AttentionOps {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Floats between two threads' work areas (ggml's CACHE_LINE_SIZE_F32). */
    private static final int PAD_F32 = 16;

    private AttentionOps() {
    }

    /** Per thread: the accumulator, a V row converted to f32, and Q in K's dot type (D floats each), as ggml. */
    static long workSize(Tensor node, int nTasks) {
        if (node.op() != Op.FLASH_ATTN_EXT) {
            return 0;
        }
        return (long) nTasks * (3 * node.src(0).ne(0) + PAD_F32) * Float.BYTES;
    }

    static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        switch (node.op()) {
            case FLASH_ATTN_EXT -> flashAttnExt(p, node, cp);
            default -> throw new UnsupportedOperationException(node.opDesc() + " is not supported by ggml-java");
        }
    }

    private static void flashAttnExt(KernelProvider p, Tensor dst, ComputeParams cp) {
        Tensor q = dst.src(0);
        Tensor k = dst.src(1);
        Tensor v = dst.src(2);
        Tensor mask = dst.src(3);
        check(dst, q, k, v, mask);
        int d = (int) q.ne(0);
        long nq = q.ne(1);
        long nHead = q.ne(2);
        long nKv = k.ne(1);
        long rk2 = q.ne(2) / k.ne(2);
        long rk3 = q.ne(3) / k.ne(3);
        long rv2 = q.ne(2) / v.ne(2);
        long rv3 = q.ne(3) / v.ne(3);

        float scale = dst.opParamF32(0);
        float maxBias = dst.opParamF32(1);
        float softcap = dst.opParamF32(2);
        if (softcap != 0) {
            scale /= softcap;
        }
        int nHeadLog2 = 1 << (int) Math.floor(Math.log(nHead) / Math.log(2));
        float m0 = (float) Math.pow(2.0f, -maxBias / nHeadLog2);
        float m1 = (float) Math.pow(2.0f, -(maxBias / 2.0f) / nHeadLog2);

        AttentionKernels ak = p.attention();
        GgmlType kType = k.type();
        GgmlType vType = v.type();
        boolean vHalf = vType == GgmlType.F16;
        GgmlType qType = QuantKernels.dotType(kType);

        MemorySegment work = cp.work();
        long base = (long) cp.ith() * (3L * d + PAD_F32) * Float.BYTES;
        long vkq32 = base;                   // the accumulator (f16 values when V is f16) and the result
        long v32 = base + 4L * d;            // V's row converted to f32 (quantized V)
        long qq = base + 8L * d;             // Q converted to K's dot type

        MemorySegment qd = q.data();
        MemorySegment kd = k.data();
        MemorySegment vd = v.data();
        MemorySegment md = mask != null ? mask.data() : null;
        MemorySegment out = dst.data();

        long nr = nq * nHead * q.ne(3);
        long r1 = Rows.end(nr, cp.ith(), cp.nth());
        for (long ir = Rows.start(nr, cp.ith(), cp.nth()); ir < r1; ir++) {
            long iq3 = ir / (nHead * nq);
            long iq2 = (ir - iq3 * nHead * nq) / nq;
            long iq1 = ir - iq3 * nHead * nq - iq2 * nq;
            int h = (int) iq2;
            float slope = maxBias > 0.0f
                    ? h < nHeadLog2 ? (float) Math.pow(m0, h + 1) : (float) Math.pow(m1, 2 * (h - nHeadLog2) + 1)
                    : 1.0f;

            float sum = 0.0f;
            float max = Float.NEGATIVE_INFINITY;
            work.asSlice(vkq32, 4L * d).fill((byte) 0);
            long maskRow = md != null ? iq1 * mask.nb(1) : 0;
            long kBase = (iq2 / rk2) * k.nb(2) + (iq3 / rk3) * k.nb(3);
            long vBase = (iq2 / rv2) * v.nb(2) + (iq3 / rv3) * v.nb(3);
            long qOff = iq1 * q.nb(1) + iq2 * q.nb(2) + iq3 * q.nb(3);
            switch (kType) {
                case F16 -> ak.toF16(qd, qOff, work, qq, d);
                case F32 -> MemorySegment.copy(qd, qOff, work, qq, 4L * d);
                default -> p.quant().fromFloatCpu(qType, qd, qOff, work, qq, d);
            }

            for (long ic = 0; ic < nKv; ic++) {
                float mv = md != null ? slope * Float.float16ToFloat(md.get(F16, maskRow + 2 * ic)) : 0.0f;
                if (mv == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                long kOff = kBase + ic * k.nb(1);
                float s = switch (kType) {
                    case F16 -> ak.dotF16(kd, kOff, work, qq, d);
                    case F32 -> ak.dotF32(kd, kOff, work, qq, d);
                    default -> p.quant().vecDot(kType, d, kd, kOff, work, qq);
                };
                s = s * scale;
                if (softcap != 0.0f) {
                    s = softcap * (float) Math.tanh(s);
                }
                s += mv;

                float mOld = max;
                float ms = 1.0f; // rescales the accumulator and the sum when the maximum grows
                float vs = 1.0f; // exp(s - max)
                long vOff = vBase + ic * v.nb(1);
                if (s > max) {
                    max = s;
                    ms = (float) Math.exp(mOld - max);
                    if (vHalf) {
                        ak.scaleHalf(work, vkq32, d, ms);
                    } else {
                        ak.scaleF32(work, vkq32, d, ms);
                    }
                } else {
                    vs = (float) Math.exp(s - max);
                }
                if (vHalf) {
                    ak.madHalf(work, vkq32, vd, vOff, d, vs);
                } else {
                    switch (vType) {
                        case F32 -> ak.madF32(work, vkq32, vd, vOff, d, vs);
                        default -> {
                            p.quant().dequantizeRow(vType, vd, vOff, work, v32, d);
                            ak.madF32(work, vkq32, work, v32, d, vs);
                        }
                    }
                }
                sum = Math.fma(sum, ms, vs); // ggml: S = S*ms + vs, contracted to one FMA
            }

            ak.scaleF32(work, vkq32, d, 1.0f / sum);
            // dst is [D, n_head, n_q, ne3]: the row of (head iq2, query iq1)
            MemorySegment.copy(work, vkq32, out, iq2 * dst.nb(1) + iq1 * dst.nb(2) + iq3 * dst.nb(3), 4L * d);
        }
    }

    private static void check(Tensor dst, Tensor q, Tensor k, Tensor v, Tensor mask) {
        String op = "FLASH_ATTN_EXT";
        if (q.type() != GgmlType.F32) {
            throw new UnsupportedTypeException(op + ": q must be f32, got " + q.describe());
        }
        if (mask != null && mask.type() != GgmlType.F16) {
            throw new UnsupportedTypeException(op + ": the mask must be f16 (as ggml's CPU reads it), got "
                    + mask.describe());
        }
        if (v.type().isQuantized() || k.type().isQuantized() || k.type() == GgmlType.BF16
                || v.type() == GgmlType.BF16) {
            // supported through the quantization kernels (dot type, vec_dot, to_float)
        } else if ((k.type() != GgmlType.F16 && k.type() != GgmlType.F32)
                || (v.type() != GgmlType.F16 && v.type() != GgmlType.F32)) {
            throw new UnsupportedTypeException(op + ": k and v must be f16, f32, bf16 or quantized; got k "
                    + k.describe() + ", v " + v.describe());
        }
        if (q.nb(0) != 4 || k.nb(0) != k.type().typeSize() || v.nb(0) != v.type().typeSize()
                || dst.nb(0) != 4) {
            throw new UnsupportedOperationException(op + ": rows of q, k, v and dst must have contiguous elements");
        }
        if (dst.ne(0) != q.ne(0) || dst.ne(1) != q.ne(2) || dst.ne(2) != q.ne(1)) {
            throw new IllegalArgumentException(op + ": dst " + dst.describe() + " must be [D, n_head, n_q, ne3] for q "
                    + q.describe());
        }
    }
}
