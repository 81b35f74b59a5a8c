package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWeightsTest {
    @TempDir
    Path dir;

    private Path write(boolean headerOnly) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(4 * 10);
            for (int i = 0; i < 10; i++) {
                a.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i * 0.5f);
            }
            MemorySegment b = arena.allocate(2 * 6 * 3);
            Path p = dir.resolve(headerOnly ? "h.gguf" : "w.gguf");
            GgufWriter w = new GgufWriter()
                    .addTensor("a", GgmlType.F32, new long[]{10}, a)
                    .addTensor("b", GgmlType.F16, new long[]{6, 3}, b);
            if (headerOnly) {
                w.writeHeaderOnly(p);
            } else {
                w.write(p);
            }
            return p;
        }
    }

    @Test
    void weightsAreMappedZeroCopyAtTheFileOffsets() throws Exception {
        Path p = write(false);
        try (GgufFile f = GgufFile.open(p)) {
            Context ctx = new Context();
            MemoryPlan plan = GgufWeights.plan(f, ctx);
            Tensor a = ctx.getTensor("a");
            Tensor b = ctx.getTensor("b");
            assertEquals(f.tensor("b").offset(), plan.offsetOf(b));
            assertEquals(f.tensor("b").offset() + 36, plan.totalBytes());
            try (Allocation mem = plan.allocate(GgufWeights.mappedType(f, p))) {
                assertEquals(plan.totalBytes(), mem.allocatedBytes());
                assertEquals(4.5f, a.getF32(9));
                assertTrue(a.data().isReadOnly(), "bound to the read-only mapping of the file");
                assertEquals(mem.buffer(0).segment().address() + plan.offsetOf(b), b.data().address());
            }
            assertNull(a.data());
        }
    }

    @Test
    void aHeaderOnlyFileIsEnoughToMeasure() throws Exception {
        Path p = write(true);
        try (GgufFile f = GgufFile.openHeaderOnly(p)) {
            Context ctx = new Context();
            MemoryPlan plan = GgufWeights.plan(f, ctx);
            try (Allocation mem = plan.allocate(BufferTypes.measuring())) {
                assertEquals(plan.totalBytes(), mem.allocatedBytes());
            }
            assertThrows(AllocationException.class, () -> plan.allocate(GgufWeights.mappedType(f, p)));
        }
    }
}
