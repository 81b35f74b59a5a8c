package io.ggmljava.testdata.contracts;

import io.ggmljava.core.Context;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import io.ggmljava.core.UnaryOp;
import io.ggmljava.testdata.arbitraries.TensorArbitraries;
import io.ggmljava.testdata.arbitraries.TensorArbitraries.Fill;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One op applied to random inputs: a small, self-describing value such as
 * {@code ADD(type=f32, ne=[33,3,1,1], b=[33,1,1,1], permute=[0,2,1,3], fill=WITH_SPECIALS, seed=42)}.
 *
 * <p>{@link #build} creates the inputs in a context and the node computing the op; {@link OpRunner} fills the
 * inputs from the seed, allocates and computes. The same case built twice gives the same inputs, so two providers,
 * thread counts or in-place variants can be compared.
 *
 * @param kind    the op
 * @param type    the type of the first operand (the weights of a matrix product)
 * @param ne      the shape of the first operand (logical, after {@code permute})
 * @param neB     the shape of the second operand, if any (broadcast shape, mask, or the matrix product's b)
 * @param permute the view applied to the first operand (dimension 0 stays in place); identity for none
 * @param fill    what values the float inputs hold
 * @param seed    the seed of every input
 */
public record OpCase(Kind kind, GgmlType type, long[] ne, long[] neB, int[] permute, Fill fill, long seed) {

    /** How outputs of an op compare with the reference: exactly (bits), or within an NMSE tolerance. */
    public enum Check {
        EXACT, NMSE
    }

    /** The ops the kernel contract exercises, with their input range, tolerance and in-place support. */
    public enum Kind {
        ABS(-4, 4, Check.EXACT, 0, true), NEG(-4, 4, Check.EXACT, 0, true), SGN(-4, 4, Check.EXACT, 0, true),
        STEP(-4, 4, Check.EXACT, 0, true), RELU(-4, 4, Check.EXACT, 0, true),
        TANH(-8, 8, Check.NMSE, 1e-7, true), ELU(-8, 8, Check.NMSE, 1e-7, true),
        SIGMOID(-8, 8, Check.NMSE, 1e-7, true), GELU(-8, 8, Check.NMSE, 1e-7, true),
        GELU_QUICK(-8, 8, Check.NMSE, 1e-7, true), SILU(-8, 8, Check.NMSE, 1e-7, true),
        HARDSWISH(-8, 8, Check.NMSE, 1e-7, true), HARDSIGMOID(-8, 8, Check.NMSE, 1e-7, true),
        EXP(-20, 20, Check.NMSE, 1e-7, true),
        SQR(-2, 2, Check.EXACT, 0, true), SQRT(0.01f, 10, Check.NMSE, 1e-7, true),
        LOG(0.01f, 10, Check.NMSE, 1e-7, true),
        SIN(-6.5f, 6.5f, Check.NMSE, 1e-7, true), COS(-6.5f, 6.5f, Check.NMSE, 1e-7, true),
        SCALE(-4, 4, Check.EXACT, 0, true), CLAMP(-1.5f, 1.5f, Check.EXACT, 0, false),
        LEAKY_RELU(-2, 2, Check.EXACT, 0, true),
        ADD(-1, 1, Check.EXACT, 0, true), SUB(-1, 1, Check.EXACT, 0, true), MUL(-1, 1, Check.EXACT, 0, true),
        DIV(0.5f, 2, Check.EXACT, 0, true),
        SUM_ROWS(-1, 1, Check.NMSE, 1e-7, false), MEAN(-1, 1, Check.NMSE, 1e-7, false),
        NORM(-1, 1, Check.NMSE, 1e-7, true), RMS_NORM(-10, 10, Check.NMSE, 1e-7, true),
        SOFT_MAX(-4, 4, Check.NMSE, 1e-6, true), SOFT_MAX_MASKED(-4, 4, Check.NMSE, 1e-6, false),
        ROPE(-1, 1, Check.NMSE, 1e-7, true), ROPE_NEOX(-1, 1, Check.NMSE, 1e-7, true),
        CPY_F16(-70000, 70000, Check.EXACT, 0, false), CPY_BF16(-4, 4, Check.EXACT, 0, false),
        CONT(-4, 4, Check.EXACT, 0, false),
        MUL_MAT(-1, 1, Check.NMSE, 5e-4, false);

        final float lo;
        final float hi;
        final Check check;
        final double maxNmse;
        final boolean inplace;

        Kind(float lo, float hi, Check check, double maxNmse, boolean inplace) {
            this.lo = lo;
            this.hi = hi;
            this.check = check;
            this.maxNmse = maxNmse;
            this.inplace = inplace;
        }

        /** How results are compared with the reference. */
        public Check check() {
            return check;
        }

        /** The NMSE tolerance of {@link Check#NMSE} ops (test-backend-ops' values). */
        public double maxNmse() {
            return maxNmse;
        }

        /** True if the op has an in-place variant. */
        public boolean hasInplace() {
            return inplace;
        }

        boolean binary() {
            return this == ADD || this == SUB || this == MUL || this == DIV;
        }

        /** True if the generated inputs include special values in some cases (all but the matrix products). */
        public boolean takesSpecials() {
            return this != MUL_MAT;
        }

        /** True if the first operand is generated as a permuted view in some cases. */
        public boolean takesViews() {
            return this == CONT || this == CPY_F16 || this == CPY_BF16 || binary();
        }

        /** True for ops that sum along rows (their results with huge finite inputs depend on the order). */
        boolean sums() {
            return this == SUM_ROWS || this == MEAN || this == NORM || this == RMS_NORM || this == SOFT_MAX
                    || this == SOFT_MAX_MASKED || this == MUL_MAT;
        }

        boolean rope() {
            return this == ROPE || this == ROPE_NEOX;
        }

        UnaryOp unaryOp() {
            return switch (this) {
                case ABS -> UnaryOp.ABS;
                case NEG -> UnaryOp.NEG;
                case SGN -> UnaryOp.SGN;
                case STEP -> UnaryOp.STEP;
                case RELU -> UnaryOp.RELU;
                case TANH -> UnaryOp.TANH;
                case ELU -> UnaryOp.ELU;
                case SIGMOID -> UnaryOp.SIGMOID;
                case GELU -> UnaryOp.GELU;
                case GELU_QUICK -> UnaryOp.GELU_QUICK;
                case SILU -> UnaryOp.SILU;
                case HARDSWISH -> UnaryOp.HARDSWISH;
                case HARDSIGMOID -> UnaryOp.HARDSIGMOID;
                case EXP -> UnaryOp.EXP;
                default -> null;
            };
        }
    }

    /** Weight types of the matrix products the contract checks. */
    public static final List<GgmlType> MUL_MAT_TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16,
            GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K,
            GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL);

    /** The inputs of a built case and the node computing it. */
    public record Built(List<Tensor> leaves, List<float[]> values, Tensor node) {
    }

    /** Random cases of the given kinds; at most {@code maxElements} elements per operand. */
    public static Arbitrary<OpCase> cases(Collection<Kind> kinds, long maxElements) {
        return Arbitraries.of(List.copyOf(kinds)).flatMap(k -> cases(k, maxElements));
    }

    /** Random cases of one kind. */
    public static Arbitrary<OpCase> cases(Kind kind, long maxElements) {
        Arbitrary<Long> seeds = Arbitraries.longs();
        if (kind == Kind.MUL_MAT) {
            return Arbitraries.of(MUL_MAT_TYPES).flatMap(t -> Combinators.combine(
                    t.blockSize() == 1 ? TensorArbitraries.awkwardSizes().filter(k -> k <= 300)
                            : TensorArbitraries.rowLengths(t, t.blockSize() == 256 ? 4 : 10),
                    Arbitraries.of(1, 2, 3, 5, 8, 17), Arbitraries.of(1, 2, 3, 5, 16), Arbitraries.of(1, 2), seeds)
                    .as((k, m, n, batch, seed) -> new OpCase(kind, t, new long[] {k, m, batch, 1},
                            new long[] {k, n, batch, 1}, identity(), Fill.UNIFORM, seed)));
        }
        Arbitrary<Fill> fills = TensorArbitraries.fills();
        if (kind.rope()) {
            return Combinators.combine(Arbitraries.of(2L, 8L, 64L, 66L, 128L), Arbitraries.of(1L, 3L, 8L),
                    Arbitraries.of(1L, 5L, 16L), TensorArbitraries.floatTypes().filter(t -> t != GgmlType.BF16), fills,
                    seeds).as((hd, heads, tokens, t, fill, seed) -> new OpCase(kind, t,
                            new long[] {hd, heads, tokens, 1}, null, identity(), fill, seed));
        }
        Arbitrary<long[]> shapes = TensorArbitraries.shapes(maxElements);
        // element-wise ggml ops other than arithmetic need rows laid out contiguously above dimension 1
        Arbitrary<int[]> perms = kind.takesViews() ? TensorArbitraries.rowPreservingPermutations()
                : Arbitraries.just(identity());
        return Combinators.combine(shapes, perms, fills, seeds).flatAs((ne, perm, fill, seed) -> {
            Arbitrary<long[]> second = kind.binary() ? TensorArbitraries.broadcastShapesOf(ne)
                    : kind == Kind.SOFT_MAX_MASKED ? Arbitraries.of(0L, 1L, 3L).map(extra -> new long[] {ne[0],
                        ne[1] + extra, 1, 1})
                    : Arbitraries.just((long[]) null);
            return second.map(b -> new OpCase(kind, GgmlType.F32, ne, b, perm, fill, seed));
        });
    }

    /**
     * Fixed cases of {@code kind} on awkward shapes: rows of 257 (rope: 66) elements with special values where the
     * op is exact, and for matrix products one case per weight type with 3 blocks per row.
     */
    public static List<OpCase> awkward(Kind kind) {
        if (kind == Kind.MUL_MAT) {
            return MUL_MAT_TYPES.stream().map(t -> new OpCase(kind, t, new long[] {3L * t.blockSize(), 5, 2, 1},
                    new long[] {3L * t.blockSize(), 3, 2, 1}, identity(), Fill.UNIFORM, 11)).toList();
        }
        if (kind.rope()) {
            return List.of(new OpCase(kind, GgmlType.F32, new long[] {66, 3, 5, 1}, null, identity(), Fill.UNIFORM,
                    11));
        }
        long[] ne = {257, 3, 2, 1};
        long[] neB = kind.binary() ? new long[] {257, 1, 2, 1}
                : kind == Kind.SOFT_MAX_MASKED ? new long[] {257, 4, 1, 1} : null;
        Fill fill = kind.check == Check.EXACT ? Fill.WITH_SPECIALS : Fill.UNIFORM;
        return List.of(new OpCase(kind, GgmlType.F32, ne, neB, identity(), fill, 11));
    }

    /** The identity permutation (no view). */
    static int[] identity() {
        return new int[] {0, 1, 2, 3};
    }

    /** True if the first operand is seen through a permuted view. */
    public boolean permuted() {
        return !Arrays.equals(permute, identity());
    }

    /** Elements of the result. */
    public long outputElements() {
        return switch (kind) {
            case SUM_ROWS, MEAN -> ne[1] * ne[2] * ne[3];
            case MUL_MAT -> ne[1] * neB[1] * neB[2] * neB[3];
            default -> ne[0] * ne[1] * ne[2] * ne[3];
        };
    }

    /** Creates the inputs (unfilled) and the node in {@code ctx}; {@code inplace} uses the op's in-place variant. */
    public Built build(Context ctx, boolean inplace) {
        if (inplace && !kind.inplace) {
            throw new IllegalArgumentException(kind + " has no in-place variant");
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Tensor> leaves = new java.util.ArrayList<>();
        List<float[]> values = new java.util.ArrayList<>();
        Tensor a = operandA(ctx, r, leaves, values);
        Tensor node = switch (kind) {
            case ABS, NEG, SGN, STEP, RELU, TANH, ELU, SIGMOID, GELU, GELU_QUICK, SILU, HARDSWISH, HARDSIGMOID, EXP ->
                    inplace ? ctx.unaryInplace(a, kind.unaryOp()) : ctx.unary(a, kind.unaryOp());
            case SQR -> inplace ? ctx.sqrInplace(a) : ctx.sqr(a);
            case SQRT -> inplace ? ctx.sqrtInplace(a) : ctx.sqrt(a);
            case LOG -> inplace ? ctx.logInplace(a) : ctx.log(a);
            case SIN -> inplace ? ctx.sinInplace(a) : ctx.sin(a);
            case COS -> inplace ? ctx.cosInplace(a) : ctx.cos(a);
            case SCALE -> inplace ? ctx.scaleInplace(a, 0.37f) : ctx.scale(a, 0.37f);
            case CLAMP -> ctx.clamp(a, -0.75f, 1.1f);
            case LEAKY_RELU -> ctx.leakyRelu(a, 0.1f, inplace);
            case ADD, SUB, MUL, DIV -> {
                Tensor b = leaf(ctx, GgmlType.F32, neB, "b", r, leaves, values, kind.lo, kind.hi);
                yield switch (kind) {
                    case ADD -> inplace ? ctx.addInplace(a, b) : ctx.add(a, b);
                    case SUB -> inplace ? ctx.subInplace(a, b) : ctx.sub(a, b);
                    case MUL -> inplace ? ctx.mulInplace(a, b) : ctx.mul(a, b);
                    default -> inplace ? ctx.divInplace(a, b) : ctx.div(a, b);
                };
            }
            case SUM_ROWS -> ctx.sumRows(a);
            case MEAN -> ctx.mean(a);
            case NORM -> inplace ? ctx.normInplace(a, 1e-5f) : ctx.norm(a, 1e-5f);
            case RMS_NORM -> inplace ? ctx.rmsNormInplace(a, 1e-6f) : ctx.rmsNorm(a, 1e-6f);
            case SOFT_MAX -> inplace ? ctx.softMaxInplace(a) : ctx.softMax(a);
            case SOFT_MAX_MASKED -> {
                Tensor mask = leaf(ctx, r.nextBoolean() ? GgmlType.F16 : GgmlType.F32, neB, "mask", r, leaves, values,
                        -1, 1);
                yield ctx.softMaxExt(a, mask, 0.125f + r.nextFloat(), r.nextBoolean() ? 0f : 8f);
            }
            case ROPE, ROPE_NEOX -> {
                Tensor pos = ctx.newTensor1d(GgmlType.I32, ne[2]).setName("pos");
                float[] p = new float[(int) ne[2]];
                for (int i = 0; i < p.length; i++) {
                    p[i] = r.nextInt(3000);
                }
                leaves.add(pos);
                values.add(p);
                int mode = kind == Kind.ROPE ? Context.ROPE_TYPE_NORMAL : Context.ROPE_TYPE_NEOX;
                int nDims = (int) (ne[0] >= 64 ? ne[0] - (r.nextBoolean() ? 0 : 32) : ne[0]);
                yield inplace
                        ? ctx.ropeExtInplace(a, pos, null, nDims, mode, 4096, 10000f, 1f, 0f, 1f, 32f, 1f)
                        : ctx.ropeExt(a, pos, null, nDims, mode, 4096, 10000f, 1f, 0f, 1f, 32f, 1f);
            }
            case CPY_F16 -> ctx.cpy(a, ctx.newTensor(GgmlType.F16, a.shape()));
            case CPY_BF16 -> ctx.cpy(a, ctx.newTensor(GgmlType.BF16, a.shape()));
            case CONT -> ctx.cont(a);
            case MUL_MAT -> ctx.mulMat(a, leaf(ctx, GgmlType.F32, neB, "b", r, leaves, values, -1, 1));
        };
        return new Built(leaves, values, node.setName("out"));
    }

    /** The first operand: a leaf (of the permuted-back shape) seen through {@link #permute}. */
    private Tensor operandA(Context ctx, SplittableRandom r, List<Tensor> leaves, List<float[]> values) {
        // the leaf holds the dimensions in storage order; permuting it gives the logical shape ne
        long[] stored = new long[4];
        for (int d = 0; d < 4; d++) {
            stored[d] = ne[permute[d]];
        }
        Tensor leaf = leaf(ctx, type, stored, "a", r, leaves, values, kind.lo, kind.hi);
        return permuted() ? ctx.permute(leaf, permute[0], permute[1], permute[2], permute[3]) : leaf;
    }

    private Tensor leaf(Context ctx, GgmlType t, long[] shape, String name, SplittableRandom r, List<Tensor> leaves,
                        List<float[]> values, float lo, float hi) {
        Tensor x = ctx.newTensor(t, shape).setName(name).setInput();
        long n = x.nelements();
        leaves.add(x);
        Fill f = fill == Fill.WITH_SPECIALS && kind.sums() ? Fill.WITH_SPECIALS_NOT_HUGE : fill;
        values.add(TensorArbitraries.fill(r.nextLong(), (int) n, lo, hi, f));
        return x;
    }

    /** True if this case's result has enough elements that executors split it over threads. */
    public boolean splitsOverThreads() {
        return outputElements() >= 4096 || kind == Kind.MUL_MAT;
    }

    @Override
    public String toString() {
        return kind + "(type=" + type + ", ne=" + Arrays.toString(ne) + (neB == null ? "" : ", b="
                + Arrays.toString(neB)) + (permuted() ? ", permute=" + Arrays.toString(permute) : "") + ", fill=" + fill + ", seed=" + seed + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpCase c && kind == c.kind && type == c.type && Arrays.equals(ne, c.ne)
                && Arrays.equals(neB, c.neB) && Arrays.equals(permute, c.permute) && fill == c.fill && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, type, Arrays.hashCode(ne), Arrays.hashCode(neB), Arrays.hashCode(permute),
                fill, seed);
    }
}
