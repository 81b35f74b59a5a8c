package io.ggmljava.models;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.ops.KernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fills allocated weights with deterministic random values of a sane scale, so a model runs with finite outputs:
 * norm weights near 1, biases near 0, matrices uniform in +-1/sqrt(rows) (quantized with ggml's reference quantizer).
 */
public final class RandomWeights {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomWeights() {
    }

    /** Fills every tensor of {@code weights} (they must have memory) from {@code seed}. */
    public static void fill(List<Tensor> weights, long seed) {
        for (Tensor t : weights) {
            fill(t, new SplittableRandom(seed ^ t.name().hashCode() * 0x9E3779B97F4A7C15L));
        }
    }

    static void fill(Tensor t, SplittableRandom rng) {
        MemorySegment d = t.data();
        if (d == null) {
            throw new IllegalStateException("RandomWeights: tensor '" + t.name() + "' has no memory");
        }
        if (!t.isContiguous()) {
            throw new IllegalStateException("RandomWeights: tensor '" + t.name() + "' is not contiguous");
        }
        long ne0 = t.ne(0);
        float center;
        float half;
        if (t.nDims() == 1 || t.isVector()) {
            boolean norm = t.name().contains("norm");
            center = norm ? 1.0f : 0.0f;
            half = norm ? 0.1f : 0.02f;
        } else {
            center = 0.0f;
            half = (float) (1.0 / Math.sqrt(ne0));
        }
        GgmlType type = t.type();
        long n = t.nelements();
        switch (type) {
            case F32 -> {
                for (long i = 0; i < n; i++) {
                    d.set(F32, 4 * i, center + half * (2 * (float) rng.nextDouble() - 1));
                }
            }
            case F16, BF16 -> {
                boolean bf = type == GgmlType.BF16;
                for (long i = 0; i < n; i++) {
                    float v = center + half * (2 * (float) rng.nextDouble() - 1);
                    d.set(I16, 2 * i, bf ? Fp16.f32ToBf16(v) : Fp16.f32ToF16(v));
                }
            }
            default -> {
                if (!type.isQuantized()) {
                    throw new IllegalStateException("RandomWeights: cannot fill " + type + " tensor '" + t.name()
                            + "'");
                }
                long rows = t.nrows();
                long rowBytes = type.rowSize(ne0);
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment row = a.allocate(4 * ne0, 64);
                    var q = KernelProvider.get().quant();
                    for (long r = 0; r < rows; r++) {
                        for (long i = 0; i < ne0; i++) {
                            row.set(F32, 4 * i, center + half * (2 * (float) rng.nextDouble() - 1));
                        }
                        q.quantizeRow(type, row, 0, d, r * rowBytes, ne0);
                    }
                }
            }
        }
    }
}
