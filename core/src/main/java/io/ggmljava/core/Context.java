package io.ggmljava.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Creates tensors and builds op nodes: the Java form of a {@code ggml_context} plus ggml's op constructors.
 *
 * <p>A context holds tensor metadata only; it never allocates tensor data (memory is planned and bound by the
 * {@code alloc} module). It has no size limit. Every op method only builds a node: it validates the operands,
 * creates the result (or, for an {@code ...Inplace} variant, a view of the first operand), records op, parameters
 * and sources, and returns it. Shapes, result types, op parameters and views are exactly ggml's.
 *
 * <pre>{@code
 * Context ctx = new Context();
 * Tensor w = ctx.newTensor2d(GgmlType.F32, 256, 1024).setName("w");   // [in=256, out=1024]
 * Tensor x = ctx.newTensor2d(GgmlType.F32, 256, 8).setName("x").setInput();
 * Tensor y = ctx.silu(ctx.mulMat(w, x));                                // [1024, 8]
 * }</pre>
 *
 * <p>Errors name the op, the operands and the rule broken, e.g.
 * {@code mulMat: a.ne0 (4) must equal b.ne0 (5); a=[4,3,1,1] f32, b=[5,2,1,1] f32}.
 *
 * <p>Not thread-safe: build a graph from one thread.
 */
public final class Context {
    /** GGML_KQ_MASK_PAD: flash attention masks have their row count padded to a multiple of this. */
    public static final int KQ_MASK_PAD = 64;

    private final List<Tensor> tensors = new ArrayList<>();
    private long nextId;

    /** All tensors created by this context, in creation order. */
    public List<Tensor> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    /** The first tensor with this name, or null (ggml_get_tensor). */
    public Tensor getTensor(String name) {
        for (Tensor t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    // =====================================================================================================
    // tensor creation
    // =====================================================================================================

    private Tensor newImpl(String op, GgmlType type, long[] ne, Tensor viewSrc, long viewOffs) {
        if (type == null) {
            throw new IllegalArgumentException(op + ": type must not be null");
        }
        type.requireUsable();
        if (ne.length < 1 || ne.length > Tensor.MAX_DIMS) {
            throw new ShapeException(op + ": a tensor has 1 to 4 dimensions, got " + ne.length);
        }
        long n = 1;
        for (int i = 0; i < ne.length; i++) {
            if (ne[i] < 0) {
                throw new ShapeException(op + ": ne" + i + " (" + ne[i] + ") must not be negative; shape "
                        + java.util.Arrays.toString(ne) + " " + type);
            }
            try {
                n = Math.multiplyExact(n, ne[i]);
                Math.multiplyExact(n, (long) type.typeSize());
            } catch (ArithmeticException e) {
                throw new ShapeException(op + ": element count of shape " + java.util.Arrays.toString(ne)
                        + " overflows a 64-bit byte size");
            }
        }
        if (ne[0] % type.blockSize() != 0) {
            throw new ShapeException(op + ": ne0 (" + ne[0] + ") must be a multiple of the block size ("
                    + type.blockSize() + ") of " + type);
        }
        if (viewSrc != null && viewSrc.viewSrc != null) {
            viewOffs += viewSrc.viewOffs;
            viewSrc = viewSrc.viewSrc;
        }
        Tensor t = new Tensor(type, ne, viewSrc, viewOffs, nextId++);
        tensors.add(t);
        return t;
    }

    /** A new tensor of 1 to 4 dimensions ({@code ne[0]} innermost). */
    public Tensor newTensor(GgmlType type, long... ne) {
        return newImpl("newTensor", type, ne, null, 0);
    }

    public Tensor newTensor1d(GgmlType type, long ne0) {
        return newTensor(type, ne0);
    }

    public Tensor newTensor2d(GgmlType type, long ne0, long ne1) {
        return newTensor(type, ne0, ne1);
    }

    public Tensor newTensor3d(GgmlType type, long ne0, long ne1, long ne2) {
        return newTensor(type, ne0, ne1, ne2);
    }

    public Tensor newTensor4d(GgmlType type, long ne0, long ne1, long ne2, long ne3) {
        return newTensor(type, ne0, ne1, ne2, ne3);
    }

    /** A new tensor with the type and shape of {@code src} (ggml_dup_tensor). */
    public Tensor dupTensor(Tensor src) {
        return newImpl("dupTensor", src.type(), src.ne.clone(), null, 0);
    }

    /** A view with the same shape and strides as {@code src} (ggml_view_tensor); op stays NONE. */
    public Tensor viewTensor(Tensor src) {
        Tensor r = newImpl("viewTensor", src.type(), src.ne.clone(), src, 0);
        r.setName(src.name() + " (view)");
        System.arraycopy(src.nb, 0, r.nb, 0, Tensor.MAX_DIMS);
        return r;
    }

    // =====================================================================================================
    // validation helpers
    // =====================================================================================================

    private static String operands(String[] names, Tensor[] ts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == null) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=').append(ts[i].describe());
        }
        return sb.toString();
    }

    private static ShapeException shape(String op, String rule, String[] names, Tensor... ts) {
        return new ShapeException(op + ": " + rule + "; " + operands(names, ts));
    }

    private static final String[] A = {"a"};
    private static final String[] AB = {"a", "b"};

    private static void check(boolean ok, String op, String rule, Tensor a) {
        if (!ok) {
            throw shape(op, rule, A, a);
        }
    }

    private static void check(boolean ok, String op, String rule, Tensor a, Tensor b) {
        if (!ok) {
            throw shape(op, rule, AB, a, b);
        }
    }

    private static void requireType(String op, String role, Tensor t, GgmlType... allowed) {
        for (GgmlType g : allowed) {
            if (t.type() == g) {
                return;
            }
        }
        throw new UnsupportedTypeException(op + ": " + role + " must be " + java.util.Arrays.toString(allowed)
                + ", got " + t.type() + "; " + role + "=" + t.describe());
    }

