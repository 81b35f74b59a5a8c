package io.ggmljava.core;

/**
 * ggml's operation list, in ggml's order ({@link #ordinal()} equals ggml's {@code enum ggml_op} value).
 *
 * <p>Dispatch over this enum with a switch expression and no {@code default}, so that adding an op does not compile
 * until every dispatch point handles it.
 */
public enum Op {
    NONE("none"),
    DUP("x"),
    ADD("x+y", true),
    ADD1("x+y", true),
    ACC("view(x,nb,offset)+=y->x"),
    SUB("x-y", true),
    MUL("x*y", true),
    DIV("x/y", true),
    SQR("x^2", true),
    SQRT("sqrt(x)", true),
    LOG("log(x)", true),
    SIN("sin(x)"),
    COS("cos(x)"),
    SUM("sum(x)"),
    SUM_ROWS("sum_k(x)"),
    MEAN("sum(x)/n"),
    ARGMAX("argmax(x)"),
    COUNT_EQUAL("count_equal(x)"),
    REPEAT("repeat(x)"),
    REPEAT_BACK("repeat_back(x)"),
    CONCAT("concat(x, y)"),
    SILU_BACK("silu_back(x)", true),
    NORM("norm(x)"),
    RMS_NORM("rms_norm(x)", true),
    RMS_NORM_BACK("rms_norm_back(x)", true),
    GROUP_NORM("group_norm(x)"),
    MUL_MAT("X*Y"),
    MUL_MAT_ID("X[i]*Y"),
    OUT_PROD("X*Y"),
    SCALE("x*v", true),
    SET("y->view(x)"),
    CPY("x->y"),
    CONT("cont(x)"),
    RESHAPE("reshape(x)"),
    VIEW("view(x)"),
    PERMUTE("permute(x)"),
    TRANSPOSE("transpose(x)"),
    GET_ROWS("get_rows(x)"),
    GET_ROWS_BACK("get_rows_back(x)"),
    DIAG("diag(x)"),
    DIAG_MASK_INF("diag_mask_inf(x)", true),
    DIAG_MASK_ZERO("diag_mask_zero(x)", true),
    SOFT_MAX("soft_max(x)", true),
    SOFT_MAX_BACK("soft_max_back(x)", true),
    ROPE("rope(x)", true),
    ROPE_BACK("rope_back(x)", true),
    CLAMP("clamp(x)"),
    CONV_TRANSPOSE_1D("conv_transpose_1d(x)"),
    IM2COL("im2col(x)"),
    IM2COL_BACK("im2col_back(x)"),
    CONV_TRANSPOSE_2D("conv_transpose_2d(x)"),
    POOL_1D("pool_1d(x)"),
    POOL_2D("pool_2d(x)"),
    POOL_2D_BACK("pool_2d_back(x)"),
    UPSCALE("upscale(x)"),
    PAD("pad(x)"),
    PAD_REFLECT_1D("pad_reflect_1d(x)"),
    ARANGE("arange(start, stop, step)"),
    TIMESTEP_EMBEDDING("timestep_embedding(timesteps, dim, max_period)"),
    ARGSORT("argsort(x)"),
    LEAKY_RELU("leaky_relu(x)"),
    FLASH_ATTN_EXT("flash_attn_ext(x)"),
    FLASH_ATTN_BACK("flash_attn_back(x)"),
    SSM_CONV("ssm_conv(x)"),
    SSM_SCAN("ssm_scan(x)"),
    WIN_PART("win_part(x)"),
    WIN_UNPART("win_unpart(x)"),
    GET_REL_POS("get_rel_pos(x)"),
    ADD_REL_POS("add_rel_pos(x)"),
    RWKV_WKV6("rwkv_wkv6(k, v, r, tf, td, s)"),
    GATED_LINEAR_ATTN("gated_linear_attn(k, v, q, gate, s)"),
    UNARY("unary(x)", true),
    MAP_UNARY("f(x)"),
    MAP_BINARY("f(x,y)"),
    MAP_CUSTOM1_F32("custom_f32(x)"),
    MAP_CUSTOM2_F32("custom_f32(x,y)"),
    MAP_CUSTOM3_F32("custom_f32(x,y,z)"),
    MAP_CUSTOM1("custom(x)"),
    MAP_CUSTOM2("custom(x,y)"),
    MAP_CUSTOM3("custom(x,y,z)"),
    CROSS_ENTROPY_LOSS("cross_entropy_loss(x,y)"),
    CROSS_ENTROPY_LOSS_BACK("cross_entropy_loss_back(x,y)"),
    OPT_STEP_ADAMW("adamw(x)");

    private final String symbol;
    private final boolean canInplace;

    Op(String symbol) {
        this(symbol, false);
    }

    Op(String symbol, boolean canInplace) {
        this.symbol = symbol;
        this.canInplace = canInplace;
    }

    /** ggml's op name as printed by ggml_op_name, e.g. {@code MUL_MAT}. */
    public String ggmlName() {
        return name();
    }

    /** ggml's op symbol, e.g. {@code X*Y}. */
    public String symbol() {
        return symbol;
    }

    /**
     * True for the ops ggml's graph allocator may compute in the memory of a parent (ggml_op_can_inplace):
     * SCALE, DIAG_MASK_ZERO, DIAG_MASK_INF, ADD, ADD1, SUB, MUL, DIV, SQR, SQRT, LOG, UNARY, ROPE, ROPE_BACK,
     * SILU_BACK, RMS_NORM, RMS_NORM_BACK, SOFT_MAX, SOFT_MAX_BACK.
     */
    public boolean canInplace() {
        return canInplace;
    }

    /** True for ops whose result is a view of their first source and compute nothing. */
    public boolean isView() {
        return this == RESHAPE || this == VIEW || this == PERMUTE || this == TRANSPOSE;
    }

    /** The op with ggml name {@code name}, or null. */
    public static Op byName(String name) {
        for (Op op : values()) {
            if (op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }
}
