package io.ggmljava.testdata.contracts;

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
import java.util.Objects;

/**
 * A {@link KernelProvider} that forwards every family to another one: override the families you replace.
 *
 * <pre>{@code
 * KernelProvider mine = new ForwardingKernelProvider("my-unary", KernelProvider.scalar()) {
 *     @Override public UnaryKernels unary() { return new MyUnaryKernels(); }
 * };
 * }</pre>
 */
public class ForwardingKernelProvider implements KernelProvider {
    private final String name;
    private final KernelProvider base;

    /** Forwards to {@code base}; {@code name} is what {@link #name()} returns. */
    public ForwardingKernelProvider(String name, KernelProvider base) {
        this.name = Objects.requireNonNull(name, "name");
        this.base = Objects.requireNonNull(base, "base");
    }

    /** The provider this one forwards to. */
    public KernelProvider base() {
        return base;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public UnaryKernels unary() {
        return base.unary();
    }

    @Override
    public BinaryKernels binary() {
        return base.binary();
    }

    @Override
    public ReduceKernels reduce() {
        return base.reduce();
    }

    @Override
    public CopyKernels copy() {
        return base.copy();
    }

    @Override
    public NormKernels norm() {
        return base.norm();
    }

    @Override
    public SoftMaxKernels softMax() {
        return base.softMax();
    }

    @Override
    public RopeKernels rope() {
        return base.rope();
    }

    @Override
    public MatMulKernels matMul() {
        return base.matMul();
    }

    @Override
    public QuantKernels quant() {
        return base.quant();
    }

    @Override
    public ConvKernels conv() {
        return base.conv();
    }

    @Override
    public AttentionKernels attention() {
        return base.attention();
    }

    @Override
    public RecurrentKernels recurrent() {
        return base.recurrent();
    }

    @Override
    public String toString() {
        return name;
    }
}
