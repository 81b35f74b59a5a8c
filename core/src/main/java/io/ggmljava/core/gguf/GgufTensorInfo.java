package io.ggmljava.core.gguf;

import io.ggmljava.core.GgmlType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a GGUF file: name, type, shape and where its bytes are.
 *
 * @param name   the tensor's name
 * @param type   its element type
 * @param ne     elements per dimension, ggml order ({@code ne[0]} innermost), padded to 4 with 1s
 * @param nDims  the number of dimensions stored in the file (1..4)
 * @param offset byte offset of its data from the start of the data section
 * @param nbytes bytes of its data (ggml_nbytes of a contiguous tensor)
 */
public record GgufTensorInfo(String name, GgmlType type, long[] ne, int nDims, long offset, long nbytes) {
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (ne.length != 4) {
            throw new IllegalArgumentException("ne must have 4 entries, got " + ne.length);
        }
        ne = ne.clone();
    }

    /** A copy of the four element counts. */
    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Elements in dimension {@code i}. */
    public long ne(int i) {
        return ne[i];
    }

    /** Total number of elements. */
    public long nelements() {
        return ne[0] * ne[1] * ne[2] * ne[3];
    }

    /** The shape as {@code [ne0,ne1,...]} up to {@link #nDims()}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < nDims; i++) {
            sb.append(i == 0 ? "" : ", ").append(ne[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(ne, t.ne)
                && nDims == t.nDims && offset == t.offset && nbytes == t.nbytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(ne), nDims, offset, nbytes);
    }

    @Override
    public String toString() {
        return "GgufTensorInfo[" + name + " " + type + " " + shapeString() + " offset=" + offset + " nbytes=" + nbytes
                + "]";
    }
}
