package io.ggmljava.testdata.golden;

import io.ggmljava.core.Context;
import io.ggmljava.core.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The input tensors of a case, created in the case's {@link Context} with the stored types and shapes (their data
 * is bound by the runner). {@link #src(int)} applies {@code golden.src<i>.permute} when the case has one.
 */
public final class CaseInputs {
    private final GoldenCase c;
    private final Context ctx;
    private final Map<String, Tensor> leaves;

    CaseInputs(GoldenCase c, Context ctx, Map<String, Tensor> leaves) {
        this.c = c;
        this.ctx = ctx;
        this.leaves = Collections.unmodifiableMap(new LinkedHashMap<>(leaves));
    }

    /** The stored input {@code name} as a leaf tensor. */
    public Tensor leaf(String name) {
        Tensor t = leaves.get(name);
        if (t == null) {
            throw new IllegalArgumentException(c.file() + ": no input named '" + name + "'");
        }
        return t;
    }

    /** True if the case has an input named {@code name}. */
    public boolean has(String name) {
        return leaves.containsKey(name);
    }

    /** Input {@code src<i>} as the op uses it: the leaf, or its permuted view if the case says so. */
    public Tensor src(int i) {
        Tensor t = leaf("src" + i);
        int[] p = c.permute(i);
        return p == null ? t : ctx.permute(t, p[0], p[1], p[2], p[3]);
    }

    /** Input {@code src<i>} as the op uses it, or null if the case has no such input. */
    public Tensor srcOrNull(int i) {
        return has("src" + i) ? src(i) : null;
    }

    /** All input leaves by name, in order. */
    public Map<String, Tensor> leaves() {
        return leaves;
    }
}
