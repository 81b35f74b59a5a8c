package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {
    @TempDir
    Path dir;

    /** A file with a 16-byte header, then floats 0..15 (tensor a) and 100..107 (tensor b, at 64). */
    private Path file() throws Exception {
        ByteBuffer bb = ByteBuffer.allocate(16 + 96).order(ByteOrder.LITTLE_ENDIAN);
        bb.position(16);
        for (int i = 0; i < 16; i++) {
            bb.putFloat(i);
        }
        for (int i = 0; i < 8; i++) {
            bb.putFloat(100 + i);
        }
        Path p = dir.resolve("weights.bin");
        Files.write(p, bb.array());
        return p;
    }

    @Test
    void tensorsAreBoundToTheFileReadOnly() throws Exception {
        Context ctx = new Context();
        Tensor a = ctx.newTensor2d(GgmlType.F32, 4, 4).setName("a");
        Tensor b = ctx.newTensor1d(GgmlType.F32, 8).setName("b");
        try (MappedFile data = MappedFile.open(file(), 16, 96)) {
            data.bind(a, 0);
            data.bind(b, 64);
            assertEquals(6f, a.getF32(2, 1, 0, 0));
            assertEquals(107f, b.getF32(7));
            RuntimeException ro = assertThrows(RuntimeException.class, () -> a.setF32(0, 1f));
            assertTrue(ro.getMessage().contains("read-only"), ro.getMessage());
            AllocationException e = assertThrows(AllocationException.class, () -> data.bind(b, 80));
            assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        }
    }

    @Test
    void aLinearPlanAllocatedWithTheMappedTypeIsZeroCopy() throws Exception {
        Context ctx = new Context();
        Tensor a = ctx.newTensor2d(GgmlType.F32, 4, 4).setName("a");
        Tensor b = ctx.newTensor1d(GgmlType.F32, 8).setName("b");
        BufferType mapped = BufferTypes.mapped(file(), 16);
        MemoryPlan plan = LinearAllocator.plan(ctx, mapped, Usage.WEIGHTS);
        assertEquals(64, plan.offsetOf(b));
        try (Allocation mem = plan.allocate(mapped)) {
            assertEquals(96, mem.allocatedBytes());
            assertEquals(15f, a.getF32(15));
            assertEquals(100f, b.getF32(0));
        }
    }

    @Test
    void mappingPastTheEndIsRefused() throws Exception {
        Path p = file();
        AllocationException e = assertThrows(AllocationException.class, () -> MappedFile.open(p, 16, 1000));
        assertTrue(e.getMessage().contains("beyond the end"), e.getMessage());
    }
}
