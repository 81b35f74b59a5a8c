package io.ggmljava.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** ggml's free-list behaviour (ggml_dyn_tallocr), worked by hand. */
class FreeListTest {
    @Test
    void bestFitPrefersTheHighestAddressAmongEqualBlocksAndTheOpenEndLast() {
        DynamicStrategy.FreeList f = new DynamicStrategy.FreeList();
        assertEquals(0, f.alloc(64));
        assertEquals(64, f.alloc(32));
        assertEquals(96, f.alloc(64));
        assertEquals(160, f.alloc(32));
        f.free(0, 64);
        f.free(96, 64);
        assertEquals(2, f.blocks());
        // two free blocks of 64: ggml's '<=' keeps the later (higher) one
        assertEquals(96, f.alloc(32));
        // [64, 96) joins [0, 64)
        f.free(64, 32);
        assertEquals(2, f.blocks());
        // an exact fit beats the open end
        assertEquals(0, f.alloc(96));
        // [160, 192) joins [128, 160) and then the open end: no block left
        f.free(160, 32);
        assertEquals(0, f.blocks());
        assertEquals(128, f.alloc(16));
    }

    @Test
    void theOpenEndIsUsedOnlyWhenNoBlockFits() {
        DynamicStrategy.FreeList f = new DynamicStrategy.FreeList();
        assertEquals(0, f.alloc(32));
        assertEquals(32, f.alloc(32));
        assertEquals(64, f.alloc(32));
        f.free(0, 32);
        // 64 bytes do not fit the 32-byte block at 0: they go on top
        assertEquals(96, f.alloc(64));
        // 32 bytes fit the block at 0 exactly, although the open end would also do
        assertEquals(0, f.alloc(32));
    }

    @Test
    void freeingBetweenTwoBlocksMergesAllThree() {
        DynamicStrategy.FreeList f = new DynamicStrategy.FreeList();
        for (int i = 0; i < 4; i++) {
            assertEquals(32L * i, f.alloc(32));
        }
        f.free(0, 32);
        f.free(64, 32);
        assertEquals(2, f.blocks());
        f.free(32, 32);
        assertEquals(1, f.blocks());
        assertEquals(0, f.alloc(96));
    }

    @Test
    void manyFreeBlocksAreFine() {
        // ggml aborts past 256 free blocks ("out of free blocks"); here the list just grows
        DynamicStrategy.FreeList f = new DynamicStrategy.FreeList();
        for (int i = 0; i < 2000; i++) {
            f.alloc(32);
        }
        for (int i = 0; i < 2000; i += 2) {
            f.free(32L * i, 32);
        }
        assertEquals(1000, f.blocks());
    }
}
