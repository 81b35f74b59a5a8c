package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearAllocatorTest {
    @Test
    void splitsAtTheMaxSizeAndPadsEachTensor() {
        Context ctx = new Context();
        Tensor a = ctx.newTensor1d(GgmlType.I8, 100).setName("a");   // 100 -> 128
        Tensor b = ctx.newTensor1d(GgmlType.I8, 200).setName("b");   // 200 -> 224
        Tensor view = ctx.view1d(a, 10, 0).setName("a view");
        Tensor c = ctx.newTensor1d(GgmlType.I8, 300).setName("c");   // 300 -> 320: does not fit 352 + 320 <= 512
        BufferType max512 = BufferTypes.arena(ArenaKind.SHARED, 32, 512);
        MemoryPlan p = LinearAllocator.plan(ctx, max512, Usage.WEIGHTS);
        assertEquals(List.of(new MemoryPlan.BufferSpec("weights.0", Usage.WEIGHTS, 352),
                new MemoryPlan.BufferSpec("weights.1", Usage.WEIGHTS, 320)), p.buffers());
        assertEquals(0, p.offsetOf(a));
        assertEquals(128, p.offsetOf(b));
        assertEquals(1, p.bufferOf(c));
        assertEquals(0, p.offsetOf(c));
        assertFalse(p.isPlaced(view));
        try (Allocation mem = p.allocate(max512)) {
            assertEquals(672, mem.allocatedBytes());
            assertEquals(mem.buffer(0).segment().address(), view.data().address());
            a.setI32(3, 7);
            assertEquals(7, view.getI32(3));
        }
    }

    @Test
    void aTensorLargerThanTheMaxSizeIsRefused() {
        Context ctx = new Context();
        ctx.newTensor1d(GgmlType.F32, 1000).setName("huge");
        AllocationException e = assertThrows(AllocationException.class,
                () -> LinearAllocator.plan(ctx, BufferTypes.arena(ArenaKind.SHARED, 32, 1024), Usage.WEIGHTS));
        assertTrue(e.getMessage().contains("'huge'"), e.getMessage());
    }

    @Test
    void emptyContextsGiveOneEmptyBuffer() {
        MemoryPlan p = LinearAllocator.plan(new Context(), BufferTypes.arena(), Usage.ANY);
        assertEquals(0, p.totalBytes());
        try (Allocation mem = p.allocate(BufferTypes.arena())) {
            assertEquals(0, mem.allocatedBytes());
        }
    }
}
