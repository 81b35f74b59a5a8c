package io.ggmljava.graph;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random DAGs of f32 vectors built with real ops: element-wise unary and binary ops, views, concatenations,
 * reductions, matrix-vector products, in-place ops (writes into a parent's memory) and copies into views of a
 * shared leaf (a KV-cache-like write followed by reads of the same leaf). Sources are mostly recent tensors (local
 * dependencies) with some long-range ones.
 */
final class RandomGraphs {
    private RandomGraphs() {
    }

    /** A built random graph: the graph in ggml order, its context and its input leafs. */
    record Built(Graph graph, Context ctx, List<Tensor> inputs) {
    }

    /**
     * Builds a graph of about {@code ops} ops; vector lengths are {@code base}, {@code 2*base} or {@code 4*base}.
     *
     * @param inplace allow in-place ops and copies into a shared leaf (writes into shared memory)
     */
    static Built build(long seed, int ops, int base, boolean inplace) {
        Random r = new Random(seed);
        Context ctx = new Context();
        List<Tensor> pool = new ArrayList<>();
        List<Tensor> inputs = new ArrayList<>();
        Map<Tensor, Boolean> consumed = new IdentityHashMap<>();
        int nIn = 1 + r.nextInt(3);
        for (int i = 0; i < nIn; i++) {
            Tensor x = ctx.newTensor1d(GgmlType.F32, (long) base << r.nextInt(3)).setName("in" + i).setInput();
            inputs.add(x);
            pool.add(x);
        }
        Tensor cache = ctx.newTensor1d(GgmlType.F32, 8L * base).setName("cache");
        inputs.add(cache);
        for (int k = 0; k < ops; k++) {
            Tensor a = pick(r, pool);
            int kind = r.nextInt(100);
            Tensor y;
            if (kind < 25) {
                y = switch (r.nextInt(4)) {
                    case 0 -> ctx.sqr(a);
                    case 1 -> ctx.sin(a);
                    case 2 -> ctx.tanh(a);
                    default -> ctx.scale(a, 0.5f);
                };
            } else if (kind < 55) {
                Tensor b = sameLength(r, pool, a);
                y = switch (r.nextInt(3)) {
                    case 0 -> ctx.add(a, b);
                    case 1 -> ctx.mul(a, b);
                    default -> ctx.sub(a, b);
                };
                consumed.put(b, Boolean.TRUE);
            } else if (kind < 62 && a.ne(0) >= 2 * base) {
                long half = a.ne(0) / 2;
                y = ctx.view1d(a, half, r.nextBoolean() ? 0 : half * 4);
            } else if (kind < 67) {
                Tensor b = pick(r, pool);
                if (a.ne(0) + b.ne(0) > 8L * base) {
                    y = ctx.sqr(a);
                } else {
                    y = ctx.concat(a, b, 0);
                    consumed.put(b, Boolean.TRUE);
                }
            } else if (kind < 72 && inplace) {
                // an in-place write must not read other bytes of the memory it writes (a race on several threads)
                Tensor b = sameLength(r, pool, a);
                y = r.nextBoolean() || (b != a && root(b) == root(a)) ? ctx.sqrInplace(a) : ctx.addInplace(a, b);
            } else if (kind < 77 && inplace && a.ne(0) <= 4L * base && root(a) != cache) {
                long off = 4L * base * r.nextInt((int) (8L * base / a.ne(0)));
                y = ctx.cpy(a, ctx.view1d(cache, a.ne(0), Math.min(off, 4 * (8L * base - a.ne(0)))));
            } else if (kind < 82 && inplace) {
                long len = (long) base << r.nextInt(3);
                y = ctx.view1d(cache, len, 4L * base * r.nextInt((int) (8L * base / len)));
            } else if (kind < 87) {
                y = ctx.sumRows(a);
            } else if (kind < 93) {
                Tensor w = ctx.newTensor2d(GgmlType.F32, a.ne(0), Math.min(2L * base, 64)).setName("w" + k);
                inputs.add(w);
                y = ctx.mulMat(w, a);
            } else {
                y = ctx.neg(a);
            }
            consumed.put(a, Boolean.TRUE);
            if (r.nextInt(10) == 0) {
                y.setOutput();
            }
            pool.add(y);
        }
        Graph g = new Graph();
        for (Tensor t : pool) {
            if (!consumed.containsKey(t) && t.op() != io.ggmljava.core.Op.NONE) {
                g.buildForwardExpand(t);
            }
        }
        return new Built(g, ctx, inputs);
    }

    private static Tensor root(Tensor t) {
        return t.isView() ? t.viewSource() : t;
    }

    /** Mostly one of the last 8 tensors, sometimes any. */
    private static Tensor pick(Random r, List<Tensor> pool) {
        int n = pool.size();
        if (r.nextInt(10) < 7) {
            return pool.get(n - 1 - r.nextInt(Math.min(8, n)));
        }
        return pool.get(r.nextInt(n));
    }

    private static Tensor sameLength(Random r, List<Tensor> pool, Tensor a) {
        for (int tries = 0; tries < 12; tries++) {
            Tensor b = pick(r, pool);
            if (b.ne(0) == a.ne(0)) {
                return b;
            }
        }
        return a;
    }
}
