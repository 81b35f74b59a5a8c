package io.ggmljava.models;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufTensorInfo;
import java.util.Arrays;
import java.util.Objects;

/**
 * A weight's name, type and shape: what a GGUF header says about a tensor, and all a graph builder needs to size it.
 *
 * @param name its GGUF name, e.g. {@code blk.0.attn_q.weight}
 * @param type its element type
 * @param ne   its shape, ggml order, 1 to 4 entries
 */
public record TensorSpec(String name, GgmlType type, long[] ne) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        ne = ne.clone();
    }

    /** The spec of a GGUF tensor info (trailing dimensions of 1 dropped, as the file stores them). */
    public static TensorSpec of(GgufTensorInfo info) {
        return new TensorSpec(info.name(), info.type(), Arrays.copyOf(info.ne(), info.nDims()));
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Elements in dimension {@code i} (1 past the stored dimensions). */
    public long ne(int i) {
        return i < ne.length ? ne[i] : 1;
    }

    /** Number of stored dimensions. */
    public int nDims() {
        return ne.length;
    }

    /** Bytes of the tensor's data (rows of {@code ne0} elements). */
    public long nbytes() {
        long rows = 1;
        for (int i = 1; i < ne.length; i++) {
            rows = Math.multiplyExact(rows, ne[i]);
        }
        return Math.multiplyExact(type.rowSize(ne[0]), rows);
    }

    /** True if {@code other} has the same shape (trailing 1s ignored). */
    public boolean sameShape(long[] other) {
        for (int i = 0; i < 4; i++) {
            long a = ne(i);
            long b = i < other.length ? other[i] : 1;
            if (a != b) {
                return false;
            }
        }
        return true;
    }

    /** {@code [4096, 128256]}. */
    public String shapeString() {
        return Arrays.toString(ne).replace(" ", "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && type == t.type && Arrays.equals(ne, t.ne);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(ne));
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString();
    }
}
