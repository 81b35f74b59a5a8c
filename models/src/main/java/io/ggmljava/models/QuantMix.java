package io.ggmljava.models;

import io.ggmljava.core.GgmlType;

/**
 * Which type each tensor of a llama model gets in a llama.cpp quantization mix ({@code llama-quantize}'s
 * {@code llama_tensor_get_type} for the llama architecture), so a header-only file can carry the mixed types a real
 * quantized file has. One-dimensional tensors (norms, biases, RoPE factors) always stay f32.
 */
public enum QuantMix {
    /** {@code MOSTLY_F16} (general.file_type 1): every matrix f16. */
    F16(1, GgmlType.F16),
    /** {@code MOSTLY_Q8_0} (general.file_type 7): every matrix q8_0, the output matrix included. */
    Q8_0(7, GgmlType.Q8_0),
    /**
     * {@code MOSTLY_Q4_K_M} (general.file_type 15): q4_K, except the output matrix (q6_K) and, in the layers
     * {@link #useMoreBits} picks (the first and last eighth and every third in between), {@code attn_v} and
     * {@code ffn_down} (q6_K).
     */
    Q4_K_M(15, GgmlType.Q4_K);

    private final int fileType;
    private final GgmlType base;

    QuantMix(int fileType, GgmlType base) {
        this.fileType = fileType;
        this.base = base;
    }

    /** The {@code general.file_type} value llama.cpp writes for this mix. */
    public int fileType() {
        return fileType;
    }

    /** The type most matrices get. */
    public GgmlType base() {
        return base;
    }

    /**
     * The type of tensor {@code name} ({@code blk.N.xxx.weight} or a model-level name) with {@code nDims} dimensions,
     * in a model of {@code nLayer} layers.
     */
    public GgmlType typeOf(String name, int nDims, int nLayer) {
        if (nDims < 2) {
            return GgmlType.F32;
        }
        return switch (this) {
            case F16, Q8_0 -> base;
            case Q4_K_M -> {
                if (name.equals("output.weight")) {
                    yield GgmlType.Q6_K;
                }
                int layer = layerOf(name);
                boolean moreBits = layer >= 0 && useMoreBits(layer, nLayer);
                if (moreBits && (name.endsWith(".attn_v.weight") || name.endsWith(".ffn_down.weight"))) {
                    yield GgmlType.Q6_K;
                }
                yield GgmlType.Q4_K;
            }
        };
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third one between. */
    public static boolean useMoreBits(int layer, int nLayer) {
        return layer < nLayer / 8 || layer >= 7 * nLayer / 8 || (layer - nLayer / 8) % 3 == 2;
    }

    /** The layer number of a {@code blk.N.} tensor name, or -1. */
    public static int layerOf(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        if (dot < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(4, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The mix named {@code f16}, {@code q8_0} or {@code q4_k_m} (case-insensitive). */
    public static QuantMix byName(String name) {
        for (QuantMix m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no quantization mix named '" + name + "'; known: f16, q8_0, q4_k_m");
    }
}
