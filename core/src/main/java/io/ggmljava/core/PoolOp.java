package io.ggmljava.core;

/** Pooling kind of {@link Op#POOL_1D} and {@link Op#POOL_2D} (ggml_op_pool). */
public enum PoolOp {
    MAX, AVG
}
