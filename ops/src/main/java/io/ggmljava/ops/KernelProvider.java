package io.ggmljava.ops;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A set of kernel families: the scalar reference ({@link #scalar()}) or a Vector API one ({@link #vector(int)}).
 *
 * <p>{@link #get()} picks one once at start-up, Lucene-style: it uses the Vector API only if the
 * {@code jdk.incubator.vector} module is present (launch with {@code --add-modules jdk.incubator.vector}) and loads
 * the vector classes by name; if they cannot work (vectors narrower than 128 bits) it logs one line and falls back
 * to scalar. {@code -Dggml.kernels=scalar|vector} forces one; {@code -Dggml.vector.bits=128|256|512} (for tests)
 * forces the vector width.
 *
 * <p>Implement this interface to plug in your own kernels; the contracts in the {@code testdata} module check an
 * implementation against the scalar reference.
 */
public interface KernelProvider {
    /** A short name, e.g. {@code scalar} or {@code vector-512}. */
    String name();

    UnaryKernels unary();

    BinaryKernels binary();

    ReduceKernels reduce();

    CopyKernels copy();

    NormKernels norm();

    SoftMaxKernels softMax();

    RopeKernels rope();

    MatMulKernels matMul();

    QuantKernels quant();

    ConvKernels conv();

    AttentionKernels attention();

    RecurrentKernels recurrent();

    /** The provider chosen at start-up (see the class doc). */
    static KernelProvider get() {
        return Holder.DEFAULT;
    }

    /** The plain-loop reference provider. */
    static KernelProvider scalar() {
        return io.ggmljava.ops.scalar.ScalarKernelProvider.INSTANCE;
    }

    /** True if the Vector API module is present in this JVM. */
    static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * A Vector API provider using vectors of {@code bits} bits (128, 256 or 512; capped at the machine's preferred
     * width).
     *
     * @throws UnsupportedOperationException if the Vector API is absent or the width is unusable
     */
    static KernelProvider vector(int bits) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + bits);
        }
        if (!vectorAvailable()) {
            throw new UnsupportedOperationException(
                    "the Vector API is not available: launch with --add-modules jdk.incubator.vector");
        }
        try {
            Class<?> c = Class.forName("io.ggmljava.ops.vector.VectorKernelProvider");
            return (KernelProvider) c.getMethod("create", int.class).invoke(null, bits);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new UnsupportedOperationException("vector kernels failed to start: " + cause, cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("vector kernels failed to load: " + e, e);
        }
    }

    /** The widest vector size this machine prefers, in bits (0 without the Vector API). */
    static int preferredVectorBits() {
        if (!vectorAvailable()) {
            return 0;
        }
        try {
            Class<?> c = Class.forName("io.ggmljava.ops.vector.VectorKernelProvider");
            return (int) c.getMethod("preferredBits").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    /** Lazy holder of the start-up choice. */
    final class Holder {
        private static final Logger LOG = System.getLogger("io.ggmljava.ops");
        static final KernelProvider DEFAULT = choose();

        private Holder() {
        }

        private static KernelProvider choose() {
            String forced = System.getProperty("ggml.kernels", "").trim().toLowerCase(java.util.Locale.ROOT);
            if (forced.equals("scalar")) {
                return scalar();
            }
            int bits = Integer.getInteger("ggml.vector.bits", 0);
            try {
                if (bits == 0) {
                    bits = Math.min(512, preferredVectorBits());
                }
                if (bits < 128) {
                    throw new UnsupportedOperationException("vectors are narrower than 128 bits (" + bits + ")");
                }
                return vector(bits);
            } catch (RuntimeException e) {
                if (forced.equals("vector")) {
                    throw e;
                }
                LOG.log(Level.INFO, "ggml-java: using scalar kernels (" + e.getMessage() + ")");
                return scalar();
            }
        }
    }
}
