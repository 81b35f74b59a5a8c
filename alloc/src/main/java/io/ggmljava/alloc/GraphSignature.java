package io.ggmljava.alloc;

import io.ggmljava.core.Tensor;
import java.util.Arrays;

/**
 * A graph's structure as a flat array: for every leaf and node its type, shape, strides, op, op parameters, flags,
 * view source and offset, sources (by position) and planned size. Two graphs with equal signatures get identical
 * plans, so a plan can be reused for the second (ggml compares only node counts and sizes).
 */
final class GraphSignature {
    private GraphSignature() {
    }

    static long[] of(GraphIndex idx, int threads) {
        int n = idx.nTensors();
        long[] sig = new long[4 + n * 22 + idx.srcIdx.length + idx.nNodes];
        int m = 0;
        sig[m++] = idx.nLeafs;
        sig[m++] = idx.nNodes;
        sig[m++] = idx.alignment;
        sig[m++] = threads;
        for (int k = 0; k < n; k++) {
            Tensor t = idx.tensors[k];
            sig[m++] = t.type().ordinal() | (long) t.op().ordinal() << 8 | (long) t.flags() << 16
                    | (idx.own[k] ? 1L << 32 : 0);
            for (int d = 0; d < Tensor.MAX_DIMS; d++) {
                sig[m++] = t.ne(d);
                sig[m++] = t.nb(d);
            }
            for (int p = 0; p < Tensor.MAX_OP_PARAMS; p += 2) {
                sig[m++] = (t.opParamI32(p) & 0xffffffffL) | (long) t.opParamI32(p + 1) << 32;
            }
            sig[m++] = idx.viewSrc[k];
            sig[m++] = t.viewOffset();
            sig[m++] = idx.size[k];
        }
        for (int i = 0; i < idx.nNodes; i++) {
            Tensor node = idx.tensors[idx.nLeafs + i];
            long slots = 0;
            for (int j = 0; j < Tensor.MAX_SRC; j++) {
                if (node.src(j) != null) {
                    slots |= 1L << j;
                }
            }
            sig[m++] = slots;
            for (int s = idx.srcStart[i]; s < idx.srcStart[i + 1]; s++) {
                sig[m++] = idx.srcIdx[s];
            }
        }
        return m == sig.length ? sig : Arrays.copyOf(sig, m);
    }
}
