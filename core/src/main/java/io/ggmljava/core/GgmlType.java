package io.ggmljava.core;

/**
 * Every ggml tensor element type, with ggml's numeric id, name, block size and bytes per block.
 *
 * <p>Quantized types store {@link #blockSize()} elements in {@link #typeSize()} bytes; plain types have block size 1.
 * Ids that ggml has retired (4, 5, 31-33, 36-38) are listed with {@link #isRetired()} true and size 0 so that a file
 * naming them can be rejected by name instead of by a bare number.
 *
 * <p>Block layouts of the types the kernels implement (byte-identical to ggml's {@code ggml-common.h}; fields in
 * order, little-endian; {@code d}/{@code m}/{@code dmin} are scales, minimums and super-block scales):
 * <table class="striped">
 * <caption>Block layouts</caption>
 * <thead><tr><th>type</th><th>elements</th><th>bytes</th><th>fields</th><th>value of element</th></tr></thead>
 * <tbody>
 * <tr><td>q4_0</td><td>32</td><td>18</td><td>f16 d; u8 qs[16]</td><td>d * (q - 8)</td></tr>
 * <tr><td>q4_1</td><td>32</td><td>20</td><td>f16 d; f16 m; u8 qs[16]</td><td>d * q + m</td></tr>
 * <tr><td>q5_0</td><td>32</td><td>22</td><td>f16 d; u8 qh[4]; u8 qs[16]</td><td>d * (q - 16)</td></tr>
 * <tr><td>q5_1</td><td>32</td><td>24</td><td>f16 d; f16 m; u8 qh[4]; u8 qs[16]</td><td>d * q + m</td></tr>
 * <tr><td>q8_0</td><td>32</td><td>34</td><td>f16 d; i8 qs[32]</td><td>d * q</td></tr>
 * <tr><td>q8_1</td><td>32</td><td>36</td><td>f16 d; f16 s (= d * sum q); i8 qs[32]</td><td>d * q</td></tr>
 * <tr><td>q2_K</td><td>256</td><td>84</td><td>u8 scales[16] (4-bit scale | 4-bit min); u8 qs[64]; f16 d;
 *     f16 dmin</td><td>d * sc * q - dmin * m, 16 groups of 16</td></tr>
 * <tr><td>q3_K</td><td>256</td><td>110</td><td>u8 hmask[32]; u8 qs[64]; u8 scales[12] (6-bit); f16 d</td>
 *     <td>d * (sc - 32) * (q - 4 if high bit clear), 16 groups of 16</td></tr>
 * <tr><td>q4_K</td><td>256</td><td>144</td><td>f16 d; f16 dmin; u8 scales[12] (6-bit scales and mins);
 *     u8 qs[128]</td><td>d * sc * q - dmin * m, 8 groups of 32</td></tr>
 * <tr><td>q5_K</td><td>256</td><td>176</td><td>f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]</td>
 *     <td>d * sc * q - dmin * m, 8 groups of 32</td></tr>
 * <tr><td>q6_K</td><td>256</td><td>210</td><td>u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d</td>
 *     <td>d * sc * (q - 32), 16 groups of 16</td></tr>
 * <tr><td>q8_K</td><td>256</td><td>292</td><td>f32 d; i8 qs[256]; i16 bsums[16] (sums of 16 q)</td>
 *     <td>d * q</td></tr>
 * <tr><td>iq4_nl</td><td>32</td><td>18</td><td>f16 d; u8 qs[16] (indices)</td>
 *     <td>d * kvalues[q], kvalues = -127 -104 -83 -65 -49 -35 -22 -10 1 13 25 38 53 69 89 113</td></tr>
 * </tbody>
 * </table>
 * In the 32-element types element {@code j < 16} is the low nibble of {@code qs[j]} and {@code j + 16} its high
 * nibble; the k-quants interleave as their {@code dequantize_row_*} functions do (documented with the kernels in
 * {@code io.ggmljava.ops.scalar.quant}). Weights are multiplied with activations converted to
 * {@code QuantKernels.dotType}: q8_0 for q4_0/q5_0/q8_0/iq4_nl, q8_1 for q4_1/q5_1, q8_K for the k-quants.
 */
