package io.ggmljava.ops.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ggml's CPU converts activations to q8_0/q8_1 differently from its reference quantizer (x86 path of
 * {@code quantize_row_q8_0}): multiplier {@code 127/amax} instead of {@code 1/(amax/127)}, and rounding half to even
 * instead of half away from zero. Both behaviours are pinned here, with the rules restated independently.
 */
class ActivationConverterTest {
    static final QuantKernels SCALAR = KernelProvider.scalar().quant();

    private static byte[] levels(QuantKernels k, GgmlType t, float[] x, boolean cpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocate(4L * x.length);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, x.length);
            MemorySegment q = a.allocate(t.rowSize(x.length));
            if (cpu) {
                k.fromFloatCpu(t, xs, 0, q, 0, x.length);
            } else {
                k.quantizeRow(t, xs, 0, q, 0, x.length);
            }
            int head = t == GgmlType.Q8_0 ? 2 : 4;
            byte[] l = new byte[x.length];
            for (int b = 0; b < x.length / 32; b++) {
                MemorySegment.copy(q, ValueLayout.JAVA_BYTE, (long) b * t.typeSize() + head, l, 32 * b, 32);
            }
            return l;
        }
    }

    @Test
    void tiesRoundHalfToEvenOnTheCpuAndAwayFromZeroInTheReference() {
        float[] x = new float[32];
        float[] v = {127f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -1.5f, 126.5f};
        System.arraycopy(v, 0, x, 0, v.length);
        for (QuantKernels k : new QuantKernels[] {SCALAR, KernelProvider.get().quant()}) {
            for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q8_1}) {
                byte[] cpu = levels(k, t, x, true);
                byte[] ref = levels(k, t, x, false);
                assertArrayEquals(new byte[] {127, 2, -2, 0, 0, 2, -2, 126}, Arrays.copyOf(cpu, 8), t + " cpu");
                assertArrayEquals(new byte[] {127, 3, -3, 1, -1, 2, -2, 127}, Arrays.copyOf(ref, 8), t + " ref");
            }
        }
    }

    @Test
    void levelsFollowEachQuantizersOwnFormula() {
        SplittableRandom r = new SplittableRandom(42);
        int blocks = 4000;
        float[] x = new float[32 * blocks];
        for (int b = 0; b < blocks; b++) {
            if (b % 2 == 0) { // random values at random scales
                for (int j = 0; j < 32; j++) {
                    x[32 * b + j] = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-3, 4)));
                }
            } else { // amax = 127 * 2^e and half-integer multiples of 2^e: exact ties for both quantizers
                float step = (float) Math.scalb(1.0, r.nextInt(-10, 10));
                x[32 * b] = 127 * step * (r.nextBoolean() ? 1 : -1);
                for (int j = 1; j < 32; j++) {
                    x[32 * b + j] = (r.nextInt(-126, 126) + 0.5f) * step;
                }
            }
        }
        byte[] cpu = levels(SCALAR, GgmlType.Q8_0, x, true);
        byte[] ref = levels(SCALAR, GgmlType.Q8_0, x, false);
        byte[] cpuVector = levels(KernelProvider.get().quant(), GgmlType.Q8_0, x, true);
        assertArrayEquals(cpu, cpuVector, "vector vs scalar");
        int differ = 0;
        for (int b = 0; b < blocks; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * b + j]));
            }
            float idCpu = 127.f / amax;
            float d = amax / 127;
            float idRef = 1.0f / d;
            for (int j = 0; j < 32; j++) {
                float xv = x[32 * b + j];
                int c = (int) Math.rint(xv * idCpu);
                float p = xv * idRef;
                int f = (int) Math.copySign(Math.floor(Math.abs((double) p) + 0.5), p);
                assertEquals(c, cpu[32 * b + j], "cpu level, block " + b + " element " + j);
                assertEquals(f, ref[32 * b + j], "reference level, block " + b + " element " + j);
                if (c != f) {
                    differ++;
                }
            }
        }
        assertTrue(differ > 0, "the data must contain levels where the two quantizers differ");
    }

    @Test
    void q8_1SumUsesTheCpuLevelsAndTheUnroundedScale() {
        float[] x = new float[32];
        for (int j = 0; j < 32; j++) {
            x[j] = (j - 10) * 0.37f;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment xs = a.allocate(128);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 32);
            MemorySegment q = a.allocate(36);
            SCALAR.fromFloatCpu(GgmlType.Q8_1, xs, 0, q, 0, 32);
            float amax = 21 * 0.37f;
            float d = amax / 127.f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                sum += q.get(ValueLayout.JAVA_BYTE, 4 + j);
            }
            assertEquals(Fp16.f32ToF16(d), q.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            assertEquals(Fp16.f32ToF16(d * sum), q.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
        }
    }
}
