package io.ggmljava.models;

import io.ggmljava.core.GgmlType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights counted from its GGUF header: bytes in total, by type and per layer.
 *
 * @param bytes    bytes of tensor data (as stored in the file)
 * @param tensors  number of tensors
 * @param byType   count and bytes per type, largest first
 * @param perLayer bytes of the {@code blk.N.} tensors of each layer
 * @param other    the tensors outside the layers (embeddings, output, final norm)
 */
public record WeightStats(long bytes, int tensors, Map<GgmlType, TypeCount> byType, long[] perLayer,
        List<TensorSpec> other) {

    /** Tensors and bytes of one type. */
    public record TypeCount(int tensors, long bytes) {
    }

    /** Counts the weights of {@code model}. */
    public static WeightStats of(SizableModel model) {
        List<TensorSpec> specs = model.weightSpecs();
        long total = 0;
        Map<GgmlType, long[]> acc = new EnumMap<>(GgmlType.class);
        long[] layers = new long[model.layers()];
        List<TensorSpec> other = new ArrayList<>();
        for (TensorSpec s : specs) {
            long b = s.nbytes();
            total += b;
            long[] a = acc.computeIfAbsent(s.type(), k -> new long[2]);
            a[0]++;
            a[1] += b;
            int l = model.layerOf(s);
            if (l >= 0 && l < layers.length) {
                layers[l] += b;
            } else {
                other.add(s);
            }
        }
        List<Map.Entry<GgmlType, long[]>> sorted = new ArrayList<>(acc.entrySet());
        sorted.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        Map<GgmlType, TypeCount> byType = new LinkedHashMap<>();
        for (var e : sorted) {
            byType.put(e.getKey(), new TypeCount((int) e.getValue()[0], e.getValue()[1]));
        }
        return new WeightStats(total, specs.size(), Collections.unmodifiableMap(byType), layers, List.copyOf(other));
    }

    @Override
    public long[] perLayer() {
        return perLayer.clone();
    }
}
