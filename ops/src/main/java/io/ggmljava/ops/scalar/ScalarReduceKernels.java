package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;
import static io.ggmljava.ops.Layouts.I16;
import static io.ggmljava.ops.Layouts.I32;

import io.ggmljava.ops.ReduceKernels;
import java.lang.foreign.MemorySegment;

/** Plain-loop reference implementation of {@link ReduceKernels}: written to be read; the oracle for fast paths. */
public final class ScalarReduceKernels implements ReduceKernels {
    public static final ScalarReduceKernels INSTANCE = new ScalarReduceKernels();

    private ScalarReduceKernels() {
    }

    @Override
    public double sum(MemorySegment x, long off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x.get(F32, off + 4L * i);
        }
        return s;
    }

    @Override
    public float sumF16(MemorySegment x, long off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Float.float16ToFloat(x.get(I16, off + 2L * i));
        }
        return s;
    }

    @Override
    public float sumBf16(MemorySegment x, long off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Float.intBitsToFloat((x.get(I16, off + 2L * i) & 0xFFFF) << 16);
        }
        return s;
    }

    @Override
    public float max(MemorySegment x, long off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, off + 4L * i);
            max = max > v ? max : v;       // C's MAX(max, v): a NaN v replaces max
        }
        return max;
    }

    @Override
    public int argmax(MemorySegment x, long off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        int idx = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, off + 4L * i);
            max = max > v ? max : v;
            if (max == v) {                // ties: the last index holding the maximum wins
                idx = i;
            }
        }
        return idx;
    }

    @Override
    public long countEqualI32(MemorySegment a, long aOff, MemorySegment b, long bOff, int n) {
        long c = 0;
        for (int i = 0; i < n; i++) {
            if (a.get(I32, aOff + 4L * i) == b.get(I32, bOff + 4L * i)) {
                c++;
            }
        }
        return c;
    }

    @Override
    public double dot(MemorySegment x, long xOff, MemorySegment y, long yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x.get(F32, xOff + 4L * i) * y.get(F32, yOff + 4L * i);
        }
        return s;
    }
}
