package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class BufferTypesTest {
    @Test
    void arenaBuffersHaveExactlyTheSizeAskedForAndAnAlignedBase() {
        for (ArenaKind kind : ArenaKind.values()) {
            BufferType t = BufferTypes.arena(kind);
            try (Buffer b = t.allocate(1000, Usage.COMPUTE)) {
                assertEquals(1000, b.size());
                assertEquals(1000, b.segment().byteSize());
                assertEquals(0, b.segment().address() % 64);
                assertTrue(b.hasMemory());
                b.segment().set(ValueLayout.JAVA_BYTE, 999, (byte) 1);
            }
        }
    }

    @Test
    void closingASharedBufferReleasesItsMemory() {
        Buffer b = BufferTypes.arena().allocate(64, Usage.ANY);
        MemorySegment s = b.segment();
        b.close();
        b.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void confinedBuffersBelongToTheirThread() throws Exception {
        try (Buffer b = BufferTypes.arena(ArenaKind.CONFINED).allocate(64, Usage.ANY)) {
            CompletableFuture<Void> f = CompletableFuture.runAsync(() -> b.segment().get(ValueLayout.JAVA_BYTE, 0));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
        }
    }

    @Test
    void measuringBuffersHaveASizeButNoMemory() {
        Buffer b = BufferTypes.measuring().allocate(1L << 40, Usage.COMPUTE);
        assertEquals(1L << 40, b.size());
        assertFalse(b.hasMemory());
        assertSame(MemorySegment.NULL, b.segment());
        assertNull(b.arena());
    }

    @Test
    void typesAreFoundByName() {
        assertSame(BufferTypes.arena(), BufferTypes.byName("arena"));
        assertSame(BufferTypes.arena(ArenaKind.AUTO), BufferTypes.byName("arena-auto"));
        assertSame(BufferTypes.measuring(), BufferTypes.byName("Measuring"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BufferTypes.byName("gpu"));
        assertTrue(e.getMessage().contains("arena-confined"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BufferTypes.arena(ArenaKind.SHARED, 48, 100));
    }
}
