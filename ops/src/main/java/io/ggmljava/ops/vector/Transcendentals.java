package io.ggmljava.ops.vector;

/** Vector sin/cos and exp on float arrays, correctly rounded in practice (see {@link VectorMath}). */
interface Transcendentals {
    /** Elements {@link #exp} handles per call. */
    int lanes();

    /** {@code cos[cosOff+i] = cos(x[xOff+i])}, {@code sin[sinOff+i] = sin(x[xOff+i])} for {@code i < n}. */
    void sinCos(float[] x, int xOff, int n, float[] cos, int cosOff, float[] sin, int sinOff);

    /** {@code out[outOff+i] = exp(x[xOff+i])} for {@code i < lanes()}. */
    void exp(float[] x, int xOff, float[] out, int outOff);
}
