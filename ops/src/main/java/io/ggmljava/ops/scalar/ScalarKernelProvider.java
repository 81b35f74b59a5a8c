package io.ggmljava.ops.scalar;

import io.ggmljava.ops.AttentionKernels;
import io.ggmljava.ops.BinaryKernels;
import io.ggmljava.ops.ConvKernels;
import io.ggmljava.ops.CopyKernels;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.MatMulKernels;
import io.ggmljava.ops.NormKernels;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.RecurrentKernels;
import io.ggmljava.ops.ReduceKernels;
import io.ggmljava.ops.RopeKernels;
import io.ggmljava.ops.SoftMaxKernels;
import io.ggmljava.ops.UnaryKernels;

/** The plain-loop reference kernels: the specification every other provider is checked against. */
public final class ScalarKernelProvider implements KernelProvider {
    public static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private ScalarKernelProvider() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public UnaryKernels unary() {
        return ScalarUnaryKernels.INSTANCE;
    }

    @Override
    public BinaryKernels binary() {
        return ScalarBinaryKernels.INSTANCE;
    }

    @Override
    public ReduceKernels reduce() {
        return ScalarReduceKernels.INSTANCE;
    }

    @Override
    public CopyKernels copy() {
        return ScalarCopyKernels.INSTANCE;
    }

    @Override
    public NormKernels norm() {
        return ScalarNormKernels.INSTANCE;
    }

    @Override
    public SoftMaxKernels softMax() {
        return ScalarSoftMaxKernels.INSTANCE;
    }

    @Override
    public RopeKernels rope() {
        return ScalarRopeKernels.INSTANCE;
    }

    @Override
    public MatMulKernels matMul() {
        return ScalarMatMulKernels.INSTANCE;
    }

    @Override
    public QuantKernels quant() {
        return ScalarQuantKernels.INSTANCE;
    }

    @Override
    public ConvKernels conv() {
        return ScalarConvKernels.INSTANCE;
    }

    @Override
    public AttentionKernels attention() {
        return ScalarAttentionKernels.INSTANCE;
    }

    @Override
    public RecurrentKernels recurrent() {
        return ScalarRecurrentKernels.INSTANCE;
    }

    @Override
    public String toString() {
        return name();
    }
}
