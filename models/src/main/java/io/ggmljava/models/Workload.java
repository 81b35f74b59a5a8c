package io.ggmljava.models;

import io.ggmljava.core.GgmlType;

/**
 * What a model is sized for: the context (KV cells, or steps of a sequence model), the logical batch, the micro-batch
 * of tokens one graph processes, the position of that micro-batch, the KV cache type and flash attention.
 *
 * @param ctx       KV cache cells (0: the model's default); for sequence models the number of steps
 * @param batch     llama.cpp's {@code n_batch}: tokens submitted per decode call
 * @param ubatch    llama.cpp's {@code n_ubatch}: tokens per graph ({@code min(ubatch, batch, ctx)} are used)
 * @param past      tokens already in the cache before this micro-batch; -1 for the worst case llama.cpp reserves
 *                  its compute buffer with (the micro-batch written at the end of a full cache)
 * @param kvType    type of the K and V cache; null for the model's default
 * @param flashAttn fused attention instead of soft-max over a materialised KQ matrix
 * @param allLogits logits for every token of the micro-batch (llama.cpp's reserve) or only for the last one
 */
public record Workload(int ctx, int batch, int ubatch, int past, GgmlType kvType, boolean flashAttn,
        boolean allLogits) {
    public Workload {
        if (ctx < 0 || batch < 1 || ubatch < 1 || past < -1) {
            throw new IllegalArgumentException("workload: ctx must be >= 0, batch and ubatch >= 1, past >= -1; got ctx "
                    + ctx + ", batch " + batch + ", ubatch " + ubatch + ", past " + past);
        }
    }

    /** llama.cpp's defaults: the model's context, n_batch 2048, n_ubatch 512, worst case, f16 cache, no flash attention. */
    public static Workload defaults() {
        return new Workload(0, 2048, 512, -1, null, false, true);
    }

    /** Tokens one graph processes: {@code min(ubatch, batch, ctx)}. */
    public int tokens(int ctxResolved) {
        return Math.min(Math.min(ubatch, batch), ctxResolved);
    }

    public Workload withCtx(int n) {
        return new Workload(n, batch, ubatch, past, kvType, flashAttn, allLogits);
    }

    public Workload withBatch(int n) {
        return new Workload(ctx, n, ubatch, past, kvType, flashAttn, allLogits);
    }

    public Workload withUbatch(int n) {
        return new Workload(ctx, batch, n, past, kvType, flashAttn, allLogits);
    }

    public Workload withPast(int n) {
        return new Workload(ctx, batch, ubatch, n, kvType, flashAttn, allLogits);
    }

    public Workload withKvType(GgmlType t) {
        return new Workload(ctx, batch, ubatch, past, t, flashAttn, allLogits);
    }

    public Workload withFlashAttn(boolean on) {
        return new Workload(ctx, batch, ubatch, past, kvType, on, allLogits);
    }

    public Workload withAllLogits(boolean on) {
        return new Workload(ctx, batch, ubatch, past, kvType, flashAttn, on);
    }
}
