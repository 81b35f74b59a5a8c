package io.ggmljava.ops.vector;

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
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at one vector width. Loaded by name from {@link KernelProvider#vector(int)} so that nothing
 * touches {@code jdk.incubator.vector} unless the module is present.
 */
public final class VectorKernelProvider implements KernelProvider {
    private final int bits;
    private final UnaryKernels unary;
    private final BinaryKernels binary;
    private final ReduceKernels reduce;
    private final CopyKernels copy;
    private final NormKernels norm;
    private final SoftMaxKernels softMax;
    private final RopeKernels rope;
    private final VectorMatMulKernels matMul;
    private final QuantKernels quant;
    private final ConvKernels conv;
    private final AttentionKernels attention;
    private final RecurrentKernels recurrent;

    private VectorKernelProvider(VectorSpecies<Float> fs) {
        this.bits = fs.vectorBitSize();
        this.unary = Specialized.instance(VectorUnaryKernels.class, UnaryKernels.class, fs);
        // the binary kernels stream memory and are exact per lane: 256-bit vectors give the same bits, and on the
        // 2-thread ADD/MUL benchmarks at 512 bits they were 15-40 % faster (36.8 against 30.4 GB/s for ADD)
        this.binary = Specialized.instance(VectorBinaryKernels.class, BinaryKernels.class,
                fs.vectorBitSize() > 256 ? floatSpecies(256) : fs);
        this.reduce = Specialized.instance(VectorReduceKernels.class, ReduceKernels.class, fs);
        this.copy = Specialized.instance(VectorCopyKernels.class, CopyKernels.class, fs);
        this.norm = Specialized.instance(VectorNormKernels.class, NormKernels.class, fs);
        this.softMax = Specialized.instance(VectorSoftMaxKernels.class, SoftMaxKernels.class, fs);
        this.rope = Specialized.instance(VectorRopeKernels.class, RopeKernels.class, fs);
        this.quant = Specialized.instance(VectorQuantKernels.class, QuantKernels.class, fs);
        this.matMul = new VectorMatMulKernels(fs, quant); // activations are quantized by this width's quant kernels
        this.conv = Specialized.instance(VectorConvKernels.class, ConvKernels.class, fs);
        this.attention = Specialized.instance(VectorAttentionKernels.class, AttentionKernels.class, fs);
        this.recurrent = Specialized.instance(VectorRecurrentKernels.class, RecurrentKernels.class, fs);
    }

    /** The machine's preferred float vector width in bits. */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** A provider with {@code bits}-bit vectors, capped at the preferred width (wider ones would be emulated). */
    public static VectorKernelProvider create(int bits) {
        int use = Math.min(bits, preferredBits());
        if (use < 128) {
            throw new UnsupportedOperationException("vectors are narrower than 128 bits (" + use + ") on this machine");
        }
        // one provider per width: each holds hidden-class kernel copies that the JIT compiles once
        return CACHE.computeIfAbsent(use, b -> new VectorKernelProvider(floatSpecies(b)));
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, VectorKernelProvider> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Float species of {@code bits} bits. */
    static VectorSpecies<Float> floatSpecies(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    @Override
    public String name() {
        return "vector-" + bits;
    }

    @Override
    public UnaryKernels unary() {
        return unary;
    }

    @Override
    public BinaryKernels binary() {
        return binary;
    }

    @Override
    public ReduceKernels reduce() {
        return reduce;
    }

    @Override
    public CopyKernels copy() {
        return copy;
    }

    @Override
    public NormKernels norm() {
        return norm;
    }

    @Override
    public SoftMaxKernels softMax() {
        return softMax;
    }

    @Override
    public RopeKernels rope() {
        return rope;
    }

    @Override
    public MatMulKernels matMul() {
        return matMul;
    }

    @Override
    public QuantKernels quant() {
        return quant;
    }

    @Override
    public ConvKernels conv() {
        return conv;
    }

    @Override
    public AttentionKernels attention() {
        return attention;
    }

    @Override
    public RecurrentKernels recurrent() {
        return recurrent;
    }

    @Override
    public String toString() {
        return name();
    }
}
