package io.ggmljava.ops.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MUL_MAT golden cases recomputed the way ggml's CPU does it, one output at a time: each row of src1 converted
 * with {@code fromFloatCpu(dotType)}, then {@code vecDot} against each row of src0. This checks the activation
 * converters and dot products against ggml's results with a bound far below the op's tolerance (5e-4): a q8_0
 * converter that rounded like the reference quantizer would miss it.
 */
class QuantDotGoldenTest {
    /** Far below MUL_MAT's 5e-4: only float reassociation may separate us from ggml. */
    static final double MAX_NMSE = 1e-10;

    static Stream<Path> cases() throws IOException {
        List<Path> all = GoldenCase.files("mul_mat");
        return all.stream().filter(p -> !p.getFileName().toString().startsWith("grad_"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vecDotOfConvertedActivationsMatchesGgml(Path file) throws IOException {
        GoldenCase c = GoldenCase.read(file);
        GoldenCase.TensorData a = c.tensor("src0");
        GoldenCase.TensorData b = c.tensor("src1");
        GoldenCase.TensorData dst = c.tensor("dst");
        for (KernelProvider kp : List.of(KernelProvider.scalar(), KernelProvider.get())) {
            double e = recompute(kp.quant(), c, a, b, dst);
            assertTrue(e <= MAX_NMSE, c.name() + " [" + kp.name() + "]: NMSE " + e + " > " + MAX_NMSE);
        }
    }

    /** dst[i, j, i2, i3] = a[:, i, i2/r2, i3/r3] . b[:, j, i2, i3] through fromFloatCpu + vecDot; returns NMSE. */
    static double recompute(QuantKernels qk, GoldenCase c, GoldenCase.TensorData a, GoldenCase.TensorData b,
                            GoldenCase.TensorData dst) {
        long[] aNe = a.ne().clone();
        long[] aNb = strides(a.type(), a.ne());
        long[] bNe = b.ne().clone();
        long[] bNb = strides(b.type(), b.ne());
        permute(c.ints("golden.src0.permute"), aNe, aNb);
        permute(c.ints("golden.src1.permute"), bNe, bNb);
        long k = aNe[0];
        GgmlType dotType = QuantKernels.dotType(a.type());
        long m = aNe[1];
        long n = bNe[1];
        long r2 = bNe[2] / aNe[2];
        long r3 = bNe[3] / aNe[3];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment row = arena.allocate(4 * k);
            MemorySegment conv = arena.allocate(dotType.rowSize(k));
            MemorySegment out = arena.allocate(dst.data().byteSize());
            for (long i3 = 0; i3 < bNe[3]; i3++) {
                for (long i2 = 0; i2 < bNe[2]; i2++) {
                    for (long j = 0; j < n; j++) {
                        long bOff = j * bNb[1] + i2 * bNb[2] + i3 * bNb[3];
                        MemorySegment.copy(b.data(), bOff, row, 0, 4 * k); // rows are contiguous (dim 0 kept)
                        qk.fromFloatCpu(dotType, row, 0, conv, 0, k);
                        for (long i = 0; i < m; i++) {
                            long aOff = i * aNb[1] + (i2 / r2) * aNb[2] + (i3 / r3) * aNb[3];
                            float v = qk.vecDot(a.type(), k, a.data(), aOff, conv, 0);
                            long o = i + m * (j + n * (i2 + bNe[2] * i3));
                            out.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, o, v);
                        }
                    }
                }
            }
            return QuantizeGoldenTest.nmse(out, dst.data());
        }
    }

    private static long[] strides(GgmlType t, long[] ne) {
        long[] nb = new long[4];
        nb[0] = t.typeSize();
        nb[1] = t.rowSize(ne[0]);
        nb[2] = nb[1] * ne[1];
        nb[3] = nb[2] * ne[2];
        return nb;
    }

    /** ggml_permute: leaf dim k becomes view dim axes[k]. */
    private static void permute(int[] axes, long[] ne, long[] nb) {
        if (axes == null) {
            return;
        }
        long[] ne2 = new long[4];
        long[] nb2 = new long[4];
        for (int d = 0; d < 4; d++) {
            ne2[axes[d]] = ne[d];
            nb2[axes[d]] = nb[d];
        }
        System.arraycopy(ne2, 0, ne, 0, 4);
        System.arraycopy(nb2, 0, nb, 0, 4);
    }
}
