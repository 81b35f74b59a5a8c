package io.ggmljava.core;

/** ggml's unary ops ({@code enum ggml_unary_op}), stored in op parameter 0 of a {@link Op#UNARY} node. */
public enum UnaryOp {
    ABS, SGN, NEG, STEP, TANH, ELU, RELU, SIGMOID, GELU, GELU_QUICK, SILU, HARDSWISH, HARDSIGMOID, EXP;

    /** The unary op with ggml name {@code name}, or null. */
    public static UnaryOp byName(String name) {
        for (UnaryOp op : values()) {
            if (op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }
}
