package io.ggmljava.testdata.selftest;

import io.ggmljava.alloc.Buffer;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.Lifetimes;
import io.ggmljava.alloc.PlacementStrategy;
import io.ggmljava.alloc.Planner;
import io.ggmljava.alloc.Usage;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnaryOp;
import io.ggmljava.ops.BinaryKernels;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.Layouts;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.ops.UnaryKernels;
import io.ggmljava.testdata.contracts.ForwardingKernelProvider;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/**
 * Deliberately wrong kernels, planners, buffer types and quantizers for the kit's self-test. Each has one realistic
 * defect; {@link ContractSelfTest} checks that the contracts catch it.
 */
final class WrongSubjects {
    private WrongSubjects() {
    }

    /** Binary kernels that process whole groups of 8 elements and forget the rest (a missing tail loop). */
    static KernelProvider tailDropping() {
        BinaryKernels base = KernelProvider.scalar().binary();
        BinaryKernels wrong = new BinaryKernels() {
            @Override
            public void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y,
                              long yOff, int n) {
                base.apply(op, a, aOff, b, bOff, y, yOff, n < 8 ? n : n - n % 8);
            }

            @Override
            public void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff,
                                    int n) {
                base.applyScalar(op, a, aOff, b, y, yOff, n < 8 ? n : n - n % 8);
            }
        };
        return new ForwardingKernelProvider("tail-dropping", KernelProvider.scalar()) {
            @Override
            public BinaryKernels binary() {
                return wrong;
            }
        };
    }

    /** ABS as {@code x < 0 ? -x : x}, which keeps -0 (ggml's fabsf gives +0). */
    static KernelProvider signedZeroAbs() {
        return withUnary("signed-zero-abs", UnaryOp.ABS, x -> x < 0 ? -x : x);
    }

    /** RELU as {@code max(x, 0)}, which lets NaN through (ggml's {@code x > 0 ? x : 0} gives 0). */
    static KernelProvider nanPropagatingRelu() {
        return withUnary("nan-relu", UnaryOp.RELU, x -> Math.max(x, 0f));
    }

    private interface FloatOp {
        float apply(float x);
    }

    private static KernelProvider withUnary(String name, UnaryOp op, FloatOp f) {
        UnaryKernels base = KernelProvider.scalar().unary();
        // forward every method, replacing unary(op, ...) for one op
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("unary") && args[0] == op) {
                MemorySegment x = (MemorySegment) args[1];
                long xOff = (long) args[2];
                MemorySegment y = (MemorySegment) args[3];
                long yOff = (long) args[4];
                int n = (int) args[5];
                for (int i = 0; i < n; i++) {
                    y.set(Layouts.F32, yOff + 4L * i, f.apply(x.get(Layouts.F32, xOff + 4L * i)));
                }
                return null;
            }
            return m.invoke(base, args);
        };
        UnaryKernels wrong = (UnaryKernels) Proxy.newProxyInstance(UnaryKernels.class.getClassLoader(),
                new Class<?>[] {UnaryKernels.class}, h);
        return new ForwardingKernelProvider(name, KernelProvider.scalar()) {
            @Override
            public UnaryKernels unary() {
                return wrong;
            }
        };
    }

    /** A planner that puts every tensor at offset 0, with the planner's own overlap check switched off. */
    static Planner overlapping() {
        return Planner.trusting(new PlacementStrategy() {
            @Override
            public String name() {
                return "all-at-zero";
            }

            @Override
            public long[] place(Lifetimes table) {
                return new long[table.unitCount()];
            }
        });
    }

    /** An arena buffer type that hands out segments 8 bytes past an aligned address. */
    static BufferType misaligned() {
        return new BufferType() {
            @Override
            public String name() {
                return "misaligned";
            }

            @Override
            public long alignment() {
                return 32;
            }

            @Override
            public Buffer allocate(long size, Usage usage) {
                if (size < 0) {
                    throw new IllegalArgumentException("misaligned: negative size " + size);
                }
                Arena arena = Arena.ofShared();
                MemorySegment seg = arena.allocate(size + 8, 32).asSlice(8, size);
                return Buffer.of(this, seg, arena, usage);
            }
        };
    }

    /** q8_0 quantization that truncates instead of rounding: the first quant of every block is off by one. */
    static QuantKernels truncatingQ8() {
        QuantKernels base = KernelProvider.scalar().quant();
        InvocationHandler h = (proxy, m, args) -> {
            Object r = m.invoke(base, args);
            if (m.getName().equals("quantizeRow") && args[0] == GgmlType.Q8_0) {
                MemorySegment dst = (MemorySegment) args[3];
                long dstOff = (long) args[4];
                long blocks = (long) args[5] / 32;
                for (long b = 0; b < blocks; b++) {
                    long at = dstOff + b * 34 + 2;
                    byte q = dst.get(ValueLayout.JAVA_BYTE, at);
                    dst.set(ValueLayout.JAVA_BYTE, at, (byte) (q > 0 ? q - 1 : q < 0 ? q + 1 : q));
                }
            }
            return r;
        };
        return (QuantKernels) Proxy.newProxyInstance(QuantKernels.class.getClassLoader(),
                new Class<?>[] {QuantKernels.class}, h);
    }
}