    private static void requireNonNull(String op, String role, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + role + " must not be null");
        }
    }

    /** Result of an op: a view of {@code a} for in-place variants, else a new tensor shaped like {@code a}. */
    private Tensor sameAs(Tensor a, boolean inplace) {
        return inplace ? viewTensor(a) : dupTensor(a);
    }

    private static Tensor node(Tensor r, Op op, Tensor... srcs) {
        r.op = op;
        for (int i = 0; i < srcs.length; i++) {
            r.src[i] = srcs[i];
        }
        return r;
    }

    private static void params(Tensor r, int... p) {
        System.arraycopy(p, 0, r.opParams, 0, p.length);
    }

    private static int f(float v) {
        return Float.floatToRawIntBits(v);
    }

    private static int toInt(String op, String what, long v) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ShapeException(op + ": " + what + " (" + v + ") does not fit in 32 bits");
        }
        return (int) v;
    }

    // =====================================================================================================
    // element-wise
    // =====================================================================================================

    private Tensor dupImpl(Tensor a, boolean inplace) {
        requireNonNull("dup", "a", a);
        return node(sameAs(a, inplace), Op.DUP, a);
    }

    /** A copy of {@code a} (same type; contiguous result). */
    public Tensor dup(Tensor a) {
        return dupImpl(a, false);
    }

    public Tensor dupInplace(Tensor a) {
        return dupImpl(a, true);
    }

    private Tensor binaryImpl(String name, Op op, Tensor a, Tensor b, boolean inplace) {
        requireNonNull(name, "a", a);
        requireNonNull(name, "b", b);
        check(b.canRepeatTo(a), name, "b must broadcast to a (each a.ne[i] a multiple of b.ne[i])", a, b);
        return node(sameAs(a, inplace), op, a, b);
    }

    /** {@code a + b}, {@code b} broadcast over {@code a}. */
    public Tensor add(Tensor a, Tensor b) {
        return binaryImpl("add", Op.ADD, a, b, false);
    }

    public Tensor addInplace(Tensor a, Tensor b) {
        return binaryImpl("add", Op.ADD, a, b, true);
    }

    /** {@code a + b} into a new tensor of {@code type} (ggml_add_cast; {@code a} quantized, f16 or bf16). */
    public Tensor addCast(Tensor a, Tensor b, GgmlType type) {
        requireNonNull("addCast", "a", a);
        requireNonNull("addCast", "b", b);
        check(b.ne(0) == a.ne(0) && b.canRepeatTo(a), "addCast", "b must broadcast rows to a", a, b);
        if (!(a.type().isQuantized() || a.type() == GgmlType.F16 || a.type() == GgmlType.BF16)) {
            throw new UnsupportedTypeException("addCast: a must be quantized, f16 or bf16, got " + a.describe());
        }
        return node(newImpl("addCast", type, a.ne.clone(), null, 0), Op.ADD, a, b);
    }

    public Tensor sub(Tensor a, Tensor b) {
        return binaryImpl("sub", Op.SUB, a, b, false);
    }

    public Tensor subInplace(Tensor a, Tensor b) {
        return binaryImpl("sub", Op.SUB, a, b, true);
    }

    public Tensor mul(Tensor a, Tensor b) {
        return binaryImpl("mul", Op.MUL, a, b, false);
    }

    public Tensor mulInplace(Tensor a, Tensor b) {
        return binaryImpl("mul", Op.MUL, a, b, true);
    }

    public Tensor div(Tensor a, Tensor b) {
        return binaryImpl("div", Op.DIV, a, b, false);
    }

    public Tensor divInplace(Tensor a, Tensor b) {
        return binaryImpl("div", Op.DIV, a, b, true);
    }

    private Tensor add1Impl(Tensor a, Tensor b, boolean inplace) {
        requireNonNull("add1", "a", a);
        requireNonNull("add1", "b", b);
        check(b.isScalar(), "add1", "b must have exactly one element", a, b);
        check(a.isPadded1d(), "add1", "a must have element-contiguous rows and dense higher dimensions", a, b);
        return node(sameAs(a, inplace), Op.ADD1, a, b);
    }

    /** {@code a + b} where {@code b} has one element. */
    public Tensor add1(Tensor a, Tensor b) {
        return add1Impl(a, b, false);
    }

    public Tensor add1Inplace(Tensor a, Tensor b) {
        return add1Impl(a, b, true);
    }

    private Tensor accImpl(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset, boolean inplace) {
        requireNonNull("acc", "a", a);
        requireNonNull("acc", "b", b);
        check(b.nelements() <= a.nelements(), "acc", "b must not have more elements than a", a, b);
        check(a.isContiguous(), "acc", "a must be contiguous", a, b);
        requireType("acc", "a", a, GgmlType.F32);
        requireType("acc", "b", b, GgmlType.F32);
        long last = offset + (b.ne(0) - 1) * 4 + (b.ne(1) - 1) * nb1 + (b.ne(2) - 1) * nb2 + (b.ne(3) - 1) * nb3 + 4;
        check(offset >= 0 && nb1 >= 0 && nb2 >= 0 && nb3 >= 0 && (b.isEmpty() || last <= a.nbytes()), "acc",
                "the view at offset " + offset + " with strides [4," + nb1 + "," + nb2 + "," + nb3
                        + "] must lie inside a (" + a.nbytes() + " bytes)", a, b);
        Tensor r = sameAs(a, inplace);
        params(r, toInt("acc", "nb1", nb1), toInt("acc", "nb2", nb2), toInt("acc", "nb3", nb3),
                toInt("acc", "offset", offset), inplace ? 1 : 0);
        return node(r, Op.ACC, a, b);
    }

    /** {@code a} with {@code b} added into the view of it given by byte strides and offset (f32 only). */
    public Tensor acc(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset) {
        return accImpl(a, b, nb1, nb2, nb3, offset, false);
    }

    public Tensor accInplace(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset) {
        return accImpl(a, b, nb1, nb2, nb3, offset, true);
    }

    private Tensor simpleUnary(String name, Op op, Tensor a, boolean inplace) {
        requireNonNull(name, "a", a);
        return node(sameAs(a, inplace), op, a);
    }

    public Tensor sqr(Tensor a) {
        return simpleUnary("sqr", Op.SQR, a, false);
    }

    public Tensor sqrInplace(Tensor a) {
        return simpleUnary("sqr", Op.SQR, a, true);
    }

    public Tensor sqrt(Tensor a) {
        return simpleUnary("sqrt", Op.SQRT, a, false);
    }

    public Tensor sqrtInplace(Tensor a) {
        return simpleUnary("sqrt", Op.SQRT, a, true);
    }

    public Tensor log(Tensor a) {
        return simpleUnary("log", Op.LOG, a, false);
    }

    public Tensor logInplace(Tensor a) {
        return simpleUnary("log", Op.LOG, a, true);
    }

    public Tensor sin(Tensor a) {
        return simpleUnary("sin", Op.SIN, a, false);
    }

    public Tensor sinInplace(Tensor a) {
        return simpleUnary("sin", Op.SIN, a, true);
    }

    public Tensor cos(Tensor a) {
        return simpleUnary("cos", Op.COS, a, false);
    }

    public Tensor cosInplace(Tensor a) {
        return simpleUnary("cos", Op.COS, a, true);
    }

    private Tensor scaleImpl(Tensor a, float s, boolean inplace) {
        requireNonNull("scale", "a", a);
        check(a.isPadded1d(), "scale", "a must have element-contiguous rows and dense higher dimensions", a);
        Tensor r = sameAs(a, inplace);
        params(r, f(s));
        return node(r, Op.SCALE, a);
    }

    /** {@code a * s}. */
    public Tensor scale(Tensor a, float s) {
        return scaleImpl(a, s, false);
    }

    public Tensor scaleInplace(Tensor a, float s) {
        return scaleImpl(a, s, true);
    }

    /** {@code min(max(a, min), max)}; ggml builds this as a view of {@code a}, i.e. always in place. */
    public Tensor clamp(Tensor a, float min, float max) {
        requireNonNull("clamp", "a", a);
        Tensor r = viewTensor(a);
        params(r, f(min), f(max));
        return node(r, Op.CLAMP, a);
    }

    /** {@code max(x,0) + slope*min(x,0)}. */
    public Tensor leakyRelu(Tensor a, float negativeSlope, boolean inplace) {
        requireNonNull("leakyRelu", "a", a);
        Tensor r = sameAs(a, inplace);
        params(r, f(negativeSlope));
        return node(r, Op.LEAKY_RELU, a);
    }

    private Tensor unaryImpl(Tensor a, UnaryOp op, boolean inplace) {
        requireNonNull("unary", "a", a);
        check(a.isContiguousRows(), "unary " + op, "a must have contiguous rows", a);
        Tensor r = sameAs(a, inplace);
        params(r, op.ordinal());
        return node(r, Op.UNARY, a);
    }

    /** One of ggml's unary ops (abs, sgn, neg, step, tanh, elu, relu, sigmoid, gelu, ...). */
    public Tensor unary(Tensor a, UnaryOp op) {
        return unaryImpl(a, op, false);
    }

    public Tensor unaryInplace(Tensor a, UnaryOp op) {
        return unaryImpl(a, op, true);
    }

    public Tensor abs(Tensor a) {
        return unary(a, UnaryOp.ABS);
    }

    public Tensor sgn(Tensor a) {
        return unary(a, UnaryOp.SGN);
    }

    public Tensor neg(Tensor a) {
        return unary(a, UnaryOp.NEG);
    }

    public Tensor step(Tensor a) {
        return unary(a, UnaryOp.STEP);
    }

    public Tensor tanh(Tensor a) {
        return unary(a, UnaryOp.TANH);
    }

    public Tensor elu(Tensor a) {
        return unary(a, UnaryOp.ELU);
    }

    public Tensor relu(Tensor a) {
        return unary(a, UnaryOp.RELU);
    }

    public Tensor sigmoid(Tensor a) {
        return unary(a, UnaryOp.SIGMOID);
    }

    /** GELU, tanh approximation (ggml evaluates it through an f16 table on the CPU). */
    public Tensor gelu(Tensor a) {
        return unary(a, UnaryOp.GELU);
    }

    public Tensor geluQuick(Tensor a) {
        return unary(a, UnaryOp.GELU_QUICK);
    }

    public Tensor silu(Tensor a) {
        return unary(a, UnaryOp.SILU);
    }

    public Tensor hardswish(Tensor a) {
        return unary(a, UnaryOp.HARDSWISH);
    }

    public Tensor hardsigmoid(Tensor a) {
        return unary(a, UnaryOp.HARDSIGMOID);
    }

    public Tensor exp(Tensor a) {
        return unary(a, UnaryOp.EXP);
    }

    /** Gradient of SILU: {@code b * dsilu(a)} (ggml_silu_back). */
    public Tensor siluBack(Tensor a, Tensor b) {
        requireNonNull("siluBack", "a", a);
        requireNonNull("siluBack", "b", b);
        return node(dupTensor(a), Op.SILU_BACK, a, b);
    }

    // =====================================================================================================
    // reductions
    // =====================================================================================================

    /** Sum of all elements: shape [1]. */
    public Tensor sum(Tensor a) {
        requireNonNull("sum", "a", a);
        return node(newImpl("sum", a.type(), new long[]{1}, null, 0), Op.SUM, a);
    }

    /** Row sums: shape [1, ne1, ne2, ne3]. */
    public Tensor sumRows(Tensor a) {
        requireNonNull("sumRows", "a", a);
        return node(newImpl("sumRows", a.type(), new long[]{1, a.ne(1), a.ne(2), a.ne(3)}, null, 0), Op.SUM_ROWS, a);
    }

    /** Row means, f32: shape [1, ne1, ne2, ne3]. */
    public Tensor mean(Tensor a) {
        requireNonNull("mean", "a", a);
        return node(newImpl("mean", GgmlType.F32, new long[]{1, a.ne(1), a.ne(2), a.ne(3)}, null, 0), Op.MEAN, a);
    }

    /** Index of the largest element of each row of a matrix, i32 [ne1]. */
    public Tensor argmax(Tensor a) {
        requireNonNull("argmax", "a", a);
        check(a.isMatrix(), "argmax", "a must be a matrix (ne2 = ne3 = 1)", a);
        check(a.ne(0) <= Integer.MAX_VALUE, "argmax", "a.ne0 must fit in 32 bits", a);
        return node(newImpl("argmax", GgmlType.I32, new long[]{a.ne(1)}, null, 0), Op.ARGMAX, a);
    }

    /** Number of equal elements of two same-shaped tensors, i64 [1]. */
    public Tensor countEqual(Tensor a, Tensor b) {
        requireNonNull("countEqual", "a", a);
        requireNonNull("countEqual", "b", b);
        check(a.sameShape(b), "countEqual", "a and b must have the same shape", a, b);
        return node(newImpl("countEqual", GgmlType.I64, new long[]{1}, null, 0), Op.COUNT_EQUAL, a, b);
    }

    // =====================================================================================================
    // layout and data movement
    // =====================================================================================================

    /** {@code a} repeated (tiled) to the shape of {@code b}; only {@code b}'s shape is used. */
    public Tensor repeat(Tensor a, Tensor b) {
        requireNonNull("repeat", "a", a);
        requireNonNull("repeat", "b", b);
        return repeat(a, b.ne.clone());
    }

    /** {@code a} repeated (tiled) to the shape {@code ne} (each ne[i] a multiple of a.ne[i]). */
    public Tensor repeat(Tensor a, long... ne) {
        requireNonNull("repeat", "a", a);
        long[] target = {1, 1, 1, 1};
        System.arraycopy(ne, 0, target, 0, Math.min(ne.length, 4));
        Tensor r = newImpl("repeat", a.type(), target, null, 0);
        if (!a.canRepeatTo(r)) {
            throw new ShapeException("repeat: every target ne[i] must be a multiple of a.ne[i]; a=" + a.describe()
                    + ", target=" + java.util.Arrays.toString(target));
        }
        return node(r, Op.REPEAT, a);
    }

    /** Sums {@code a} down to the shape of {@code b} (the gradient of repeat). */
    public Tensor repeatBack(Tensor a, Tensor b) {
        requireNonNull("repeatBack", "a", a);
        requireNonNull("repeatBack", "b", b);
        check(b.canRepeatTo(a), "repeatBack", "b must repeat to a", a, b);
        return node(newImpl("repeatBack", a.type(), b.ne.clone(), null, 0), Op.REPEAT_BACK, a);
    }

    /** {@code a} and {@code b} joined along dimension {@code dim}. */
    public Tensor concat(Tensor a, Tensor b, int dim) {
        requireNonNull("concat", "a", a);
        requireNonNull("concat", "b", b);
        if (dim < 0 || dim >= Tensor.MAX_DIMS) {
            throw new ShapeException("concat: dim (" + dim + ") must be in [0, 4)");
        }
        check(a.type() == b.type(), "concat", "a and b must have the same type", a, b);
        long[] ne = new long[4];
        for (int d = 0; d < 4; d++) {
            if (d == dim) {
                ne[d] = a.ne(d) + b.ne(d);
            } else {
                check(a.ne(d) == b.ne(d), "concat", "a.ne" + d + " (" + a.ne(d) + ") must equal b.ne" + d + " ("
                        + b.ne(d) + ") outside the concatenated dimension " + dim, a, b);
                ne[d] = a.ne(d);
            }
        }
        Tensor r = newImpl("concat", a.type(), ne, null, 0);
        params(r, dim);
        return node(r, Op.CONCAT, a, b);
    }

    private Tensor setImpl(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset, boolean inplace) {
        requireNonNull("set", "a", a);
        requireNonNull("set", "b", b);
        check(a.nelements() >= b.nelements(), "set", "b must not have more elements than a", a, b);
        check(offset >= 0 && offset < (1L << 30), "set", "offset (" + offset + ") must be in [0, 2^30)", a, b);
        Tensor r = sameAs(a, inplace);
        params(r, toInt("set", "nb1", nb1), toInt("set", "nb2", nb2), toInt("set", "nb3", nb3), (int) offset,
                inplace ? 1 : 0);
        return node(r, Op.SET, a, b);
    }

    /** {@code a} with the view given by byte strides and offset overwritten by {@code b}. */
    public Tensor set(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset) {
        return setImpl(a, b, nb1, nb2, nb3, offset, false);
    }

    public Tensor setInplace(Tensor a, Tensor b, long nb1, long nb2, long nb3, long offset) {
        return setImpl(a, b, nb1, nb2, nb3, offset, true);
    }

    /** Copies {@code a} into {@code b} (converting types); the result is a view of {@code b}. */
    public Tensor cpy(Tensor a, Tensor b) {
        requireNonNull("cpy", "a", a);
        requireNonNull("cpy", "b", b);
        check(a.nelements() == b.nelements(), "cpy", "a and b must have the same number of elements", a, b);
        Tensor r = viewTensor(b);
        r.setName(b.name().isEmpty() ? a.name() + " (copy)" : b.name() + " (copy of " + a.name() + ")");
        return node(r, Op.CPY, a, b);
    }

    /** {@code a} converted to {@code type} (a CPY into a new tensor). */
    public Tensor cast(Tensor a, GgmlType type) {
        requireNonNull("cast", "a", a);
        Tensor r = newImpl("cast", type, a.ne.clone(), null, 0);
        r.setName(a.name() + " (copy)");
        return node(r, Op.CPY, a, r);
    }

    /** A contiguous copy of {@code a}. */
    public Tensor cont(Tensor a) {
        requireNonNull("cont", "a", a);
        Tensor r = dupTensor(a);
        r.setName(a.name() + " (cont)");
        return node(r, Op.CONT, a);
    }

    /** A contiguous copy of {@code a} with a new shape of the same element count. */
    public Tensor cont4d(Tensor a, long ne0, long ne1, long ne2, long ne3) {
        requireNonNull("cont", "a", a);
        long n = Math.multiplyExact(Math.multiplyExact(ne0, ne1), Math.multiplyExact(ne2, ne3));
        check(a.nelements() == n, "cont", "the new shape [" + ne0 + "," + ne1 + "," + ne2 + "," + ne3 + "] must have "
                + a.nelements() + " elements", a);
        Tensor r = newImpl("cont", a.type(), new long[]{ne0, ne1, ne2, ne3}, null, 0);
        r.setName(a.name() + " (cont)");
        return node(r, Op.CONT, a);
    }

    public Tensor cont1d(Tensor a, long ne0) {
        return cont4d(a, ne0, 1, 1, 1);
    }

    public Tensor cont2d(Tensor a, long ne0, long ne1) {
        return cont4d(a, ne0, ne1, 1, 1);
    }

    public Tensor cont3d(Tensor a, long ne0, long ne1, long ne2) {
        return cont4d(a, ne0, ne1, ne2, 1);
    }

    private Tensor reshapeImpl(Tensor a, long[] ne) {
        requireNonNull("reshape", "a", a);
        check(a.isContiguous(), "reshape", "a must be contiguous (use cont first)", a);
        long n = 1;
        for (long e : ne) {
            n = Math.multiplyExact(n, e);
        }
        check(a.nelements() == n, "reshape", "the new shape " + java.util.Arrays.toString(ne) + " must have "
                + a.nelements() + " elements", a);
        Tensor r = newImpl("reshape", a.type(), ne, a, 0);
        r.setName(a.name() + " (reshaped)");
        return node(r, Op.RESHAPE, a);
    }

    /** A view of contiguous {@code a} with the shape of {@code b}. */
    public Tensor reshape(Tensor a, Tensor b) {
        requireNonNull("reshape", "b", b);
        return reshapeImpl(a, b.ne.clone());
    }

    public Tensor reshape1d(Tensor a, long ne0) {
        return reshapeImpl(a, new long[]{ne0});
    }

    public Tensor reshape2d(Tensor a, long ne0, long ne1) {
        return reshapeImpl(a, new long[]{ne0, ne1});
    }

    public Tensor reshape3d(Tensor a, long ne0, long ne1, long ne2) {
        return reshapeImpl(a, new long[]{ne0, ne1, ne2});
    }

    public Tensor reshape4d(Tensor a, long ne0, long ne1, long ne2, long ne3) {
        return reshapeImpl(a, new long[]{ne0, ne1, ne2, ne3});
    }

    private Tensor viewImpl(Tensor a, long[] ne, long[] nbUpper, long offset) {
        requireNonNull("view", "a", a);
        if (offset < 0) {
            throw new ShapeException("view: offset (" + offset + ") must not be negative; a=" + a.describe());
        }
        Tensor r = newImpl("view", a.type(), ne, a, offset);
        r.setName(a.name() + " (view)");
        for (int i = 0; i < nbUpper.length; i++) {
            if (nbUpper[i] < 0) {
                throw new ShapeException("view: nb" + (i + 1) + " (" + nbUpper[i] + ") must not be negative; a="
                        + a.describe());
            }
            r.nb[i + 1] = nbUpper[i];
        }
        // ggml derives the strides of the dimensions above those given
        for (int i = nbUpper.length + 1; i < Tensor.MAX_DIMS; i++) {
            r.nb[i] = r.nb[i - 1] * r.ne[i - 1];
        }
        long srcBytes = a.viewSrc != null ? a.viewSrc.nbytes() : a.nbytes();
        long end = r.viewOffs + r.nbytes();
        if (!r.isEmpty() && end > srcBytes) {
            throw new ShapeException("view: bytes [" + r.viewOffs + ", " + end + ") of view " + r.describe()
                    + " with strides " + java.util.Arrays.toString(r.nb) + " exceed the " + srcBytes
                    + " bytes of its source; a=" + a.describe());
        }
        params(r, (int) offset, (int) (offset >>> 32));
        return node(r, Op.VIEW, a);
    }

    /** A 1-d view of {@code ne0} elements at byte {@code offset}. */
    public Tensor view1d(Tensor a, long ne0, long offset) {
        return viewImpl(a, new long[]{ne0}, new long[0], offset);
    }

    /** A 2-d view with row stride {@code nb1} bytes at byte {@code offset}. */
    public Tensor view2d(Tensor a, long ne0, long ne1, long nb1, long offset) {
        return viewImpl(a, new long[]{ne0, ne1}, new long[]{nb1}, offset);
    }

    public Tensor view3d(Tensor a, long ne0, long ne1, long ne2, long nb1, long nb2, long offset) {
        return viewImpl(a, new long[]{ne0, ne1, ne2}, new long[]{nb1, nb2}, offset);
    }

    public Tensor view4d(Tensor a, long ne0, long ne1, long ne2, long ne3, long nb1, long nb2, long nb3, long offset) {
        return viewImpl(a, new long[]{ne0, ne1, ne2, ne3}, new long[]{nb1, nb2, nb3}, offset);
    }

    /**
     * A view with dimensions moved: dimension {@code k} of {@code a} becomes dimension {@code axisK} of the result
     * (ggml_permute semantics).
     */
    public Tensor permute(Tensor a, int axis0, int axis1, int axis2, int axis3) {
        requireNonNull("permute", "a", a);
        int[] axes = {axis0, axis1, axis2, axis3};
        boolean[] seen = new boolean[4];
        for (int ax : axes) {
            if (ax < 0 || ax >= 4 || seen[ax]) {
                throw new ShapeException("permute: axes " + java.util.Arrays.toString(axes)
                        + " must be a permutation of 0..3; a=" + a.describe());
            }
            seen[ax] = true;
        }
        Tensor r = viewTensor(a);
        r.setName(a.name() + " (permuted)");
        for (int i = 0; i < 4; i++) {
            r.ne[axes[i]] = a.ne[i];
            r.nb[axes[i]] = a.nb[i];
        }
        params(r, axes);
        return node(r, Op.PERMUTE, a);
    }

    /** A view with dimensions 0 and 1 swapped. */
    public Tensor transpose(Tensor a) {
        requireNonNull("transpose", "a", a);
        Tensor r = viewTensor(a);
        r.setName(a.name() + " (transposed)");
        r.ne[0] = a.ne[1];
        r.ne[1] = a.ne[0];
        r.nb[0] = a.nb[1];
        r.nb[1] = a.nb[0];
        return node(r, Op.TRANSPOSE, a);
    }

    /**
     * Rows of {@code a} picked by the i32 indices {@code b}: a [n, m, B, C], b [r, B, C] gives [n, r, B, C]
     * (f32 result, or i32 for an i32 {@code a}).
     */
    public Tensor getRows(Tensor a, Tensor b) {
        requireNonNull("getRows", "a", a);
        requireNonNull("getRows", "b", b);
        check(a.ne(2) == b.ne(1), "getRows", "a.ne2 (" + a.ne(2) + ") must equal b.ne1 (" + b.ne(1) + ")", a, b);
        check(b.ne(3) == 1, "getRows", "b must be at most 3-d", a, b);
        requireType("getRows", "b", b, GgmlType.I32);
        GgmlType type = a.type() == GgmlType.I32 ? GgmlType.I32 : GgmlType.F32;
        return node(newImpl("getRows", type, new long[]{a.ne(0), b.ne(0), b.ne(1), b.ne(2)}, null, 0), Op.GET_ROWS,
                a, b);
    }

    /** Gradient of getRows: rows of {@code a} added into a zero tensor shaped like {@code c}. */
    public Tensor getRowsBack(Tensor a, Tensor b, Tensor c) {
        requireNonNull("getRowsBack", "a", a);
        requireNonNull("getRowsBack", "b", b);
        requireNonNull("getRowsBack", "c", c);
        check(a.isMatrix() && b.isVector() && b.type() == GgmlType.I32, "getRowsBack",
                "a must be a matrix and b an i32 vector", a, b);
        check(c.isMatrix() && a.ne(0) == c.ne(0), "getRowsBack", "c must be a matrix with c.ne0 = a.ne0", a, c);
        return node(newImpl("getRowsBack", GgmlType.F32, new long[]{c.ne(0), c.ne(1)}, null, 0), Op.GET_ROWS_BACK, a,
                b);
    }

    /** A diagonal matrix from a row vector: [n, 1, B, C] gives [n, n, B, C]. */
    public Tensor diag(Tensor a) {
        requireNonNull("diag", "a", a);
        check(a.ne(1) == 1, "diag", "a.ne1 must be 1", a);
        return node(newImpl("diag", a.type(), new long[]{a.ne(0), a.ne(0), a.ne(2), a.ne(3)}, null, 0), Op.DIAG, a);
    }

    private Tensor diagMaskImpl(String name, Op op, Tensor a, int nPast, boolean inplace) {
        requireNonNull(name, "a", a);
        Tensor r = sameAs(a, inplace);
        params(r, nPast);
        return node(r, op, a);
    }

    /** Element (i0, i1) becomes -inf where {@code i0 > nPast + i1}. */
    public Tensor diagMaskInf(Tensor a, int nPast) {
        return diagMaskImpl("diagMaskInf", Op.DIAG_MASK_INF, a, nPast, false);
    }

    public Tensor diagMaskInfInplace(Tensor a, int nPast) {
        return diagMaskImpl("diagMaskInf", Op.DIAG_MASK_INF, a, nPast, true);
    }

    /** Element (i0, i1) becomes 0 where {@code i0 > nPast + i1}. */
    public Tensor diagMaskZero(Tensor a, int nPast) {
        return diagMaskImpl("diagMaskZero", Op.DIAG_MASK_ZERO, a, nPast, false);
    }

    public Tensor diagMaskZeroInplace(Tensor a, int nPast) {
        return diagMaskImpl("diagMaskZero", Op.DIAG_MASK_ZERO, a, nPast, true);
    }

    /** Zeros appended at the end of each dimension. */
    public Tensor pad(Tensor a, int p0, int p1, int p2, int p3) {
        requireNonNull("pad", "a", a);
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0) {
            throw new ShapeException("pad: paddings [" + p0 + "," + p1 + "," + p2 + "," + p3
                    + "] must not be negative; a=" + a.describe());
        }
        return node(newImpl("pad", a.type(), new long[]{a.ne(0) + p0, a.ne(1) + p1, a.ne(2) + p2, a.ne(3) + p3}, null,
                0), Op.PAD, a);
    }

    /** Reflection padding of dimension 0: {@code p0} before and {@code p1} after (each less than ne0). */
    public Tensor padReflect1d(Tensor a, int p0, int p1) {
        requireNonNull("padReflect1d", "a", a);
        check(p0 >= 0 && p1 >= 0 && p0 < a.ne(0) && p1 < a.ne(0), "padReflect1d",
                "paddings (" + p0 + ", " + p1 + ") must be in [0, ne0)", a);
        check(a.isContiguous(), "padReflect1d", "a must be contiguous", a);
        requireType("padReflect1d", "a", a, GgmlType.F32);
        Tensor r = newImpl("padReflect1d", a.type(), new long[]{a.ne(0) + p0 + p1, a.ne(1), a.ne(2), a.ne(3)}, null, 0);
        params(r, p0, p1);
        return node(r, Op.PAD_REFLECT_1D, a);
    }

    /** {@code [start, start + step, ...]} below {@code stop}: f32 [ceil((stop - start) / step)]. */
    public Tensor arange(float start, float stop, float step) {
        if (!(stop > start) || !(step > 0) || Float.isInfinite(stop - start)) {
            throw new ShapeException("arange: need start < stop and step > 0, finite; got start=" + start + ", stop="
                    + stop + ", step=" + step);
        }
        long steps = (long) Math.ceil((stop - start) / step);
        Tensor r = newImpl("arange", GgmlType.F32, new long[]{steps}, null, 0);
        params(r, f(start), f(stop), f(step));
        return node(r, Op.ARANGE);
    }

    /** Sinusoidal embeddings of f32 timesteps [N]: [dim (+1 if odd), N]. */
    public Tensor timestepEmbedding(Tensor timesteps, int dim, int maxPeriod) {
        requireNonNull("timestepEmbedding", "timesteps", timesteps);
        if (dim <= 0) {
            throw new ShapeException("timestepEmbedding: dim (" + dim + ") must be positive");
        }
        int actual = dim % 2 != 0 ? dim + 1 : dim;
        Tensor r = newImpl("timestepEmbedding", GgmlType.F32, new long[]{actual, timesteps.ne(0)}, null, 0);
        params(r, dim, maxPeriod);
        return node(r, Op.TIMESTEP_EMBEDDING, timesteps);
    }

    /** Per-row indices that sort each row, i32, same shape. */
    public Tensor argsort(Tensor a, SortOrder order) {
        requireNonNull("argsort", "a", a);
        check(a.ne(0) <= Integer.MAX_VALUE, "argsort", "a.ne0 must fit in 32 bits", a);
        Tensor r = newImpl("argsort", GgmlType.I32, a.ne.clone(), null, 0);
        params(r, order.ordinal());
        return node(r, Op.ARGSORT, a);
    }

    /** Indices of the {@code k} largest elements of each row (a view of a descending argsort). */
    public Tensor topK(Tensor a, int k) {
        requireNonNull("topK", "a", a);
        check(k >= 0 && a.ne(0) >= k, "topK", "k (" + k + ") must be in [0, a.ne0]", a);
        Tensor s = argsort(a, SortOrder.DESC);
        return view4d(s, k, s.ne(1), s.ne(2), s.ne(3), s.nb(1), s.nb(2), s.nb(3), 0);
    }

    // =====================================================================================================
    // normalisation
    // =====================================================================================================

    private Tensor normImpl(String name, Op op, Tensor a, float eps, boolean inplace) {
        requireNonNull(name, "a", a);
        Tensor r = sameAs(a, inplace);
        params(r, f(eps));
        return node(r, op, a);
    }

    /** Per row: {@code (x - mean) / sqrt(var + eps)}. */
    public Tensor norm(Tensor a, float eps) {
        return normImpl("norm", Op.NORM, a, eps, false);
    }

    public Tensor normInplace(Tensor a, float eps) {
        return normImpl("norm", Op.NORM, a, eps, true);
    }

    /** Per row: {@code x / sqrt(mean(x^2) + eps)}. */
    public Tensor rmsNorm(Tensor a, float eps) {
        return normImpl("rmsNorm", Op.RMS_NORM, a, eps, false);
    }

    public Tensor rmsNormInplace(Tensor a, float eps) {
        return normImpl("rmsNorm", Op.RMS_NORM, a, eps, true);
    }

    /** Gradient of rmsNorm. */
    public Tensor rmsNormBack(Tensor a, Tensor b, float eps) {
        requireNonNull("rmsNormBack", "a", a);
        requireNonNull("rmsNormBack", "b", b);
        Tensor r = dupTensor(a);
        params(r, f(eps));
        return node(r, Op.RMS_NORM_BACK, a, b);
    }

    private Tensor groupNormImpl(Tensor a, int nGroups, float eps, boolean inplace) {
        requireNonNull("groupNorm", "a", a);
        if (nGroups <= 0) {
            throw new ShapeException("groupNorm: nGroups (" + nGroups + ") must be positive; a=" + a.describe());
        }
        Tensor r = sameAs(a, inplace);
        params(r, nGroups, f(eps));
        return node(r, Op.GROUP_NORM, a);
    }

    /** Group normalisation over channels {@code ne2}, in {@code nGroups} groups. */
    public Tensor groupNorm(Tensor a, int nGroups, float eps) {
        return groupNormImpl(a, nGroups, eps, false);
    }

    public Tensor groupNormInplace(Tensor a, int nGroups, float eps) {
        return groupNormImpl(a, nGroups, eps, true);
    }

    // =====================================================================================================
    // matrix products
    // =====================================================================================================

    /** ggml_can_mul_mat: equal rows and {@code b} broadcast over {@code a} in dimensions 2 and 3. */
    public static boolean canMulMat(Tensor a, Tensor b) {
        return a.ne(0) == b.ne(0) && a.ne(2) > 0 && a.ne(3) > 0 && b.ne(2) % a.ne(2) == 0 && b.ne(3) % a.ne(3) == 0;
    }

    /** {@code C = B·Aᵀ}: a [k, m, ...], b [k, n, ...] gives f32 [m, n, b.ne2, b.ne3]. */
    public Tensor mulMat(Tensor a, Tensor b) {
        requireNonNull("mulMat", "a", a);
        requireNonNull("mulMat", "b", b);
        check(a.ne(0) == b.ne(0), "mulMat", "a.ne0 (" + a.ne(0) + ") must equal b.ne0 (" + b.ne(0) + ")", a, b);
        check(canMulMat(a, b), "mulMat", "b.ne2 (" + b.ne(2) + ") and b.ne3 (" + b.ne(3)
                + ") must be multiples of a.ne2 (" + a.ne(2) + ") and a.ne3 (" + a.ne(3) + ")", a, b);
        check(!a.isTransposed(), "mulMat", "a must not be transposed (nb0 > nb1)", a, b);
        return node(newImpl("mulMat", GgmlType.F32, new long[]{a.ne(1), b.ne(1), b.ne(2), b.ne(3)}, null, 0),
                Op.MUL_MAT, a, b);
    }

    /**
     * Expert-selected products: as [k, m, n_expert], b [k, n_b, n], ids i32 [n_used, n] gives
     * f32 [m, n_used, n]; {@code dst[:, e, t] = as[:, :, ids[e, t]] · b[:, e % n_b, t]}.
     */
    public Tensor mulMatId(Tensor as, Tensor b, Tensor ids) {
        requireNonNull("mulMatId", "as", as);
        requireNonNull("mulMatId", "b", b);
        requireNonNull("mulMatId", "ids", ids);
        String[] n = {"as", "b", "ids"};
        requireType("mulMatId", "ids", ids, GgmlType.I32);
        if (as.isTransposed()) {
            throw shape("mulMatId", "as must not be transposed", n, as, b, ids);
        }
        if (as.ne(3) != 1 || b.ne(3) != 1 || ids.ne(2) != 1 || ids.ne(3) != 1) {
            throw shape("mulMatId", "as and b must be at most 3-d and ids at most 2-d", n, as, b, ids);
        }
        if (ids.ne(1) != b.ne(2)) {
            throw shape("mulMatId", "ids.ne1 (" + ids.ne(1) + ") must equal b.ne2 (" + b.ne(2) + ")", n, as, b, ids);
        }
        if (as.ne(0) != b.ne(0)) {
            throw shape("mulMatId", "as.ne0 (" + as.ne(0) + ") must equal b.ne0 (" + b.ne(0) + ")", n, as, b, ids);
        }
        if (b.ne(1) == 0 || ids.ne(0) % b.ne(1) != 0) {
            throw shape("mulMatId", "ids.ne0 (" + ids.ne(0) + ") must be a multiple of b.ne1 (" + b.ne(1) + ")", n, as,
                    b, ids);
        }
        return node(newImpl("mulMatId", GgmlType.F32, new long[]{as.ne(1), ids.ne(0), b.ne(2), 1}, null, 0),
                Op.MUL_MAT_ID, as, b, ids);
    }

    /** Outer products: a [m, k, ...], b [n, k, ...] gives f32 [m, n, b.ne2, b.ne3]. */
    public Tensor outProd(Tensor a, Tensor b) {
        requireNonNull("outProd", "a", a);
        requireNonNull("outProd", "b", b);
        check(a.ne(1) == b.ne(1), "outProd", "a.ne1 (" + a.ne(1) + ") must equal b.ne1 (" + b.ne(1) + ")", a, b);
        check(a.ne(2) > 0 && a.ne(3) > 0 && b.ne(2) % a.ne(2) == 0 && b.ne(3) % a.ne(3) == 0, "outProd",
                "b.ne2 and b.ne3 must be multiples of a.ne2 and a.ne3", a, b);
        check(!a.isTransposed(), "outProd", "a must not be transposed (nb0 > nb1)", a, b);
        return node(newImpl("outProd", GgmlType.F32, new long[]{a.ne(0), b.ne(0), b.ne(2), b.ne(3)}, null, 0),
                Op.OUT_PROD, a, b);
    }

    // =====================================================================================================
    // attention
    // =====================================================================================================

    private Tensor softMaxImpl(Tensor a, Tensor mask, float scale, float maxBias, boolean inplace) {
        requireNonNull("softMax", "a", a);
        check(a.isContiguous(), "softMax", "a must be contiguous", a);
        if (mask != null) {
            requireType("softMax", "mask", mask, GgmlType.F16, GgmlType.F32);
            String[] n = {"a", "mask"};
            if (!mask.isContiguous() || !mask.isMatrix()) {
                throw shape("softMax", "mask must be a contiguous matrix", n, a, mask);
            }
            if (mask.ne(0) != a.ne(0)) {
                throw shape("softMax", "mask.ne0 (" + mask.ne(0) + ") must equal a.ne0 (" + a.ne(0) + ")", n, a, mask);
            }
            if (mask.ne(1) < a.ne(1)) {
                throw shape("softMax", "mask.ne1 (" + mask.ne(1) + ") must be at least a.ne1 (" + a.ne(1) + ")", n, a,
                        mask);
            }
        }
        if (maxBias > 0.0f && mask == null) {
            throw new ShapeException("softMax: ALiBi (maxBias " + maxBias + " > 0) needs a mask; a=" + a.describe());
        }
        Tensor r = sameAs(a, inplace);
        params(r, f(scale), f(maxBias));
        return mask == null ? node(r, Op.SOFT_MAX, a) : node(r, Op.SOFT_MAX, a, mask);
    }

    /** Softmax of each row. */
    public Tensor softMax(Tensor a) {
        return softMaxImpl(a, null, 1.0f, 0.0f, false);
    }

    public Tensor softMaxInplace(Tensor a) {
        return softMaxImpl(a, null, 1.0f, 0.0f, true);
    }

    /** Per row {@code softmax(x*scale + slope*mask)}; mask (f32 or f16) optional; ALiBi when maxBias > 0. */
    public Tensor softMaxExt(Tensor a, Tensor mask, float scale, float maxBias) {
        return softMaxImpl(a, mask, scale, maxBias, false);
    }

    /** Gradient of softMaxExt: {@code a} the output gradient, {@code b} the softmax output. */
    public Tensor softMaxExtBack(Tensor a, Tensor b, float scale, float maxBias) {
        requireNonNull("softMaxExtBack", "a", a);
        requireNonNull("softMaxExtBack", "b", b);
        Tensor r = dupTensor(a);
        params(r, f(scale), f(maxBias));
        return node(r, Op.SOFT_MAX_BACK, a, b);
    }

    /** The rotary embedding modes: {@code NORMAL} rotates pairs (2i, 2i+1), {@code NEOX} pairs (i, i + n_dims/2). */
    public static final int ROPE_TYPE_NORMAL = 0;
    public static final int ROPE_TYPE_NEOX = 2;

    private Tensor ropeImpl(Op op, Tensor a, Tensor b, Tensor c, int nDims, int mode, int nCtxOrig, float freqBase,
                            float freqScale, float extFactor, float attnFactor, float betaFast, float betaSlow,
                            boolean inplace) {
        requireNonNull("rope", "a", a);
        requireNonNull("rope", "b", b);
        if ((mode & 1) != 0) {
            throw new ShapeException("rope: mode " + mode + " has bit 0 set, which ggml no longer supports");
        }
        requireType("rope", "b", b, GgmlType.I32);
        check(b.isVector(), "rope", "b (positions) must be a vector", a, b);
        check(a.ne(2) == b.ne(0), "rope", "a.ne2 (" + a.ne(2) + ") must equal b.ne0 (" + b.ne(0) + ")", a, b);
        check(nDims > 0 && nDims <= a.ne(0), "rope", "nDims (" + nDims + ") must be in [1, a.ne0]", a, b);
        if (c != null) {
            requireType("rope", "c", c, GgmlType.F32);
            if (c.ne(0) < nDims / 2) {
                throw shape("rope", "c.ne0 (" + c.ne(0) + ") must be at least nDims/2 (" + nDims / 2 + ")",
                        new String[]{"a", "b", "c"}, a, b, c);
            }
        }
        Tensor r = sameAs(a, inplace);
        params(r, 0, nDims, mode, 0, nCtxOrig, f(freqBase), f(freqScale), f(extFactor), f(attnFactor), f(betaFast),
                f(betaSlow), 0, 0, 0, 0);
        return c == null ? node(r, op, a, b) : node(r, op, a, b, c);
    }

    /** Rotary embedding with default frequency parameters (base 10000, no scaling). */
    public Tensor rope(Tensor a, Tensor positions, int nDims, int mode) {
        return ropeImpl(Op.ROPE, a, positions, null, nDims, mode, 0, 10000.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, false);
    }

    public Tensor ropeInplace(Tensor a, Tensor positions, int nDims, int mode) {
        return ropeImpl(Op.ROPE, a, positions, null, nDims, mode, 0, 10000.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, true);
    }

    /**
     * Rotary embedding with YaRN parameters: a [head_dim, n_head, n_tokens, ne3], positions i32 [n_tokens], optional
     * frequency factors f32 [n_dims/2].
     */
    public Tensor ropeExt(Tensor a, Tensor positions, Tensor freqFactors, int nDims, int mode, int nCtxOrig,
                          float freqBase, float freqScale, float extFactor, float attnFactor, float betaFast,
                          float betaSlow) {
        return ropeImpl(Op.ROPE, a, positions, freqFactors, nDims, mode, nCtxOrig, freqBase, freqScale, extFactor,
                attnFactor, betaFast, betaSlow, false);
    }

    public Tensor ropeExtInplace(Tensor a, Tensor positions, Tensor freqFactors, int nDims, int mode, int nCtxOrig,
                                 float freqBase, float freqScale, float extFactor, float attnFactor, float betaFast,
                                 float betaSlow) {
        return ropeImpl(Op.ROPE, a, positions, freqFactors, nDims, mode, nCtxOrig, freqBase, freqScale, extFactor,
                attnFactor, betaFast, betaSlow, true);
    }

    /** Gradient of ropeExt (the inverse rotation). */
    public Tensor ropeExtBack(Tensor a, Tensor positions, Tensor freqFactors, int nDims, int mode, int nCtxOrig,
                              float freqBase, float freqScale, float extFactor, float attnFactor, float betaFast,
                              float betaSlow) {
        return ropeImpl(Op.ROPE_BACK, a, positions, freqFactors, nDims, mode, nCtxOrig, freqBase, freqScale, extFactor,
                attnFactor, betaFast, betaSlow, false);
    }

    /**
     * Fused attention: q f32 [D, n_q, n_head, ne3], k and v [D, n_kv, n_head_kv, ne3], optional f16 mask
     * [n_kv, n_q padded to {@link #KQ_MASK_PAD}]; result f32 [D, n_head, n_q, ne3] (note the order).
     */
    public Tensor flashAttnExt(Tensor q, Tensor k, Tensor v, Tensor mask, float scale, float maxBias,
                               float logitSoftcap) {
        requireNonNull("flashAttnExt", "q", q);
        requireNonNull("flashAttnExt", "k", k);
        requireNonNull("flashAttnExt", "v", v);
        String[] n = {"q", "k", "v", "mask"};
        if (!canMulMat(k, q)) {
            throw shape("flashAttnExt", "k.ne0 must equal q.ne0 and q.ne2, q.ne3 be multiples of k.ne2, k.ne3", n, q, k,
                    v, mask);
        }
        if (v.ne(0) != q.ne(0) || v.ne(1) != k.ne(1) || v.ne(2) != k.ne(2) || v.ne(3) != k.ne(3)) {
            throw shape("flashAttnExt", "v must have the shape of k", n, q, k, v, mask);
        }
        if (mask != null) {
            if (!mask.isContiguous() || mask.ne(2) != 1 || mask.ne(3) != 1) {
                throw shape("flashAttnExt", "mask must be a contiguous matrix", n, q, k, v, mask);
            }
            long padded = (q.ne(1) + KQ_MASK_PAD - 1) / KQ_MASK_PAD * KQ_MASK_PAD;
            if (mask.ne(1) < padded) {
                throw shape("flashAttnExt", "mask.ne1 (" + mask.ne(1) + ") must be at least n_q padded to "
                        + KQ_MASK_PAD + " (" + padded + ")", n, q, k, v, mask);
            }
            // ggml reads n_kv values of each mask row and checks nothing more; a wider mask is fine
            if (mask.ne(0) < k.ne(1)) {
                throw shape("flashAttnExt", "mask.ne0 (" + mask.ne(0) + ") must be at least n_kv (" + k.ne(1) + ")", n,
                        q, k, v, mask);
            }
        }
        if (maxBias > 0.0f && mask == null) {
            throw new ShapeException("flashAttnExt: ALiBi (maxBias > 0) needs a mask");
        }
        Tensor r = newImpl("flashAttnExt", GgmlType.F32, new long[]{q.ne(0), q.ne(2), q.ne(1), q.ne(3)}, null, 0);
        params(r, f(scale), f(maxBias), f(logitSoftcap));
        return mask == null ? node(r, Op.FLASH_ATTN_EXT, q, k, v) : node(r, Op.FLASH_ATTN_EXT, q, k, v, mask);
    }

    // =====================================================================================================
    // convolution, pooling, resampling
    // =====================================================================================================

    static long convOutputSize(long ins, long ks, int s, int p, int d) {
        return (ins + 2L * p - (long) d * (ks - 1) - 1) / s + 1;
    }

    /**
     * Unfolds {@code b} (data) into columns for a convolution with kernel {@code a} (only its shape is used).
     * 2-d: data [IW, IH, IC, N], kernel [KW, KH, IC, *] gives [IC*KH*KW, OW, OH, N]; 1-d: data [IW, IC, N],
     * kernel [KW, IC, *] gives [IC*KW, OW, N].
     */
    public Tensor im2col(Tensor a, Tensor b, int s0, int s1, int p0, int p1, int d0, int d1, boolean is2D,
                         GgmlType dstType) {
        requireNonNull("im2col", "a", a);
        requireNonNull("im2col", "b", b);
        if (s0 <= 0 || d0 <= 0 || p0 < 0 || (is2D && (s1 <= 0 || d1 <= 0 || p1 < 0))) {
            throw new ShapeException("im2col: strides and dilations must be positive and paddings non-negative; got s=("
                    + s0 + "," + s1 + ") p=(" + p0 + "," + p1 + ") d=(" + d0 + "," + d1 + ")");
        }
        if (is2D) {
            check(a.ne(2) == b.ne(2), "im2col", "a.ne2 (" + a.ne(2) + ") must equal b.ne2 (" + b.ne(2) + ")", a, b);
        } else {
            check(b.ne(1) == a.ne(1), "im2col", "b.ne1 (" + b.ne(1) + ") must equal a.ne1 (" + a.ne(1) + ")", a, b);
            check(b.ne(3) == 1, "im2col", "b must be at most 3-d for 1-d im2col", a, b);
        }
        long oh = is2D ? convOutputSize(b.ne(1), a.ne(1), s1, p1, d1) : 0;
        long ow = convOutputSize(b.ne(0), a.ne(0), s0, p0, d0);
        check((!is2D || oh > 0) && ow > 0, "im2col", "b is too small for kernel a (output size " + ow + "x" + oh + ")",
                a, b);
        long[] ne = {is2D ? a.ne(2) * a.ne(1) * a.ne(0) : a.ne(1) * a.ne(0), ow, is2D ? oh : b.ne(2),
                is2D ? b.ne(3) : 1};
        Tensor r = newImpl("im2col", dstType, ne, null, 0);
        params(r, s0, s1, p0, p1, d0, d1, is2D ? 1 : 0);
        return node(r, Op.IM2COL, a, b);
    }

    /** 1-d convolution by im2col + mulMat: kernel a [K, IC, OC], data b [L, IC, N] gives [OL, OC, N]. */
    public Tensor conv1d(Tensor a, Tensor b, int s0, int p0, int d0) {
        Tensor im = im2col(a, b, s0, 0, p0, 0, d0, 0, false, GgmlType.F16);
        Tensor r = mulMat(reshape2d(im, im.ne(0), im.ne(2) * im.ne(1)), reshape2d(a, a.ne(0) * a.ne(1), a.ne(2)));
        return reshape3d(r, im.ne(1), a.ne(2), im.ne(2));
    }

    /** 2-d convolution by im2col + mulMat: kernel a [KW, KH, IC, OC], data b [W, H, IC, N] gives [OW, OH, OC, N]. */
    public Tensor conv2d(Tensor a, Tensor b, int s0, int s1, int p0, int p1, int d0, int d1) {
        Tensor im = im2col(a, b, s0, s1, p0, p1, d0, d1, true, a.type());
        Tensor r = mulMat(reshape2d(im, im.ne(0), im.ne(3) * im.ne(2) * im.ne(1)),
                reshape2d(a, a.ne(0) * a.ne(1) * a.ne(2), a.ne(3)));
        r = reshape4d(r, im.ne(1), im.ne(2), im.ne(3), a.ne(3));
        return cont(permute(r, 0, 1, 3, 2));
    }

    /** Transposed 1-d convolution: kernel a [K, OC, IC], data b [L, IC] gives f32 [(L-1)*s0 + K, OC]. */
    public Tensor convTranspose1d(Tensor a, Tensor b, int s0, int p0, int d0) {
        requireNonNull("convTranspose1d", "a", a);
        requireNonNull("convTranspose1d", "b", b);
        check(b.isMatrix(), "convTranspose1d", "b must be a matrix", a, b);
        check(a.ne(2) == b.ne(1), "convTranspose1d", "a.ne2 (" + a.ne(2) + ") must equal b.ne1 (" + b.ne(1) + ")", a,
                b);
        check(a.ne(3) == 1, "convTranspose1d", "a must be at most 3-d", a, b);
        if (p0 != 0 || d0 != 1 || s0 <= 0) {
            throw new ShapeException("convTranspose1d: ggml supports only p0 = 0, d0 = 1 and s0 > 0; got s0=" + s0
                    + ", p0=" + p0 + ", d0=" + d0);
        }
        long len = (b.ne(0) - 1) * s0 + (a.ne(0) - 1) + 1;
        Tensor r = newImpl("convTranspose1d", GgmlType.F32, new long[]{len, a.ne(1), b.ne(2), 1}, null, 0);
        params(r, s0, p0, d0);
        return node(r, Op.CONV_TRANSPOSE_1D, a, b);
    }

    /** Transposed 2-d convolution, no padding: kernel a [KW, KH, OC, IC], data b [W, H, IC, N]. */
    public Tensor convTranspose2dP0(Tensor a, Tensor b, int stride) {
        requireNonNull("convTranspose2d", "a", a);
        requireNonNull("convTranspose2d", "b", b);
        check(a.ne(3) == b.ne(2), "convTranspose2d", "a.ne3 (" + a.ne(3) + ") must equal b.ne2 (" + b.ne(2) + ")", a,
                b);
        if (stride <= 0) {
            throw new ShapeException("convTranspose2d: stride (" + stride + ") must be positive");
        }
        long w = (b.ne(0) - 1) * stride + a.ne(0);
        long h = (b.ne(1) - 1) * stride + a.ne(1);
        Tensor r = newImpl("convTranspose2d", GgmlType.F32, new long[]{w, h, a.ne(2), b.ne(3)}, null, 0);
        params(r, stride);
        return node(r, Op.CONV_TRANSPOSE_2D, a, b);
    }

    static long poolOutputSize(long ins, int ks, int s, float p) {
        return (long) ((ins + 2 * p - ks) / s + 1);
    }

    /** Pooling along dimension 0 with kernel {@code k0}, stride {@code s0}, padding {@code p0}: f32 result. */
    public Tensor pool1d(Tensor a, PoolOp op, int k0, int s0, int p0) {
        requireNonNull("pool1d", "a", a);
        if (k0 <= 0 || s0 <= 0 || p0 < 0) {
            throw new ShapeException("pool1d: k0 (" + k0 + ") and s0 (" + s0 + ") must be positive and p0 (" + p0
                    + ") non-negative");
        }
        long ow = poolOutputSize(a.ne(0), k0, s0, p0);
        check(ow > 0, "pool1d", "a.ne0 is smaller than the kernel", a);
        Tensor r = newImpl("pool1d", GgmlType.F32, new long[]{ow, a.ne(1), a.ne(2), a.ne(3)}, null, 0);
        params(r, op.ordinal(), k0, s0, p0);
        return node(r, Op.POOL_1D, a);
    }

    /** Pooling over dimensions 0 and 1: f32 [(ne0 + 2p0 - k0)/s0 + 1, (ne1 + 2p1 - k1)/s1 + 1, ne2, ne3]. */
    public Tensor pool2d(Tensor a, PoolOp op, int k0, int k1, int s0, int s1, float p0, float p1) {
        requireNonNull("pool2d", "a", a);
        if (k0 <= 0 || k1 <= 0 || s0 <= 0 || s1 <= 0 || !(p0 >= 0) || !(p1 >= 0)) {
            throw new ShapeException("pool2d: kernel and stride must be positive and padding non-negative; got k=("
                    + k0 + "," + k1 + ") s=(" + s0 + "," + s1 + ") p=(" + p0 + "," + p1 + ")");
        }
        long ow = poolOutputSize(a.ne(0), k0, s0, p0);
        long oh = poolOutputSize(a.ne(1), k1, s1, p1);
        check(ow > 0 && oh > 0, "pool2d", "a is smaller than the kernel", a);
        Tensor r = newImpl("pool2d", GgmlType.F32, new long[]{ow, oh, a.ne(2), a.ne(3)}, null, 0);
        // ggml stores the float paddings converted to int32
        params(r, op.ordinal(), k0, k1, s0, s1, (int) p0, (int) p1);
        return node(r, Op.POOL_2D, a);
    }

    /** Gradient of pool2d: {@code a} the output gradient, {@code af} the forward input. */
    public Tensor pool2dBack(Tensor a, Tensor af, PoolOp op, int k0, int k1, int s0, int s1, float p0, float p1) {
        requireNonNull("pool2dBack", "a", a);
        requireNonNull("pool2dBack", "af", af);
        Tensor r = newImpl("pool2dBack", GgmlType.F32, af.ne.clone(), null, 0);
        params(r, op.ordinal(), k0, k1, s0, s1, (int) p0, (int) p1);
        return node(r, Op.POOL_2D_BACK, a, af);
    }

    /** Nearest-neighbour upscaling of dimensions 0 and 1 by an integer factor. */
    public Tensor upscale(Tensor a, int scaleFactor) {
        requireNonNull("upscale", "a", a);
        if (scaleFactor <= 0) {
            throw new ShapeException("upscale: scaleFactor (" + scaleFactor + ") must be positive");
        }
        return upscaleExt(a, a.ne(0) * scaleFactor, a.ne(1) * scaleFactor, a.ne(2), a.ne(3));
    }

    /** Nearest-neighbour resampling to {@code [ne0, ne1, ne2, ne3]} (each at least a's). */
    public Tensor upscaleExt(Tensor a, long ne0, long ne1, long ne2, long ne3) {
        requireNonNull("upscale", "a", a);
        check(a.ne(0) <= ne0 && a.ne(1) <= ne1 && a.ne(2) <= ne2 && a.ne(3) <= ne3, "upscale",
                "the target [" + ne0 + "," + ne1 + "," + ne2 + "," + ne3 + "] must be at least a's shape", a);
        return node(newImpl("upscale", a.type(), new long[]{ne0, ne1, ne2, ne3}, null, 0), Op.UPSCALE, a);
    }

    // =====================================================================================================
    // recurrent and state-space
    // =====================================================================================================

    /** Mamba's short convolution: sx [d_conv-1+n_t, d_inner, n_s], c [d_conv, d_inner] gives [d_inner, n_t, n_s]. */
    public Tensor ssmConv(Tensor sx, Tensor c) {
        requireNonNull("ssmConv", "sx", sx);
        requireNonNull("ssmConv", "c", c);
        String[] n = {"sx", "c"};
        if (!sx.is3d() || !c.isMatrix()) {
            throw shape("ssmConv", "sx must be at most 3-d and c a matrix", n, sx, c);
        }
        long dConv = c.ne(0);
        long dInner = c.ne(1);
        long nT = sx.ne(0) - dConv + 1;
        if (nT < 0 || sx.ne(1) != dInner) {
            throw shape("ssmConv", "sx.ne0 must be at least c.ne0 - 1 and sx.ne1 must equal c.ne1", n, sx, c);
        }
        return node(newImpl("ssmConv", GgmlType.F32, new long[]{dInner, nT, sx.ne(2)}, null, 0), Op.SSM_CONV, sx, c);
    }

    /** Mamba's selective scan; the result holds the outputs followed by the final states (1-d). */
    public Tensor ssmScan(Tensor s, Tensor x, Tensor dt, Tensor a, Tensor b, Tensor c) {
        String[] n = {"s", "x", "dt", "A", "B", "C"};
        Tensor[] all = {s, x, dt, a, b, c};
        for (int i = 0; i < all.length; i++) {
            requireNonNull("ssmScan", n[i], all[i]);
        }
        if (!s.isContiguous() || !x.isContiguous() || !dt.isContiguous() || !a.isContiguous()) {
            throw shape("ssmScan", "s, x, dt and A must be contiguous", n, all);
        }
        if (!a.isMatrix() || !b.is3d() || !s.is3d() || b.nb(0) != b.type().typeSize()
                || c.nb(0) != c.type().typeSize()) {
            throw shape("ssmScan", "A must be a matrix, B and s at most 3-d, B and C with contiguous rows", n, all);
        }
        if (!x.sameShape(dt) || !b.sameShape(c)) {
            throw shape("ssmScan", "x and dt, and B and C, must have the same shapes", n, all);
        }
        long dState = s.ne(0);
        long dInner = s.ne(1);
        long nTok = x.ne(1);
        long nSeqs = x.ne(2);
        if (s.ne(2) != nSeqs || x.ne(0) != dInner || a.ne(0) != dState || a.ne(1) != dInner || b.ne(0) != dState
                || b.ne(1) != nTok || b.ne(2) != nSeqs) {
            throw shape("ssmScan", "shapes must be s [d_state, d_inner, n_seqs], x [d_inner, n_t, n_seqs], "
                    + "A [d_state, d_inner], B [d_state, n_t, n_seqs]", n, all);
        }
        return node(newImpl("ssmScan", GgmlType.F32, new long[]{x.nelements() + s.nelements()}, null, 0),
                Op.SSM_SCAN, s, x, dt, a, b, c);
    }

    private void linearAttnShapes(String op, String[] n, Tensor[] all, Tensor k, Tensor state) {
        for (int i = 0; i < all.length; i++) {
            requireNonNull(op, n[i], all[i]);
            if (!all[i].isContiguous()) {
                throw shape(op, n[i] + " must be contiguous", n, all);
            }
        }
        long s = k.ne(0);
        long h = k.ne(1);
        long t = k.ne(2);
        for (int i = 1; i < all.length; i++) {
            Tensor x = all[i];
            if (x == state || n[i].equals("tf")) {
                continue;
            }
            if (x.ne(0) != s || x.ne(1) != h || x.ne(2) != t) {
                throw shape(op, n[i] + " must have the shape of k [S, H, T]", n, all);
            }
        }
        if (state.nelements() != s * s * h * state.ne(1)) {
            throw shape(op, "state must have S*S*H*n_seqs elements", n, all);
        }
        // the kernels take the T tokens as n_seqs sequences of T/n_seqs tokens each
        if (state.ne(1) == 0 || t % state.ne(1) != 0) {
            throw shape(op, "the token count k.ne2 (" + t + ") must be a multiple of n_seqs = state.ne1 ("
                    + state.ne(1) + ")", n, all);
        }
        for (int i = 0; i < all.length; i++) {
            if (n[i].equals("tf") && all[i].nelements() != s * h) {
                throw shape(op, "tf must have S*H elements", n, all);
            }
        }
    }

    /** RWKV v6 time mixing; the result [S*H, T + S*n_seqs] holds the outputs followed by the final states. */
    public Tensor rwkvWkv6(Tensor k, Tensor v, Tensor r, Tensor tf, Tensor td, Tensor state) {
        String[] n = {"k", "v", "r", "tf", "td", "state"};
        Tensor[] all = {k, v, r, tf, td, state};
        linearAttnShapes("rwkvWkv6", n, all, k, state);
        long s = k.ne(0);
        long h = k.ne(1);
        return node(newImpl("rwkvWkv6", GgmlType.F32, new long[]{s * h, k.ne(2) + s * state.ne(1), 1, 1}, null, 0),
                Op.RWKV_WKV6, k, v, r, tf, td, state);
    }

    /** Gated linear attention; the result [S*H, T + S*n_seqs] holds the outputs followed by the final states. */
    public Tensor gatedLinearAttn(Tensor k, Tensor v, Tensor q, Tensor g, Tensor state, float scale) {
        String[] n = {"k", "v", "q", "g", "state"};
        Tensor[] all = {k, v, q, g, state};
        linearAttnShapes("gatedLinearAttn", n, all, k, state);
        long s = k.ne(0);
        long h = k.ne(1);
        Tensor res = newImpl("gatedLinearAttn", GgmlType.F32, new long[]{s * h, k.ne(2) + s * state.ne(1), 1, 1}, null,
                0);
        params(res, f(scale));
        return node(res, Op.GATED_LINEAR_ATTN, k, v, q, g, state);
    }

    // =====================================================================================================
    // losses and optimisers
    // =====================================================================================================

    /** Cross-entropy loss of logits {@code a} against probabilities {@code b}: shape [1]. */
    public Tensor crossEntropyLoss(Tensor a, Tensor b) {
        requireNonNull("crossEntropyLoss", "a", a);
        requireNonNull("crossEntropyLoss", "b", b);
        check(a.sameShape(b), "crossEntropyLoss", "a and b must have the same shape", a, b);
        return node(newImpl("crossEntropyLoss", a.type(), new long[]{1}, null, 0), Op.CROSS_ENTROPY_LOSS, a, b);
    }
}
