package io.ggmljava.models;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;

/**
 * One GPT-2 transformer block over {@code n} tokens with no KV cache, as in ggml's gpt-2 example: pre-norm causal
 * self-attention and a GELU MLP, each with a residual connection.
 *
 * <pre>
 * h   = LN(x; ln_1)                 qkv = c_attn·h + b     (q, k, v: views of qkv; head j = rows [j·hd, (j+1)·hd))
 * att = softmax(mask(q·k / √hd))·v  x1  = c_proj·att + b + x
 * dst = mlp.c_proj·GELU(c_fc·LN(x1; ln_2) + b) + b + x1
 * </pre>
 */
public final class Gpt2Block {
    private Gpt2Block() {
    }

    /** The block applied to {@code x [E, n]} with the weights of {@code l}, {@code nHead} heads and norm epsilon. */
    public static Tensor forward(Context ctx, Tensor x, Gpt2.Layer l, int nHead, float eps) {
        long e = x.ne(0);
        long n = x.ne(1);
        if (e % nHead != 0) {
            throw new IllegalArgumentException("gpt2 block: n_embd (" + e + ") must be a multiple of n_head ("
                    + nHead + ")");
        }
        long hd = e / nHead;
        Tensor cur = ctx.add(ctx.mul(ctx.norm(x, eps), l.ln1g()), l.ln1b());
        cur = ctx.add(ctx.mulMat(l.cAttnW(), cur), l.cAttnB());                      // [3E, n]
        Tensor qcur = ctx.view2d(cur, e, n, cur.nb(1), 0);
        Tensor kcur = ctx.view2d(cur, e, n, cur.nb(1), 4 * e);
        Tensor vcur = ctx.view2d(cur, e, n, cur.nb(1), 8 * e);
        Tensor q = ctx.permute(ctx.cont3d(qcur, hd, nHead, n), 0, 2, 1, 3);          // [hd, n, nHead]
        Tensor k = ctx.permute(ctx.cont3d(kcur, hd, nHead, n), 0, 2, 1, 3);          // [hd, n, nHead]
        Tensor vT = ctx.cont3d(ctx.permute(ctx.cont3d(vcur, hd, nHead, n), 1, 2, 0, 3), n, hd, nHead);
        Tensor kq = ctx.mulMat(k, q);                                                // [n, n, nHead]
        kq = ctx.softMax(ctx.diagMaskInf(ctx.scale(kq, (float) (1.0 / Math.sqrt((double) hd))), 0));
        Tensor kqv = ctx.mulMat(vT, kq);                                             // [hd, n, nHead]
        cur = ctx.cont2d(ctx.permute(kqv, 0, 2, 1, 3), e, n);                         // [E, n]
        Tensor x1 = ctx.add(ctx.add(ctx.mulMat(l.cProjW(), cur), l.cProjB()), x);
        cur = ctx.add(ctx.mul(ctx.norm(x1, eps), l.ln2g()), l.ln2b());
        cur = ctx.gelu(ctx.add(ctx.mulMat(l.fcW(), cur), l.fcB()));
        cur = ctx.add(ctx.mulMat(l.projW(), cur), l.projB());
        return ctx.add(cur, x1);
    }
}
