package io.ggmljava.graph;

import io.ggmljava.core.Tensor;

/**
 * An identity map from tensors to ints with open addressing (linear probing, load at most 1/2): the graph's visited
 * set, which can also remember where each tensor sits (node {@code i} as {@code i}, leaf {@code i} as
 * {@code -i - 2}). The values array only exists once someone asks for positions, so building a graph touches one
 * array. Its own class so the graph can report and trim its exact footprint, which
 * {@link java.util.IdentityHashMap} hides.
 */
final class TensorIndex {
    /** Returned by {@link #get} for an absent tensor. */
    static final int ABSENT = Integer.MIN_VALUE;

    private Tensor[] keys;
    private int[] values;
    private int size;

    TensorIndex(int expected) {
        keys = new Tensor[tableSizeFor(expected)];
    }

    private TensorIndex(Tensor[] keys, int[] values, int size) {
        this.keys = keys;
        this.values = values;
        this.size = size;
    }

    /** Smallest power of two that holds {@code expected} entries at load 1/2 (at least 16). */
    static int tableSizeFor(int expected) {
        long need = Math.max(16L, 2L * expected);
        if (need > (1 << 30)) {
            throw new IllegalStateException("graph too large: " + expected + " tensors");
        }
        return Integer.highestOneBit((int) need - 1) << 1;
    }

    private static int slot(Tensor t, int mask) {
        int h = System.identityHashCode(t);
        h ^= h >>> 16;
        h *= 0x85ebca6b; // spread the low bits: identity hashes are often sequential
        h ^= h >>> 13;
        return h & mask;
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    /** True if {@code t} is in the index. */
    boolean contains(Tensor t) {
        Tensor[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(t, mask); ; i = (i + 1) & mask) {
            Tensor x = k[i];
            if (x == t) {
                return true;
            }
            if (x == null) {
                return false;
            }
        }
    }

    /** The value of {@code t} (0 if never set), or {@link #ABSENT}. */
    int get(Tensor t) {
        Tensor[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(t, mask); ; i = (i + 1) & mask) {
            Tensor x = k[i];
            if (x == t) {
                return values == null ? 0 : values[i];
            }
            if (x == null) {
                return ABSENT;
            }
        }
    }

    /** Adds {@code t}; returns false (and changes nothing) if it was present. */
    boolean add(Tensor t) {
        if (2 * (size + 1) > keys.length) {
            rehash(keys.length * 2);
        }
        Tensor[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(t, mask); ; i = (i + 1) & mask) {
            Tensor x = k[i];
            if (x == t) {
                return false;
            }
            if (x == null) {
                k[i] = t;
                size++;
                return true;
            }
        }
    }

    /** Sets the value of {@code t}, which must be present. */
    void set(Tensor t, int value) {
        if (values == null) {
            values = new int[keys.length];
        }
        Tensor[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(t, mask); ; i = (i + 1) & mask) {
            if (k[i] == t) {
                values[i] = value;
                return;
            }
            if (k[i] == null) {
                throw new IllegalStateException("tensor '" + t.name() + "' is not in the index");
            }
        }
    }

    /** Shrinks (or grows) the table to the smallest size that holds the current entries. */
    void trim() {
        int cap = tableSizeFor(size);
        if (cap != keys.length) {
            rehash(cap);
        }
    }

    private void rehash(int cap) {
        Tensor[] oldK = keys;
        int[] oldV = values;
        Tensor[] k = new Tensor[cap];
        int[] v = oldV == null ? null : new int[cap];
        int mask = cap - 1;
        for (int j = 0; j < oldK.length; j++) {
            Tensor t = oldK[j];
            if (t == null) {
                continue;
            }
            int i = slot(t, mask);
            while (k[i] != null) {
                i = (i + 1) & mask;
            }
            k[i] = t;
            if (v != null) {
                v[i] = oldV[j];
            }
        }
        keys = k;
        values = v;
    }

    /** A copy whose node values are renumbered: node {@code i} becomes {@code newIndex[i]}. */
    TensorIndex renumbered(int[] newIndex) {
        if (values == null) {
            return new TensorIndex(keys.clone(), null, size);
        }
        int[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            if (keys[i] != null && v[i] >= 0) {
                v[i] = newIndex[v[i]];
            }
        }
        return new TensorIndex(keys.clone(), v, size);
    }

    /** Estimated heap bytes (4-byte compressed references, 16-byte array headers). */
    long heapBytes() {
        return 24 + 16L + 4L * keys.length + (values == null ? 0 : 16L + 4L * values.length);
    }
}
