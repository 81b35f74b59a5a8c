package io.ggmljava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link GgmlType} against ggml's table: the ids of ggml.h, the block sizes and names of ggml.c's type traits, and
 * the block byte sizes as ggml-common.h's static_asserts spell them (field by field, QK_K = 256, half = 2 bytes).
 */
class GgmlTypeTest {
    private static final int QK_K = 256;
    private static final int HALF = 2;

    /** name -> {id, block elements, bytes per block, quantized}; retired ids have block size 0. */
    private static Map<String, int[]> ggmlTable() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("f32", new int[] {0, 1, 4, 0});
        m.put("f16", new int[] {1, 1, HALF, 0});
        m.put("q4_0", new int[] {2, 32, HALF + 32 / 2, 1});
        m.put("q4_1", new int[] {3, 32, 2 * HALF + 32 / 2, 1});
        m.put("q4_2", new int[] {4, 0, 0, 0});
        m.put("q4_3", new int[] {5, 0, 0, 0});
        m.put("q5_0", new int[] {6, 32, HALF + 4 + 32 / 2, 1});
        m.put("q5_1", new int[] {7, 32, 2 * HALF + 4 + 32 / 2, 1});
        m.put("q8_0", new int[] {8, 32, HALF + 32, 1});
        m.put("q8_1", new int[] {9, 32, 2 * HALF + 32, 1});
        m.put("q2_K", new int[] {10, QK_K, 2 * HALF + QK_K / 16 + QK_K / 4, 1});
        m.put("q3_K", new int[] {11, QK_K, HALF + QK_K / 4 + QK_K / 8 + 12, 1});
        m.put("q4_K", new int[] {12, QK_K, 2 * HALF + 12 + QK_K / 2, 1});
        m.put("q5_K", new int[] {13, QK_K, 2 * HALF + 12 + QK_K / 2 + QK_K / 8, 1});
        m.put("q6_K", new int[] {14, QK_K, HALF + QK_K / 16 + 3 * QK_K / 4, 1});
        m.put("q8_K", new int[] {15, QK_K, 4 + QK_K + QK_K / 16 * 2, 1});
        m.put("iq2_xxs", new int[] {16, QK_K, HALF + QK_K / 8 * 2, 1});
        m.put("iq2_xs", new int[] {17, QK_K, HALF + QK_K / 8 * 2 + QK_K / 32, 1});
        m.put("iq3_xxs", new int[] {18, QK_K, HALF + 3 * (QK_K / 8), 1});
        m.put("iq1_s", new int[] {19, QK_K, HALF + QK_K / 8 + QK_K / 16, 1});
        m.put("iq4_nl", new int[] {20, 32, HALF + 32 / 2, 1});
        m.put("iq3_s", new int[] {21, QK_K, HALF + 13 * (QK_K / 32) + 4, 1});
        m.put("iq2_s", new int[] {22, QK_K, HALF + QK_K / 4 + QK_K / 16, 1});
        m.put("iq4_xs", new int[] {23, QK_K, HALF + 2 + QK_K / 64 + QK_K / 2, 1});
        m.put("i8", new int[] {24, 1, 1, 0});
        m.put("i16", new int[] {25, 1, 2, 0});
        m.put("i32", new int[] {26, 1, 4, 0});
        m.put("i64", new int[] {27, 1, 8, 0});
        m.put("f64", new int[] {28, 1, 8, 0});
        m.put("iq1_m", new int[] {29, QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32, 1});
        m.put("bf16", new int[] {30, 1, 2, 0});
        m.put("q4_0_4_4", new int[] {31, 0, 0, 0});
        m.put("q4_0_4_8", new int[] {32, 0, 0, 0});
        m.put("q4_0_8_8", new int[] {33, 0, 0, 0});
        m.put("tq1_0", new int[] {34, QK_K, HALF + QK_K / 64 + (QK_K - 4 * QK_K / 64) / 5, 1});
        m.put("tq2_0", new int[] {35, QK_K, HALF + QK_K / 4, 1});
        m.put("iq4_nl_4_4", new int[] {36, 0, 0, 0});
        m.put("iq4_nl_4_8", new int[] {37, 0, 0, 0});
        m.put("iq4_nl_8_8", new int[] {38, 0, 0, 0});
        return m;
    }

    @Test
    void everyTypeMatchesGgmlsTable() {
        Map<String, int[]> table = ggmlTable();
        assertEquals(39, GgmlType.COUNT);
        assertEquals(table.size(), GgmlType.values().length);
        for (Map.Entry<String, int[]> e : table.entrySet()) {
            int[] want = e.getValue();
            GgmlType t = GgmlType.byName(e.getKey());
            String what = e.getKey();
            assertEquals(want[0], t.id(), what + " id");
            assertSame(t, GgmlType.byId(want[0]), what + " byId");
            assertEquals(want[1], t.blockSize(), what + " block size");
            assertEquals(want[2], t.typeSize(), what + " bytes per block");
            assertEquals(want[3] == 1, t.isQuantized(), what + " quantized");
            assertEquals(want[1] == 0, t.isRetired(), what + " retired");
            assertEquals(e.getKey(), t.ggmlName());
        }
    }

    @Test
    void lookupsOutsideTheTableGiveNull() {
        assertNull(GgmlType.byId(-1));
        assertNull(GgmlType.byId(39));
        assertNull(GgmlType.byName("q4_9"));
        assertSame(GgmlType.Q4_K, GgmlType.byName("Q4_k"), "names are case-insensitive");
    }

    @Test
    void retiredTypesAreRejectedByName() {
        for (GgmlType t : GgmlType.values()) {
            if (t.isRetired()) {
                UnsupportedTypeException e = assertThrows(UnsupportedTypeException.class, t::requireUsable);
                assertTrue(e.getMessage().contains(t.ggmlName()) && e.getMessage().contains("retired"),
                        e.getMessage());
                assertThrows(UnsupportedTypeException.class, () -> t.rowSize(0));
            } else {
                assertSame(t, t.requireUsable());
            }
        }
    }

    /** ggml_row_size: type_size * ne / blck_size, for ne a multiple of the block size. */
    @Test
    void rowSizeAsGgmlComputesIt() {
        for (GgmlType t : GgmlType.values()) {
            if (t.isRetired()) {
                continue;
            }
            for (long blocks : new long[] {0, 1, 2, 7, 1000, 1L << 40}) {
                long ne = blocks * t.blockSize();
                assertEquals(blocks * t.typeSize(), t.rowSize(ne), t + " ne=" + ne);
            }
            if (t.blockSize() > 1) {
                ShapeException e = assertThrows(ShapeException.class, () -> t.rowSize(t.blockSize() + 1));
                assertTrue(e.getMessage().contains("multiple of the block size (" + t.blockSize() + ")"),
                        e.getMessage());
            }
        }
        assertEquals(4096 / 32 * 18, GgmlType.Q4_0.rowSize(4096));
        assertEquals(4096 / 256 * 210, GgmlType.Q6_K.rowSize(4096));
        assertThrows(ArithmeticException.class, () -> GgmlType.F64.rowSize(Long.MAX_VALUE / 4));
    }

    @Test
    void floatAndIntegerGroups() {
        for (GgmlType t : GgmlType.values()) {
            boolean f = t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16 || t == GgmlType.F64;
            boolean i = t == GgmlType.I8 || t == GgmlType.I16 || t == GgmlType.I32 || t == GgmlType.I64;
            assertEquals(f, t.isFloat(), t.toString());
            assertEquals(i, t.isInteger(), t.toString());
        }
    }
}
