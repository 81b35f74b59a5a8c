package io.ggmljava.ops;

import io.ggmljava.core.Op;
import io.ggmljava.core.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The one dispatch point from {@link Op} to the op drivers, and what the executor needs to know per node: how many
 * threads it can use ({@link #nTasks}) and how much work memory it needs ({@link #workSize}).
 *
 * <pre>{@code
 * KernelProvider p = KernelProvider.get();                  // scalar or vector, chosen once
 * Kernels.computeNode(p, node);                              // one node, on this thread (tests, examples)
 * }</pre>
 */
public final class Kernels {
    private Kernels() {
    }

    /** Computes {@code node} (its sources already computed) as thread {@code cp.ith()} of {@code cp.nth()}. */
    public static void compute(KernelProvider p, Tensor node, ComputeParams cp) {
        switch (node.op()) {
            case NONE, RESHAPE, VIEW, PERMUTE, TRANSPOSE -> {
                // leaves and views compute nothing
            }
            case UNARY, SQR, SQRT, LOG, SIN, COS, CLAMP, LEAKY_RELU, SCALE, SILU_BACK -> UnaryOps.compute(p, node, cp);
            case ADD, SUB, MUL, DIV, ADD1, ACC -> BinaryOps.compute(p, node, cp);
            case SUM, SUM_ROWS, MEAN, ARGMAX, COUNT_EQUAL -> ReduceOps.compute(p, node, cp);
            case DUP, CPY, CONT, SET, GET_ROWS, GET_ROWS_BACK, REPEAT, REPEAT_BACK, CONCAT, PAD, PAD_REFLECT_1D, ARANGE,
                 TIMESTEP_EMBEDDING, ARGSORT, DIAG -> LayoutOps.compute(p, node, cp);
            case NORM, RMS_NORM, RMS_NORM_BACK, GROUP_NORM -> NormOps.compute(p, node, cp);
            case SOFT_MAX, SOFT_MAX_BACK, DIAG_MASK_INF, DIAG_MASK_ZERO -> SoftMaxOps.compute(p, node, cp);
            case ROPE, ROPE_BACK -> RopeOps.compute(p, node, cp);
            case MUL_MAT, MUL_MAT_ID, OUT_PROD -> MatMulOps.compute(p, node, cp);
            case IM2COL, IM2COL_BACK, CONV_TRANSPOSE_1D, CONV_TRANSPOSE_2D, POOL_1D, POOL_2D, POOL_2D_BACK, UPSCALE ->
                    ConvOps.compute(p, node, cp);
            case FLASH_ATTN_EXT, FLASH_ATTN_BACK -> AttentionOps.compute(p, node, cp);
            case SSM_CONV, SSM_SCAN, RWKV_WKV6, GATED_LINEAR_ATTN -> RecurrentOps.compute(p, node, cp);
            case WIN_PART, WIN_UNPART, GET_REL_POS, ADD_REL_POS, MAP_UNARY, MAP_BINARY, MAP_CUSTOM1_F32,
                 MAP_CUSTOM2_F32, MAP_CUSTOM3_F32, MAP_CUSTOM1, MAP_CUSTOM2, MAP_CUSTOM3, CROSS_ENTROPY_LOSS,
                 CROSS_ENTROPY_LOSS_BACK, OPT_STEP_ADAMW ->
                    throw new UnsupportedOperationException(node.opDesc() + " is not supported by ggml-java");
        }
    }

    /**
     * Threads {@code node} can use when {@code nThreads} are available (ggml_get_n_tasks): 1 for ops that are
     * sequential or too small to split, so the executor can run them without waking the other threads.
     */
    public static int nTasks(Tensor node, int nThreads) {
        return switch (node.op()) {
            case NONE, RESHAPE, VIEW, PERMUTE, TRANSPOSE -> 1;
            // small or inherently sequential ops
            case SUM, MEAN, ARGMAX, COUNT_EQUAL, ARANGE, GET_ROWS_BACK, DIAG, WIN_PART, WIN_UNPART, GET_REL_POS,
                 ADD_REL_POS, MAP_UNARY, MAP_BINARY, MAP_CUSTOM1_F32, MAP_CUSTOM2_F32, MAP_CUSTOM3_F32, MAP_CUSTOM1,
                 MAP_CUSTOM2, MAP_CUSTOM3, CROSS_ENTROPY_LOSS, CROSS_ENTROPY_LOSS_BACK, OPT_STEP_ADAMW -> 1;
            case DUP, ADD, ADD1, ACC, SUB, MUL, DIV, SQR, SQRT, LOG, SIN, COS, SUM_ROWS, REPEAT, REPEAT_BACK, CONCAT,
                 SILU_BACK, NORM, RMS_NORM, RMS_NORM_BACK, GROUP_NORM, MUL_MAT, MUL_MAT_ID, OUT_PROD, SCALE, SET, CPY,
                 CONT, GET_ROWS, DIAG_MASK_INF, DIAG_MASK_ZERO, SOFT_MAX, SOFT_MAX_BACK, ROPE, ROPE_BACK, CLAMP,
                 CONV_TRANSPOSE_1D, IM2COL, IM2COL_BACK, CONV_TRANSPOSE_2D, POOL_1D, POOL_2D, POOL_2D_BACK, UPSCALE,
                 PAD, PAD_REFLECT_1D, TIMESTEP_EMBEDDING, ARGSORT, LEAKY_RELU, FLASH_ATTN_EXT, FLASH_ATTN_BACK,
                 SSM_CONV, SSM_SCAN, RWKV_WKV6, GATED_LINEAR_ATTN, UNARY ->
                    splitRows(node, nThreads);
        };
    }

    /** Below this many elements an op runs on one thread: waking others costs more than it saves. */
    static final long MIN_ELEMENTS_PER_TASK = 4096;

    private static int splitRows(Tensor node, int nThreads) {
        long n = node.nelements();
        if (n < MIN_ELEMENTS_PER_TASK && node.op() != Op.MUL_MAT && node.op() != Op.MUL_MAT_ID) {
            return 1;
        }
        return Math.max(1, nThreads);
    }

    /** Bytes of work memory {@code node} needs when computed by {@code nTasks} threads (0 for most ops). */
    public static long workSize(Tensor node, int nTasks) {
        return switch (node.op()) {
            case MUL_MAT, MUL_MAT_ID, OUT_PROD -> MatMulOps.workSize(node, nTasks);
            case FLASH_ATTN_EXT -> AttentionOps.workSize(node, nTasks);
            case CONV_TRANSPOSE_1D, CONV_TRANSPOSE_2D -> ConvOps.workSize(node, nTasks);
            case NONE, DUP, ADD, ADD1, ACC, SUB, MUL, DIV, SQR, SQRT, LOG, SIN, COS, SUM, SUM_ROWS, MEAN, ARGMAX,
                 COUNT_EQUAL, REPEAT, REPEAT_BACK, CONCAT, SILU_BACK, NORM, RMS_NORM, RMS_NORM_BACK, GROUP_NORM, SCALE,
                 SET, CPY, CONT, RESHAPE, VIEW, PERMUTE, TRANSPOSE, GET_ROWS, GET_ROWS_BACK, DIAG, DIAG_MASK_INF,
                 DIAG_MASK_ZERO, SOFT_MAX, SOFT_MAX_BACK, ROPE, ROPE_BACK, CLAMP, IM2COL, IM2COL_BACK, POOL_1D,
                 POOL_2D, POOL_2D_BACK, UPSCALE, PAD, PAD_REFLECT_1D, ARANGE, TIMESTEP_EMBEDDING, ARGSORT, LEAKY_RELU,
                 FLASH_ATTN_BACK, SSM_CONV, SSM_SCAN, WIN_PART, WIN_UNPART, GET_REL_POS, ADD_REL_POS, RWKV_WKV6,
                 GATED_LINEAR_ATTN, UNARY, MAP_UNARY, MAP_BINARY, MAP_CUSTOM1_F32, MAP_CUSTOM2_F32, MAP_CUSTOM3_F32,
                 MAP_CUSTOM1, MAP_CUSTOM2, MAP_CUSTOM3, CROSS_ENTROPY_LOSS, CROSS_ENTROPY_LOSS_BACK, OPT_STEP_ADAMW -> 0;
        };
    }

    /** Computes one node on the calling thread, with a temporary work buffer (tests and examples). */
    public static void computeNode(KernelProvider p, Tensor node) {
        long ws = workSize(node, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment work = ws > 0 ? arena.allocate(ws, 64) : MemorySegment.NULL;
            compute(p, node, ComputeParams.single(work));
        }
    }
}
