package io.ggmljava.ops.vector;

import jdk.incubator.vector.FloatVector;

/**
 * Deterministic horizontal sums. {@code reduceLanes(ADD)} on floats may add the lanes in a different order in
 * interpreted, C1 and C2 code (its order is unspecified), so the same input could give different bits before and
 * after warm-up; these helpers always add lane 0, 1, 2, ... in order.
 */
final class Lanes {
    private Lanes() {
    }

    /** {@code v[0] + v[1] + ... + v[n-1]}, left to right, in float. */
    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0.0f;
        for (float x : lanes) {
            s += x;
        }
        return s;
    }
}
