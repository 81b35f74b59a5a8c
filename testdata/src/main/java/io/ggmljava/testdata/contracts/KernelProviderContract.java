package io.ggmljava.testdata.contracts;

import io.ggmljava.core.GgmlType;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.testdata.arbitraries.TensorArbitraries.Fill;
import io.ggmljava.testdata.contracts.OpCase.Check;
import io.ggmljava.testdata.contracts.OpCase.Kind;
import io.ggmljava.testdata.golden.Nmse;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * What every {@link KernelProvider} must guarantee, checked by computing random {@link OpCase}s through the graph
 * executor: on shapes around vector lane counts and block sizes, on permuted (strided) views, and on inputs that
 * hold -0, subnormals, ±inf and NaN. Implement it once per provider:
 *
 * <pre>{@code
 * class MyProviderProperties implements KernelProviderContract {
 *     public KernelProvider provider() { return new MyProvider(); }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Agreement with the scalar reference ({@link #reference()}): ops marked {@link Check#EXACT} (sign and
 *       comparison ops, arithmetic, copies, conversions) must give the same bits, -0 and NaN included; the others
 *       (transcendental functions, reductions, normalisation, softmax, rope, matrix products) must match every
 *       non-finite value exactly and stay within the op's NMSE tolerance ({@link Kind#maxNmse()}) elsewhere.</li>
 *   <li>In place equals out of place, bit for bit.</li>
 *   <li>Results do not depend on the number of threads (2 to 4 against 1), bit for bit.</li>
 * </ul>
 *
 * <p>A provider that implements only some ops narrows {@link #kinds()}. Run deeper with
 * {@code -Djqwik.tries.default=N} (see the README).
 */
public interface KernelProviderContract {
    /** The provider under test. */
    KernelProvider provider();

    /** The provider the results must agree with; the scalar reference kernels. */
    default KernelProvider reference() {
        return KernelProvider.scalar();
    }

    /** The ops to check; all of them unless the provider implements fewer. */
    default Set<Kind> kinds() {
        return EnumSet.allOf(Kind.class);
    }

    /** The most elements per operand of a generated case. */
    default long maxElements() {
        return 6000;
    }

    @Provide
    default Arbitrary<OpCase> opCases() {
        return OpCase.cases(kinds(), maxElements());
    }

    /** Cases of the kinds with an in-place variant; a single null if none of {@link #kinds()} has one. */
    @Provide
    default Arbitrary<OpCase> inplaceOpCases() {
        List<Kind> kinds = kinds().stream().filter(Kind::hasInplace).toList();
        return kinds.isEmpty() ? Arbitraries.just(null) : OpCase.cases(kinds, maxElements());
    }

    /** Cases big enough that the executor splits them over threads. */
    @Provide
    default Arbitrary<OpCase> parallelOpCases() {
        return opCases().filter(OpCase::splitsOverThreads);
    }

    @Property(seed = Contracts.SEED)
    default void agreesWithTheReference(@ForAll("opCases") OpCase c) {
        requireAgreementWithTheReference(c);
        // coverage, each among the cases that can show it (so that a provider checking a few ops is judged fairly)
        long units = c.ne()[0] / c.type().blockSize(); // elements, or blocks of a quantized row
        Statistics.label("row % 16").collect(units % 16 == 0 ? "whole vectors" : "tail");
        Statistics.label("row % 16").coverage(cov -> cov.check("tail").percentage(p -> p >= 25));
        Set<Kind> kinds = kinds();
        if (c.kind().takesSpecials()) {
            Statistics.label("special values").collect(c.fill() == Fill.UNIFORM ? "none" : "some");
        }
        if (kinds.stream().anyMatch(Kind::takesSpecials)) {
            Statistics.label("special values").coverage(cov -> cov.check("some").percentage(p -> p >= 25));
        }
        if (c.kind().takesViews()) {
            Statistics.label("view").collect(c.permuted() ? "permuted" : "contiguous");
        }
        if (kinds.stream().anyMatch(Kind::takesViews)) {
            Statistics.label("view").coverage(cov -> cov.check("permuted").percentage(p -> p >= 50));
        }
        if (c.kind() == Kind.MUL_MAT) {
            Statistics.label("weights").collect(c.type().isQuantized() ? "quantized" : "float");
        }
    }

    @Property(seed = Contracts.SEED)
    default void inplaceEqualsOutOfPlace(@ForAll("inplaceOpCases") OpCase c) {
        if (c == null) {
            return; // no op under test has an in-place variant
        }
        OpRunner.Result out = OpRunner.run(c, provider(), 1, false);
        OpRunner.Result in = OpRunner.run(c, provider(), 1, true);
        requireSameBits(c, "in place", in, "out of place", out);
        Statistics.label("special values").collect(c.fill() == Fill.UNIFORM ? "none" : "some");
    }

    @Property(seed = Contracts.SEED)
    default void threadCountDoesNotChangeResults(@ForAll("parallelOpCases") OpCase c) {
        OpRunner.Result one = OpRunner.run(c, provider(), 1, false);
        int threads = 2 + (int) Math.floorMod(c.seed(), 3);
        OpRunner.Result many = OpRunner.run(c, provider(), threads, false);
        requireSameBits(c, threads + " threads", many, "1 thread", one);
        Statistics.label("threads").collect(threads);
    }

    /** Regression: every special value at every position of a short row with a tail, through the sign ops. */
    @Example
    default void signOpsHandleEverySpecialValue() {
        for (Kind k : new Kind[] {Kind.ABS, Kind.NEG, Kind.SGN, Kind.STEP, Kind.RELU, Kind.SQR, Kind.SCALE,
            Kind.CLAMP, Kind.LEAKY_RELU}) {
            if (!kinds().contains(k)) {
                continue;
            }
            for (long seed = 0; seed < 8; seed++) {
                OpCase c = new OpCase(k, GgmlType.F32, new long[] {37, 3, 1, 1}, null, OpCase.identity(),
                        Fill.WITH_SPECIALS, seed);
                requireAgreementWithTheReference(c);
            }
        }
    }

    /** Every op once, on a shape with a tail and (for element-wise ops) special values, whatever the seed draws. */
    @Example
    default void everyOpOnAnAwkwardShape() {
        for (Kind k : kinds()) {
            for (OpCase c : OpCase.awkward(k)) {
                requireAgreementWithTheReference(c);
            }
        }
    }

    /**
     * Regression: the Vector API's own exp gave different bits before and after the JIT compiled the loop, so in
     * place and out of place (run one after the other) disagreed in the last bit.
     */
    @Example
    default void transcendentalsGiveTheSameBitsEveryTime() {
        for (Kind k : new Kind[] {Kind.SIGMOID, Kind.EXP, Kind.TANH, Kind.ELU, Kind.LOG, Kind.SILU}) {
            if (!kinds().contains(k)) {
                continue;
            }
            OpCase c = new OpCase(k, GgmlType.F32, new long[] {1021, 1, 3, 1}, null, OpCase.identity(),
                    k == Kind.LOG ? Fill.UNIFORM : Fill.WITH_SPECIALS, -5348976177028606729L);
            OpRunner.Result first = OpRunner.run(c, provider(), 1, false);
            for (int i = 0; i < 20; i++) {
                requireSameBits(c, "run " + (i + 2), OpRunner.run(c, provider(), 1, i % 2 == 0), "run 1", first);
            }
        }
    }

    /** Regression: a row of 33 elements, one past a whole number of 256-bit and 512-bit vectors. */
    @Example
    default void oneElementPastWholeVectors() {
        for (Kind k : new Kind[] {Kind.ADD, Kind.MUL, Kind.SILU, Kind.SOFT_MAX, Kind.RMS_NORM, Kind.CPY_F16}) {
            if (kinds().contains(k)) {
                OpCase c = new OpCase(k, GgmlType.F32, new long[] {33, 2, 1, 1}, k == Kind.ADD || k == Kind.MUL
                        ? new long[] {33, 1, 1, 1} : null, OpCase.identity(), Fill.UNIFORM, 7);
                requireAgreementWithTheReference(c);
            }
        }
    }

    /** Computes {@code c} with the provider and the reference (one thread each) and requires agreement. */
    private void requireAgreementWithTheReference(OpCase c) {
        requireAgreement(c, OpRunner.run(c, provider(), 1, false), OpRunner.run(c, reference(), 1, false));
    }

    /** Fails with a message naming the case unless {@code ours} agrees with {@code ref} under {@code c}'s check. */
    private static void requireAgreement(OpCase c, OpRunner.Result ours, OpRunner.Result ref) {
        if (c.kind().check() == Check.EXACT) {
            requireSameBits(c, "provider", ours, "reference", ref);
            return;
        }
        Nmse.Result r = Nmse.compare(ours.values(), ref.values(), c.kind().maxNmse());
        if (!r.passed()) {
            throw new AssertionError(c + ": differs from the reference: " + r.problem() + "; worst elements "
                    + r.worst());
        }
    }

    /** Fails unless both results hold the same bits (so -0 differs from +0; any NaN matches any NaN). */
    private static void requireSameBits(OpCase c, String what, OpRunner.Result x, String otherWhat, OpRunner.Result y) {
        long[] a = x.bits();
        long[] b = y.bits();
        if (a.length != b.length) {
            throw new AssertionError(c + ": " + what + " gives " + a.length + " elements, " + otherWhat + " "
                    + b.length);
        }
        int diffs = 0;
        int first = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && !(isNaN(x.type(), a[i]) && isNaN(y.type(), b[i]))) {
                diffs++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (diffs > 0) {
            throw new AssertionError(c + ": " + what + " and " + otherWhat + " differ in " + diffs + " of " + a.length
                    + " elements; first at [" + first + "]: " + what + " " + x.values()[first] + " (0x"
                    + Long.toHexString(a[first]) + "), " + otherWhat + " " + y.values()[first] + " (0x"
                    + Long.toHexString(b[first]) + ")");
        }
    }

    private static boolean isNaN(GgmlType type, long bits) {
        return switch (type) {
            case F32 -> Float.isNaN(Float.intBitsToFloat((int) bits));
            case F16 -> (bits & 0x7C00) == 0x7C00 && (bits & 0x03FF) != 0;
            case BF16 -> (bits & 0x7F80) == 0x7F80 && (bits & 0x007F) != 0;
            default -> false;
        };
    }
}