public enum GgmlType {
    F32(0, "f32", 1, 4, false),
    F16(1, "f16", 1, 2, false),
    Q4_0(2, "q4_0", 32, 18, true),
    Q4_1(3, "q4_1", 32, 20, true),
    Q4_2(4, "q4_2", 0, 0, false),           // retired
    Q4_3(5, "q4_3", 0, 0, false),           // retired
    Q5_0(6, "q5_0", 32, 22, true),
    Q5_1(7, "q5_1", 32, 24, true),
    Q8_0(8, "q8_0", 32, 34, true),
    Q8_1(9, "q8_1", 32, 36, true),
    Q2_K(10, "q2_K", 256, 84, true),
    Q3_K(11, "q3_K", 256, 110, true),
    Q4_K(12, "q4_K", 256, 144, true),
    Q5_K(13, "q5_K", 256, 176, true),
    Q6_K(14, "q6_K", 256, 210, true),
    Q8_K(15, "q8_K", 256, 292, true),
    IQ2_XXS(16, "iq2_xxs", 256, 66, true),
    IQ2_XS(17, "iq2_xs", 256, 74, true),
    IQ3_XXS(18, "iq3_xxs", 256, 98, true),
    IQ1_S(19, "iq1_s", 256, 50, true),
    IQ4_NL(20, "iq4_nl", 32, 18, true),
    IQ3_S(21, "iq3_s", 256, 110, true),
    IQ2_S(22, "iq2_s", 256, 82, true),
    IQ4_XS(23, "iq4_xs", 256, 136, true),
    I8(24, "i8", 1, 1, false),
    I16(25, "i16", 1, 2, false),
    I32(26, "i32", 1, 4, false),
    I64(27, "i64", 1, 8, false),
    F64(28, "f64", 1, 8, false),
    IQ1_M(29, "iq1_m", 256, 56, true),
    BF16(30, "bf16", 1, 2, false),
    Q4_0_4_4(31, "q4_0_4_4", 0, 0, false),  // retired: ggml repacks q4_0 at run time instead
    Q4_0_4_8(32, "q4_0_4_8", 0, 0, false),  // retired
    Q4_0_8_8(33, "q4_0_8_8", 0, 0, false),  // retired
    TQ1_0(34, "tq1_0", 256, 54, true),
    TQ2_0(35, "tq2_0", 256, 66, true),
    IQ4_NL_4_4(36, "iq4_nl_4_4", 0, 0, false), // retired
    IQ4_NL_4_8(37, "iq4_nl_4_8", 0, 0, false), // retired
    IQ4_NL_8_8(38, "iq4_nl_8_8", 0, 0, false); // retired

    /** Number of type ids ggml defines (GGML_TYPE_COUNT), retired ones included. */
    public static final int COUNT = 39;

    private static final GgmlType[] BY_ID = new GgmlType[COUNT];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final String ggmlName;
    private final int blockSize;
    private final int typeSize;
    private final boolean quantized;

    GgmlType(int id, String ggmlName, int blockSize, int typeSize, boolean quantized) {
        this.id = id;
        this.ggmlName = ggmlName;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.quantized = quantized;
    }

    /** ggml's numeric type id (as stored in GGUF files). */
    public int id() {
        return id;
    }

    /** ggml's type name, e.g. {@code q4_K}. */
    public String ggmlName() {
        return ggmlName;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block (bytes per element for plain types). */
    public int typeSize() {
        return typeSize;
    }

    /** True for block-quantized types. */
    public boolean isQuantized() {
        return quantized;
    }

    /** True for ids ggml no longer supports; such types cannot be used for tensors. */
    public boolean isRetired() {
        return blockSize == 0;
    }

    /** True for f32, f16 and bf16 (and f64): the types element helpers read as floats. */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** True for i8, i16, i32, i64. */
    public boolean isInteger() {
        return this == I8 || this == I16 || this == I32 || this == I64;
    }

    /** The type with ggml id {@code id}, or null if there is none. */
    public static GgmlType byId(int id) {
        return id >= 0 && id < COUNT ? BY_ID[id] : null;
    }

    /** The type with ggml name {@code name} (case-insensitive), or null if there is none. */
    public static GgmlType byName(String name) {
        for (GgmlType t : values()) {
            if (t.ggmlName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Bytes of a row of {@code ne} elements, as ggml_row_size computes it.
     *
     * @throws ShapeException if {@code ne} is not a multiple of the block size
     */
    public long rowSize(long ne) {
        requireUsable();
        if (ne % blockSize != 0) {
            throw new ShapeException("rowSize: ne0 (" + ne + ") must be a multiple of the block size (" + blockSize
                    + ") of " + ggmlName);
        }
        return Math.multiplyExact((long) typeSize, ne) / blockSize;
    }

    /** @throws UnsupportedTypeException if this is a retired id */
    public GgmlType requireUsable() {
        if (isRetired()) {
            throw new UnsupportedTypeException("type " + ggmlName + " (id " + id + ") has been retired by ggml");
        }
        return this;
    }

    @Override
    public String toString() {
        return ggmlName;
    }
}
