package io.ggmljava.testdata.golden;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.PoolOp;
import io.ggmljava.core.SortOrder;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnaryOp;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default {@link CaseBuilder}s: one per {@code golden.op} of the fixtures, each building the op exactly as the
 * fixtures' README describes (the ggml call, its parameters and permuted sources). {@code GRAPH} cases have no
 * default builder; plug one in with {@link GoldenRunner.Builder#caseBuilder}.
 */
public final class OpCaseBuilders {
    private OpCaseBuilders() {
    }

    /** A fresh map of the default builders by {@code golden.op}. */
    public static Map<String, CaseBuilder> defaults() {
        Map<String, CaseBuilder> m = new LinkedHashMap<>();
        // element-wise
        m.put("UNARY", (c, ctx, in) -> {
            UnaryOp op = UnaryOp.byName(c.unary());
            if (op == null) {
                throw new IllegalArgumentException(c.file() + ": unknown unary op " + c.unary());
            }
            return dst(ctx.unary(in.src(0), op));
        });
        m.put("SQR", (c, ctx, in) -> dst(ctx.sqr(in.src(0))));
        m.put("SQRT", (c, ctx, in) -> dst(ctx.sqrt(in.src(0))));
        m.put("LOG", (c, ctx, in) -> dst(ctx.log(in.src(0))));
        m.put("SIN", (c, ctx, in) -> dst(ctx.sin(in.src(0))));
        m.put("COS", (c, ctx, in) -> dst(ctx.cos(in.src(0))));
        m.put("CLAMP", (c, ctx, in) -> dst(ctx.clamp(in.src(0), c.paramFloat("min"), c.paramFloat("max"))));
        m.put("LEAKY_RELU", (c, ctx, in) -> dst(ctx.leakyRelu(in.src(0), c.paramFloat("negative_slope"), false)));
        m.put("SCALE", (c, ctx, in) -> dst(ctx.scale(in.src(0), c.paramFloat("scale"))));
        m.put("ADD", (c, ctx, in) -> dst(ctx.add(in.src(0), in.src(1))));
        m.put("SUB", (c, ctx, in) -> dst(ctx.sub(in.src(0), in.src(1))));
        m.put("MUL", (c, ctx, in) -> dst(ctx.mul(in.src(0), in.src(1))));
        m.put("DIV", (c, ctx, in) -> dst(ctx.div(in.src(0), in.src(1))));
        m.put("ADD1", (c, ctx, in) -> dst(ctx.add1(in.src(0), in.src(1))));
        m.put("ACC", (c, ctx, in) -> dst(ctx.acc(in.src(0), in.src(1), c.paramInt("nb1"), c.paramInt("nb2"),
                c.paramInt("nb3"), c.paramInt("offset"))));
        // reductions
        m.put("SUM", (c, ctx, in) -> dst(ctx.sum(in.src(0))));
        m.put("SUM_ROWS", (c, ctx, in) -> dst(ctx.sumRows(in.src(0))));
        m.put("MEAN", (c, ctx, in) -> dst(ctx.mean(in.src(0))));
        m.put("ARGMAX", (c, ctx, in) -> dst(ctx.argmax(in.src(0))));
        m.put("COUNT_EQUAL", (c, ctx, in) -> dst(ctx.countEqual(in.src(0), in.src(1))));
        // layout and data movement
        m.put("REPEAT", (c, ctx, in) -> dst(ctx.repeat(in.src(0), c.paramLongs("ne"))));
        m.put("RESHAPE", (c, ctx, in) -> {
            long[] ne = c.paramLongs("ne");
            return dst(ctx.reshape4d(in.src(0), ne[0], ne[1], ne[2], ne[3]));
        });
        m.put("CONCAT", (c, ctx, in) -> dst(ctx.concat(in.src(0), in.src(1), c.paramInt("dim"))));
        m.put("CPY", (c, ctx, in) -> {
            Tensor a = in.src(0);
            GgmlType type = GgmlType.byId(c.paramInt("type_dst"));
            if (type == null) {
                throw new IllegalArgumentException(c.file() + ": unknown type_dst " + c.paramInt("type_dst"));
            }
            Tensor b = ctx.newTensor(type, a.shape()).setName("dst");
            return dst(ctx.cpy(a, b));
        });
        m.put("DUP", (c, ctx, in) -> dst(ctx.dup(in.src(0))));
        m.put("CONT", (c, ctx, in) -> dst(ctx.cont(in.src(0))));
        m.put("GET_ROWS", (c, ctx, in) -> dst(ctx.getRows(in.src(0), in.src(1))));
        m.put("PAD", (c, ctx, in) -> {
            long[] p = c.paramLongs("pad");
            return dst(ctx.pad(in.src(0), (int) p[0], (int) p[1], (int) p[2], (int) p[3]));
        });
        m.put("ARANGE", (c, ctx, in) -> dst(ctx.arange(c.paramFloat("start"), c.paramFloat("stop"),
                c.paramFloat("step"))));
        m.put("TIMESTEP_EMBEDDING", (c, ctx, in) -> dst(ctx.timestepEmbedding(in.src(0), c.paramInt("dim"),
                c.paramInt("max_period"))));
        m.put("ARGSORT", (c, ctx, in) -> dst(ctx.argsort(in.src(0), SortOrder.values()[c.paramInt("order")])));
        m.put("DIAG_MASK_INF", (c, ctx, in) -> dst(ctx.diagMaskInf(in.src(0), c.paramInt("n_past"))));
        m.put("DIAG_MASK_ZERO", (c, ctx, in) -> dst(ctx.diagMaskZero(in.src(0), c.paramInt("n_past"))));
        // normalisation
        m.put("NORM", (c, ctx, in) -> dst(ctx.norm(in.src(0), c.paramFloat("eps"))));
        m.put("RMS_NORM", (c, ctx, in) -> dst(ctx.rmsNorm(in.src(0), c.paramFloat("eps"))));
        m.put("GROUP_NORM", (c, ctx, in) -> dst(ctx.groupNorm(in.src(0), c.paramInt("n_groups"),
                c.paramFloat("eps"))));
        // matrix products
        m.put("MUL_MAT", (c, ctx, in) -> dst(ctx.mulMat(in.src(0), in.src(1))));
        m.put("OUT_PROD", (c, ctx, in) -> dst(ctx.outProd(in.src(0), in.src(1))));
        m.put("MUL_MAT_ID", (c, ctx, in) -> dst(ctx.mulMatId(in.src(0), in.src(1), in.src(2))));
        // attention
        m.put("SOFT_MAX", (c, ctx, in) -> dst(ctx.softMaxExt(in.src(0), in.srcOrNull(1), c.paramFloat("scale"),
                c.paramFloat("max_bias"))));
        m.put("ROPE", (c, ctx, in) -> dst(ctx.ropeExt(in.src(0), in.src(1), in.srcOrNull(2), c.paramInt("n_dims"),
                c.paramInt("mode"), c.paramInt("n_ctx_orig"), c.paramFloat("freq_base"), c.paramFloat("freq_scale"),
                c.paramFloat("ext_factor"), c.paramFloat("attn_factor"), c.paramFloat("beta_fast"),
                c.paramFloat("beta_slow"))));
        m.put("FLASH_ATTN_EXT", (c, ctx, in) -> dst(ctx.flashAttnExt(in.src(0), in.src(1), in.src(2), in.srcOrNull(3),
                c.paramFloat("scale"), c.paramFloat("max_bias"), c.paramFloat("logit_softcap"))));
        // convolution, pooling, resampling
        m.put("IM2COL", (c, ctx, in) -> dst(ctx.im2col(in.src(0), in.src(1), c.paramInt("s0"), c.paramInt("s1"),
                c.paramInt("p0"), c.paramInt("p1"), c.paramInt("d0"), c.paramInt("d1"), c.paramBool("is_2D"),
                GgmlType.byId(c.paramInt("dst_type")))));
        m.put("CONV_TRANSPOSE_1D", (c, ctx, in) -> dst(ctx.convTranspose1d(in.src(0), in.src(1), c.paramInt("s0"),
                c.paramInt("p0"), c.paramInt("d0"))));
        m.put("POOL_1D", (c, ctx, in) -> dst(ctx.pool1d(in.src(0), PoolOp.values()[c.paramInt("op")],
                c.paramInt("k0"), c.paramInt("s0"), c.paramInt("p0"))));
        m.put("POOL_2D", (c, ctx, in) -> dst(ctx.pool2d(in.src(0), PoolOp.values()[c.paramInt("op")],
                c.paramInt("k0"), c.paramInt("k1"), c.paramInt("s0"), c.paramInt("s1"), c.paramFloat("p0"),
                c.paramFloat("p1"))));
        m.put("UPSCALE", (c, ctx, in) -> {
            if (c.hasParam("scale_factor")) {
                return dst(ctx.upscale(in.src(0), c.paramInt("scale_factor")));
            }
            long[] ne = c.paramLongs("ne");
            return dst(ctx.upscaleExt(in.src(0), ne[0], ne[1], ne[2], ne[3]));
        });
        // recurrent and state-space
        m.put("SSM_CONV", (c, ctx, in) -> dst(ctx.ssmConv(in.src(0), in.src(1))));
        m.put("SSM_SCAN", (c, ctx, in) -> dst(ctx.ssmScan(in.src(0), in.src(1), in.src(2), in.src(3), in.src(4),
                in.src(5))));
        m.put("RWKV_WKV6", (c, ctx, in) -> dst(ctx.rwkvWkv6(in.src(0), in.src(1), in.src(2), in.src(3), in.src(4),
                in.src(5))));
        m.put("GATED_LINEAR_ATTN", (c, ctx, in) -> dst(ctx.gatedLinearAttn(in.src(0), in.src(1), in.src(2),
                in.src(3), in.src(4), c.paramFloat("scale"))));
        // quantization round trips: not a graph; run the provider's quantizer and dequantizer directly
        m.put("QUANTIZE", OpCaseBuilders::quantize);
        m.put("GRAPH", (c, ctx, in) -> {
            throw new SkipCaseException("no GRAPH builder plugged in for model '"
                    + (c.hasParam("model") ? c.paramString("model") : "?") + "'");
        });
        return m;
    }

    private static CaseBuilder.Built dst(Tensor t) {
        return CaseBuilder.Built.dst(t);
    }

    private static CaseBuilder.Built quantize(GoldenCase c, Context ctx, CaseInputs in) {
        GgmlType type = GgmlType.byId(c.paramInt("type_id"));
        if (type == null) {
            throw new IllegalArgumentException(c.file() + ": unknown type_id " + c.paramInt("type_id"));
        }
        Tensor src = in.leaf("src0");
        Tensor quant = ctx.newTensor(type, src.shape()).setName("quant");
        Tensor out = ctx.newTensor(GgmlType.F32, src.shape()).setName("dst");
        boolean imatrix = c.hasParam("imatrix") && c.paramBool("imatrix");
        CaseBuilder.DirectStep step = (p, inputs, outputs) -> {
            Tensor s = inputs.leaf("src0");
            long nPerRow = s.ne(0);
            long nrows = s.nrows();
            float[] im = null;
            if (imatrix) {
                Tensor w = inputs.leaf("src1");
                im = w.data().asSlice(0, w.nbytes()).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED
                        .withOrder(ByteOrder.LITTLE_ENDIAN));
            }
            Tensor q = outputs.get("quant");
            Tensor d = outputs.get("dst");
            p.quant().quantizeChunk(type, s.data(), 0, q.data(), 0, nrows, nPerRow, im);
            for (long r = 0; r < nrows; r++) {
                p.quant().dequantizeRow(type, q.data(), r * q.nb(1), d.data(), r * d.nb(1), nPerRow);
            }
        };
        Map<String, Tensor> outs = new LinkedHashMap<>();
        outs.put("quant", quant);
        outs.put("dst", out);
        return new CaseBuilder.Built(outs, step);
    }
}
