package io.ggmljava.ops.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ggmljava.core.Fp16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector helpers against the scalar library: sin/cos/exp to the last bit, f16 conversions exhaustively. */
class VectorMathTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static VectorSpecies<Float> species(int bits) {
        return VectorKernelProvider.floatSpecies(Math.min(bits, VectorKernelProvider.preferredBits()));
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void sinCosEqualTheRoundedLibraryValues(int bits) {
        Transcendentals m = Specialized.instance(VectorMath.class, Transcendentals.class, species(bits));
        Random rnd = new Random(bits);
        int n = 1 << 16;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // angles as rope makes them (pos * base^-k up to 1e6), random bit patterns, and special values
            x[i] = switch (i % 4) {
                case 0 -> (float) (rnd.nextInt(1_000_000) * Math.pow(10000, -rnd.nextDouble()));
                case 1 -> Float.intBitsToFloat(rnd.nextInt(0x4f000000)) * (rnd.nextBoolean() ? 1 : -1);
                case 2 -> (rnd.nextFloat() - 0.5f) * 20;
                default -> new float[]{0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f,
                        -3e9f, Float.MIN_VALUE, (float) Math.PI / 2, 1.0737418e9f}[(i / 4) % 10];
            };
        }
        float[] c = new float[n + 3];
        float[] s = new float[n + 3];
        m.sinCos(x, 0, n, c, 3, s, 3);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits((float) Math.cos(x[i])), Float.floatToIntBits(c[i + 3]), "cos " + x[i]);
            assertEquals(Float.floatToIntBits((float) Math.sin(x[i])), Float.floatToIntBits(s[i + 3]), "sin " + x[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void expEqualsTheRoundedLibraryValue(int bits) {
        Transcendentals m = Specialized.instance(VectorMath.class, Transcendentals.class, species(bits));
        Random rnd = new Random(bits);
        int lanes = m.lanes();
        int n = lanes << 14;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 3) {
                case 0 -> (rnd.nextFloat() - 0.5f) * 220; // overflow, underflow to subnormal and 0
                case 1 -> (rnd.nextFloat() - 0.5f) * 4;
                default -> new float[]{0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, 88.72284f, 88.72283f, -103.97f,
                        -87.33655f, -150f, 1e-8f, 250f}[(i / 3) % 11];
            };
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i += lanes) {
            m.exp(x, i, out, i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits((float) Math.exp(x[i])), Float.floatToIntBits(out[i]), "exp " + x[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void halfLoadsEveryPatternExactly(int bits) {
        VectorSpecies<Float> fs = species(bits);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(2 * 65536);
            MemorySegment dst = arena.allocate(4 * 65536);
            for (int i = 0; i < 65536; i++) {
                src.set(I16, 2L * i, (short) i);
            }
            for (int i = 0; i < 65536; i += fs.length()) {
                HalfVectors.load(HalfVectors.shorts(fs), HalfVectors.ints(fs), src, 2L * i).intoMemorySegment(dst, 4L * i, ByteOrder.LITTLE_ENDIAN);
            }
            for (int i = 0; i < 65536; i++) {
                // every value exactly; NaN stays NaN (its payload is kept, not quieted)
                assertEquals(Float.floatToIntBits(Fp16.f16ToF32((short) i)), Float.floatToIntBits(
                        dst.get(F32, 4L * i)), "f16 0x" + Integer.toHexString(i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void roundHalfEqualsTheConversionRoundTrip(int bits) {
        VectorSpecies<Float> fs = species(bits);
        Random rnd = new Random(bits + 1);
        float[] x = new float[fs.length() << 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 5) {
                case 0 -> Float.intBitsToFloat(rnd.nextInt()); // anything, including NaN and huge values
                case 1 -> (rnd.nextFloat() - 0.5f) * 4;
                case 2 -> (rnd.nextFloat() - 0.5f) * 1e-4f; // f16 subnormals
                case 3 -> Float.intBitsToFloat((rnd.nextInt(0x477fffff - 0x38000000) + 0x38000000) & ~0x1fff | 0x1000);
                default -> new float[]{0f, -0f, 65504f, 65519.99f, 65520f, -65520f, 6.1035156e-5f, 6.1035153e-5f,
                        Float.POSITIVE_INFINITY, Float.NaN, 2047.5f, 2048.5f}[(i / 5) % 12];
            };
        }
        for (int i = 0; i < x.length; i += fs.length()) {
            FloatVector r = HalfVectors.roundHalf(FloatVector.fromArray(fs, x, i));
            for (int j = 0; j < fs.length(); j++) {
                float expect = Fp16.f16ToF32(Fp16.f32ToF16(x[i + j]));
                assertEquals(Float.floatToIntBits(expect), Float.floatToIntBits(r.lane(j)), "x = " + x[i + j]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void halfStoresRoundLikeTheScalarConversion(int bits) {
        VectorSpecies<Float> fs = species(bits);
        int n = 1 << 20;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4L * n);
            MemorySegment dst = arena.allocate(2L * n);
            Random rnd = new Random(bits);
            int[] edges = {0x38800000, 0x387fffff, 0x33000000, 0x33000001, 0x32ffffff, 0x477fefff, 0x477ff000,
                    0x477fffff, 0x7f800000, 0x7f800001, 0x7fc00000, 0x7fffffff, 0x00000001, 0x3f800000, 0x38000000};
            for (int i = 0; i < n; i++) {
                int b;
                if (i < 2 * edges.length) {
                    b = edges[i / 2] | (i % 2 == 0 ? 0 : 0x80000000);
                } else if (i % 2 == 0) {
                    b = rnd.nextInt(); // anything
                } else {
                    // near f16 rounding boundaries: random exponent in the f16 range, low 13 bits near a tie
                    b = (rnd.nextInt(0x477fffff - 0x33000000) + 0x33000000) & ~0x1fff | 0x1000 + rnd.nextInt(3) - 1;
                }
                src.set(F32, 4L * i, Float.intBitsToFloat(b));
            }
            for (int i = 0; i < n; i += fs.length()) {
                HalfVectors.store(HalfVectors.shorts(fs), FloatVector.fromMemorySegment(fs, src, 4L * i, ByteOrder.LITTLE_ENDIAN), dst,
                        2L * i);
            }
            for (int i = 0; i < n; i++) {
                float f = src.get(F32, 4L * i);
                assertEquals(Fp16.f32ToF16(f), dst.get(I16, 2L * i), "f32 0x" + Integer.toHexString(
                        Float.floatToRawIntBits(f)));
            }
        }
    }
}
