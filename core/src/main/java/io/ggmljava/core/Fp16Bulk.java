package io.ggmljava.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.System.Logger.Level;
import java.nio.ByteOrder;

/**
 * Bulk f16/bf16 conversions between segments: a plain-loop reference ({@link #scalar()}) and a Vector API one
 * ({@link #vector(int)}), chosen once by {@link #get()} like the ops kernels: the vector form only if the
 * {@code jdk.incubator.vector} module is present, {@code -Dggml.kernels=scalar} forces the loops and
 * {@code -Dggml.vector.bits=128|256|512} the width. Offsets are in bytes; values are little-endian. Every form gives
 * the same bits as the scalar conversions of {@link Fp16}.
 */
public interface Fp16Bulk {
    /** {@code scalar} or {@code vector-<bits>}. */
    String name();

    /** Converts {@code n} f16 values at byte {@code srcOffset} of {@code src} to f32 at {@code dstOffset} of dst. */
    void f16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** Converts {@code n} f32 values to f16. */
    void f32ToF16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** Converts {@code n} bf16 values to f32. */
    void bf16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** Converts {@code n} f32 values to bf16. */
    void f32ToBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n);

    /** The form chosen at start-up. */
    static Fp16Bulk get() {
        return Holder.DEFAULT;
    }

    /** The plain-loop reference. */
    static Fp16Bulk scalar() {
        return Scalar.INSTANCE;
    }

    /**
     * The Vector API form with vectors of {@code bits} bits (128, 256 or 512).
     *
     * @throws UnsupportedOperationException if the Vector API is absent or cannot use that width
     */
    static Fp16Bulk vector(int bits) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("vector width must be 128, 256 or 512 bits, got " + bits);
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new UnsupportedOperationException(
                    "the Vector API is not available: launch with --add-modules jdk.incubator.vector");
        }
        try {
            Class<?> c = Class.forName("io.ggmljava.core.vector.VectorFp16Bulk");
            return (Fp16Bulk) c.getMethod("create", int.class).invoke(null, bits);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new UnsupportedOperationException("vector f16 conversions failed to start: " + e.getCause(), e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("vector f16 conversions failed to load: " + e, e);
        }
    }

    /** Lazy holder of the start-up choice. */
    final class Holder {
        static final Fp16Bulk DEFAULT = choose();

        private Holder() {
        }

        private static Fp16Bulk choose() {
            String forced = System.getProperty("ggml.kernels", "").trim().toLowerCase(java.util.Locale.ROOT);
            if (forced.equals("scalar")) {
                return scalar();
            }
            try {
                return vector(Integer.getInteger("ggml.vector.bits", 512));
            } catch (RuntimeException e) {
                if (forced.equals("vector")) {
                    throw e;
                }
                System.getLogger("io.ggmljava.core").log(Level.DEBUG,
                        "ggml-java: scalar f16 conversions (" + e.getMessage() + ")");
                return scalar();
            }
        }
    }

    /** The plain loops: the specification the vector form is tested against. */
    final class Scalar implements Fp16Bulk {
        static final Scalar INSTANCE = new Scalar();
        private static final ValueLayout.OfShort I16 =
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfFloat F32 =
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        private Scalar() {
        }

        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public void f16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
            for (long i = 0; i < n; i++) {
                dst.set(F32, dstOffset + 4 * i, Fp16.f16ToF32(src.get(I16, srcOffset + 2 * i)));
            }
        }

        @Override
        public void f32ToF16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
            for (long i = 0; i < n; i++) {
                dst.set(I16, dstOffset + 2 * i, Fp16.f32ToF16(src.get(F32, srcOffset + 4 * i)));
            }
        }

        @Override
        public void bf16ToF32(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
            for (long i = 0; i < n; i++) {
                // bf16 is the upper half of an f32: move bits, so that no NaN passes through a float register
                dst.set(I32, dstOffset + 4 * i, (src.get(I16, srcOffset + 2 * i) & 0xFFFF) << 16);
            }
        }

        @Override
        public void f32ToBf16(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
            for (long i = 0; i < n; i++) {
                dst.set(I16, dstOffset + 2 * i, Fp16.bf16Bits(src.get(I32, srcOffset + 4 * i)));
            }
        }
    }
}
