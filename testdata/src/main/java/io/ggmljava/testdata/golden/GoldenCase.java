package io.ggmljava.testdata.golden;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One golden test case as stored in a fixture file: its key/value pairs ({@code golden.op}, {@code golden.param.*},
 * ...) and its tensors (inputs and expected outputs), each with ggml's type, shape (padded to 4 dimensions) and
 * contiguous little-endian data. See the fixtures' {@code README.md} for the meaning of every key.
 *
 * @param file    the case's path relative to its fixture root, e.g. {@code unary/gelu_3x1x1x1_r1.gguf}
 * @param kv      every key/value pair, in file order (strings, boxed numbers, booleans, lists for arrays)
 * @param tensors every tensor by name, in file order
 */
public record GoldenCase(String file, Map<String, Object> kv, Map<String, CaseTensor> tensors) {

    /**
     * A stored tensor.
     *
     * @param name its name ({@code src0}, {@code dst}, {@code h_last}, ...)
     * @param type ggml type
     * @param ne   four element counts, {@code ne[0]} innermost
     * @param data its bytes, contiguous
     */
    public record CaseTensor(String name, GgmlType type, long[] ne, MemorySegment data) {
        /** Number of elements. */
        public long nelements() {
            return ne[0] * ne[1] * ne[2] * ne[3];
        }

        /** {@code [ne0,ne1,ne2,ne3] type}. */
        public String describe() {
            return "[" + ne[0] + "," + ne[1] + "," + ne[2] + "," + ne[3] + "] " + type;
        }
    }

    public GoldenCase {
        kv = Collections.unmodifiableMap(new LinkedHashMap<>(kv));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** {@code golden.op}, e.g. {@code SOFT_MAX}, {@code UNARY}, {@code GRAPH}, {@code QUANTIZE}. */
    public String op() {
        return string("golden.op");
    }

    /** {@code golden.unary} for UNARY cases, else null. */
    public String unary() {
        Object v = kv.get("golden.unary");
        return v == null ? null : v.toString();
    }

    /** The op for reports: {@code UNARY(GELU)} for unary cases, otherwise {@link #op()}. */
    public String opLabel() {
        String u = unary();
        return u == null ? op() : op() + "(" + u + ")";
    }

    /** {@code golden.max_nmse}. */
    public double maxNmse() {
        return ((Number) require("golden.max_nmse")).doubleValue();
    }

    /** True for gradient cases ({@code golden.grad}). */
    public boolean isGrad() {
        return Boolean.TRUE.equals(kv.get("golden.grad"));
    }

    /** {@code golden.desc}, or the empty string. */
    public String desc() {
        Object v = kv.get("golden.desc");
        return v == null ? "" : v.toString();
    }

    /** Input tensor names in order ({@code golden.inputs}). */
    public List<String> inputs() {
        return stringList("golden.inputs");
    }

    /** Output tensor names in order ({@code golden.outputs}). */
    public List<String> outputs() {
        return stringList("golden.outputs");
    }

    /** The tensor named {@code name}. */
    public CaseTensor tensor(String name) {
        CaseTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + ": no tensor named '" + name + "'");
        }
        return t;
    }

    /** True if {@code golden.param.<name>} is present. */
    public boolean hasParam(String name) {
        return kv.containsKey("golden.param." + name);
    }

    /** {@code golden.param.<name>} as an int. */
    public int paramInt(String name) {
        return ((Number) require("golden.param." + name)).intValue();
    }

    /** {@code golden.param.<name>} as a float. */
    public float paramFloat(String name) {
        return ((Number) require("golden.param." + name)).floatValue();
    }

    /** {@code golden.param.<name>} as a boolean (numbers: non-zero). */
    public boolean paramBool(String name) {
        Object v = require("golden.param." + name);
        return v instanceof Boolean b ? b : ((Number) v).intValue() != 0;
    }

    /** {@code golden.param.<name>} as a string. */
    public String paramString(String name) {
        return require("golden.param." + name).toString();
    }

    /** {@code golden.param.<name>} (an array) as longs. */
    public long[] paramLongs(String name) {
        return longs("golden.param." + name);
    }

    /** {@code golden.src<i>.permute}, or null if source {@code i} is used as stored. */
    public int[] permute(int i) {
        String key = "golden.src" + i + ".permute";
        if (!kv.containsKey(key)) {
            return null;
        }
        long[] l = longs(key);
        int[] r = new int[l.length];
        for (int k = 0; k < l.length; k++) {
            r[k] = (int) l[k];
        }
        return r;
    }

    private long[] longs(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(file + ": " + key + " is not an array");
        }
        long[] r = new long[list.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((Number) list.get(i)).longValue();
        }
        return r;
    }

    private String string(String key) {
        return require(key).toString();
    }

    private List<String> stringList(String key) {
        Object v = kv.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(file + ": " + key + " is not an array");
        }
        return list.stream().map(Object::toString).toList();
    }

    private Object require(String key) {
        Object v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": missing key " + key);
        }
        return v;
    }

    @Override
    public String toString() {
        return file + " (" + opLabel() + ")";
    }
}
