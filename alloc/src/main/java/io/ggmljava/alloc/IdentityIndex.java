package io.ggmljava.alloc;

/**
 * Object identity to int, open addressing with linear probing (no boxing): the planner looks up every source of
 * every node, so this is on the hot path for 100k-node graphs.
 */
final class IdentityIndex {
    private final Object[] keys;
    private final int[] values;
    private final int mask;

    IdentityIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new Object[cap];
        values = new int[cap];
        mask = cap - 1;
    }

    private int slot(Object k) {
        // Fibonacci hashing spreads identity hashes, which can share low bits
        return (System.identityHashCode(k) * 0x9E3779B9) >>> 7 & mask;
    }

    /** Adds {@code k -> v}; returns false if {@code k} was already present (its value is kept). */
    boolean putIfAbsent(Object k, int v) {
        int i = slot(k);
        while (keys[i] != null) {
            if (keys[i] == k) {
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = v;
        return true;
    }

    /** The value of {@code k}, or -1. */
    int get(Object k) {
        int i = slot(k);
        Object x;
        while ((x = keys[i]) != null) {
            if (x == k) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }
}
