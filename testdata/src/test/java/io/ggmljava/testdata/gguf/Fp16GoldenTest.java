package io.ggmljava.testdata.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.Fp16Bulk;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ggml's own f16/bf16 answers: the golden QUANTIZE cases of type f16 and bf16 hold the f32 input ({@code src0},
 * including ±0, ±inf, NaNs, subnormals, overflow and round-to-even ties in the {@code special} cases), ggml's
 * conversion ({@code quant}) and its widening back ({@code dst}). Ours must give the same bits, scalar and bulk.
 */
class Fp16GoldenTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest
    @ValueSource(strings = {"quantize/quantize_f16_special_128x3.gguf", "quantize/quantize_f16_uniform_48x3.gguf",
        "quantize/quantize_bf16_special_128x3.gguf", "quantize/quantize_bf16_uniform_48x3.gguf"})
    void conversionsMatchGgml(String file) throws IOException {
        try (GgufFile f = GgufFile.open(GoldenFiles.dir().resolve(file)); Arena arena = Arena.ofConfined()) {
            GgufTensorInfo quant = f.tensor("quant");
            boolean bf16 = quant.type() == GgmlType.BF16;
            assertEquals(bf16 ? GgmlType.BF16 : GgmlType.F16, quant.type());
            MemorySegment src = f.tensorData(f.tensor("src0"));
            MemorySegment q = f.tensorData(quant);
            MemorySegment dst = f.tensorData(f.tensor("dst"));
            int n = (int) quant.nelements();
            int nan = 0;
            int inf = 0;
            int sub = 0;
            for (int i = 0; i < n; i++) {
                float x = Float.intBitsToFloat(src.get(I32, 4L * i));
                short want = q.get(I16, 2L * i);
                short got = bf16 ? Fp16.f32ToBf16(x) : Fp16.f32ToF16(x);
                int idx = i;
                assertEquals(want, got, () -> file + " element " + idx + ": f32 0x"
                        + Integer.toHexString(Float.floatToRawIntBits(x)));
                int widened = Float.floatToRawIntBits(bf16 ? Fp16.bf16ToF32(want) : Fp16.f16ToF32(want));
                assertEquals(dst.get(I32, 4L * i), widened, () -> file + " element " + idx + " widened");
                nan += Float.isNaN(x) ? 1 : 0;
                inf += Float.isInfinite(x) ? 1 : 0;
                sub += (want & 0x7FFF) != 0 && (want & (bf16 ? 0x7F80 : 0x7C00)) == 0 ? 1 : 0;
            }
            if (file.contains("special")) {
                assertTrue(nan >= 2 && inf >= 2 && sub >= 1, "special values present: " + nan + " NaN, " + inf
                        + " inf, " + sub + " subnormal results");
            }
            for (Fp16Bulk b : bulkForms()) {
                MemorySegment out = arena.allocate(2L * n);
                MemorySegment wide = arena.allocate(4L * n);
                if (bf16) {
                    b.f32ToBf16(src, 0, out, 0, n);
                    b.bf16ToF32(q, 0, wide, 0, n);
                } else {
                    b.f32ToF16(src, 0, out, 0, n);
                    b.f16ToF32(q, 0, wide, 0, n);
                }
                assertEquals(-1, out.mismatch(q), b.name() + " " + file + " conversion");
                assertEquals(-1, wide.mismatch(dst), b.name() + " " + file + " widening");
            }
        }
    }

    private static List<Fp16Bulk> bulkForms() {
        List<Fp16Bulk> l = new ArrayList<>(List.of(Fp16Bulk.scalar()));
        for (int bits : new int[] {128, 256, 512}) {
            try {
                l.add(Fp16Bulk.vector(bits));
            } catch (UnsupportedOperationException e) {
                System.out.println("Fp16GoldenTest: " + e.getMessage());
            }
        }
        return l;
    }
}
