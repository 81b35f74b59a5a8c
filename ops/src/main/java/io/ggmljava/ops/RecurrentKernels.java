package io.ggmljava.ops;

import java.lang.foreign.MemorySegment;

/**
 * State-space and linear-attention kernels: SSM_CONV, SSM_SCAN (Mamba), RWKV_WKV6 and GATED_LINEAR_ATTN. All data is
 * f32, contiguous, little-endian; offsets are in bytes. The drivers ({@code RecurrentOps}) walk tokens, sequences
 * and heads; these kernels do one row of work. Sums and updates use fused multiply-adds where ggml's build does.
 */
public interface RecurrentKernels {
    /** SSM_CONV for one channel and token: {@code sum_j sx[j] * c[j]} over {@code dConv} taps, in order. */
    float ssmConvRow(MemorySegment sx, long sxOff, MemorySegment c, long cOff, int dConv);

    /**
     * SSM_SCAN for one channel and token: with {@code dt' = softplus(dt)} ({@code dt} itself above 20),
     * {@code state[i] = s0[i]*exp(dt'*a[i]) + b[i]*(x*dt')} for {@code i < dState}, written to {@code s} (which may
     * be {@code s0}); returns {@code y = sum_i state[i]*c[i]}.
     */
    float ssmScanRow(int dState, float x, float dt, MemorySegment s0, long s0Off, MemorySegment a, long aOff,
                     MemorySegment b, long bOff, MemorySegment c, long cOff, MemorySegment s, long sOff);

    /**
     * RWKV_WKV6 for one token, head and key index {@code i}, over {@code j < n}: {@code kv = v[j]*k},
     * {@code dst[j] += (kv*tf + prev[j]) * r}, {@code state[j] = prev[j]*td + kv} ({@code state} may be {@code prev}).
     */
    void wkv6Row(int n, float k, float r, float tf, float td, MemorySegment v, long vOff, MemorySegment prev,
                 long prevOff, MemorySegment state, long stateOff, MemorySegment dst, long dstOff);

    /**
     * GATED_LINEAR_ATTN for one token, head and key index {@code i}, over {@code j < n}:
     * {@code t = prev[j]*g + v[j]*k}, {@code dst[j] += t*q}, {@code state[j] = t} ({@code q} already scaled).
     */
    void glaRow(int n, float k, float q, float g, MemorySegment v, long vOff, MemorySegment prev, long prevOff,
                MemorySegment state, long stateOff, MemorySegment dst, long dstOff);
}
