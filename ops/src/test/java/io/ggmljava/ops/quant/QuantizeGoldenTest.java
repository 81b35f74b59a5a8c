package io.ggmljava.ops.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The QUANTIZE golden cases (ggml 9a4acb37): for every file and kernel provider, (1) dequantizing {@code quant}
 * gives {@code dst} bit for bit, and (2) quantizing {@code src0} (with the {@code src1} importance matrix when
 * {@code golden.param.imatrix}) gives {@code quant} byte for byte.
 */
class QuantizeGoldenTest {
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        List<KernelProvider> providers = new ArrayList<>();
        providers.add(KernelProvider.scalar());
        if (KernelProvider.vectorAvailable()) {
            for (int bits : new int[] {128, 256, 512}) {
                if (bits <= KernelProvider.preferredVectorBits()) {
                    providers.add(KernelProvider.vector(bits));
                }
            }
        }
        for (Path p : GoldenCase.files("quantize")) {
            for (KernelProvider kp : providers) {
                out.add(Arguments.of(p.getFileName().toString().replace(".gguf", ""), kp.name(), p, kp));
            }
        }
        assertEquals(31 * providers.size(), out.size(), "expected the 31 QUANTIZE fixtures");
        return out.stream();
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("cases")
    void dequantizeMatchesDstAndQuantizeMatchesQuant(String name, String provider, Path file, KernelProvider kp)
            throws IOException {
        GoldenCase c = GoldenCase.read(file);
        GoldenCase.TensorData src0 = c.tensor("src0");
        GoldenCase.TensorData quant = c.tensor("quant");
        GoldenCase.TensorData dst = c.tensor("dst");
        GgmlType type = quant.type();
        assertEquals(c.string("golden.param.type"), type.ggmlName());
        QuantKernels qk = kp.quant();
        long nPerRow = src0.ne()[0];
        long nrows = src0.nelements() / nPerRow;
        try (Arena arena = Arena.ofConfined()) {
            // (1) dequantizer
            MemorySegment deq = arena.allocate(4 * quant.nelements());
            for (long r = 0; r < nrows; r++) {
                qk.dequantizeRow(type, quant.data(), r * type.rowSize(nPerRow), deq, 4 * r * nPerRow, nPerRow);
            }
            assertBitsEqual(name + ": dequantize(quant) vs dst", dst.data(), deq, nPerRow);

            // (2) quantizer
            float[] imatrix = null;
            if (c.bool("golden.param.imatrix")) {
                imatrix = c.tensor("src1").floats();
            }
            MemorySegment q = arena.allocate(quant.data().byteSize());
            qk.quantizeChunk(type, src0.data(), 0, q, 0, nrows, nPerRow, imatrix);
            long mismatch = q.mismatch(quant.data());
            if (mismatch >= 0) {
                MemorySegment mine = arena.allocate(4 * quant.nelements());
                for (long r = 0; r < nrows; r++) {
                    qk.dequantizeRow(type, q, r * type.rowSize(nPerRow), mine, 4 * r * nPerRow, nPerRow);
                }
                long block = mismatch / type.typeSize();
                fail(name + ": quantized bytes differ first at byte " + mismatch + " (block " + block + ", byte "
                        + mismatch % type.typeSize() + " of the block): mine " + hex(q, mismatch) + ", ggml "
                        + hex(quant.data(), mismatch) + "; " + countDifferentBlocks(q, quant.data(), type)
                        + " blocks differ; NMSE of my dequantized values vs dst = " + nmse(mine, dst.data()));
            }
        }
    }

    private static String hex(MemorySegment s, long off) {
        StringBuilder sb = new StringBuilder();
        for (long i = off; i < Math.min(off + 8, s.byteSize()); i++) {
            sb.append(String.format("%02x", s.get(ValueLayout.JAVA_BYTE, i)));
        }
        return sb.toString();
    }

    private static long countDifferentBlocks(MemorySegment a, MemorySegment b, GgmlType type) {
        long n = 0;
        int bytes = type.typeSize();
        for (long off = 0; off < a.byteSize(); off += bytes) {
            if (a.asSlice(off, bytes).mismatch(b.asSlice(off, bytes)) >= 0) {
                n++;
            }
        }
        return n;
    }

    /** NMSE as ggml's test-backend-ops defines it, with a = mine, b = golden; non-finite golden values skipped. */
    static double nmse(MemorySegment mine, MemorySegment golden) {
        double num = 0;
        double den = 0;
        for (long i = 0; i < golden.byteSize() / 4; i++) {
            float g = golden.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i);
            float m = mine.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i);
            if (!Float.isFinite(g)) {
                continue;
            }
            num += ((double) m - g) * ((double) m - g);
            den += (double) m * m;
        }
        return num == 0 ? 0 : num / den;
    }

    static void assertBitsEqual(String what, MemorySegment expected, MemorySegment actual, long nPerRow) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": sizes");
        long n = expected.byteSize() / 4;
        long diffs = 0;
        long first = -1;
        for (long i = 0; i < n; i++) {
            int e = expected.get(ValueLayout.JAVA_INT_UNALIGNED, 4 * i);
            int a = actual.get(ValueLayout.JAVA_INT_UNALIGNED, 4 * i);
            if (e != a) {
                diffs++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (diffs > 0) {
            float e = expected.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * first);
            float a = actual.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * first);
            fail(what + ": " + diffs + " of " + n + " values differ; first at element " + first % nPerRow + " of row "
                    + first / nPerRow + ": expected " + e + " (0x" + Integer.toHexString(Float.floatToRawIntBits(e))
                    + "), got " + a + " (0x" + Integer.toHexString(Float.floatToRawIntBits(a)) + ")");
        }
        assertTrue(true);
    }
}
