package io.ggmljava.testdata.selftest;

import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.Planner;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.ops.QuantKernels;
import io.ggmljava.testdata.contracts.BufferTypeContract;
import io.ggmljava.testdata.contracts.KernelProviderContract;
import io.ggmljava.testdata.contracts.OpCase.Kind;
import io.ggmljava.testdata.contracts.PlannerContract;
import io.ggmljava.testdata.contracts.QuantizationContract;
import java.util.EnumSet;
import java.util.Set;

/**
 * The contracts implemented for the {@link WrongSubjects}, and for correct providers that check only a few ops.
 * Their names match none of Surefire's test patterns, so only {@link ContractSelfTest} runs them (through the JUnit
 * Platform launcher): the wrong ones must fail, the narrow correct ones must pass.
 */
final class Subjects {
    private Subjects() {
    }

    static class TailDroppingKernels implements KernelProviderContract {
        @Override
        public KernelProvider provider() {
            return WrongSubjects.tailDropping();
        }

        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.ADD, Kind.SUB, Kind.MUL, Kind.DIV);
        }
    }

    static class SignedZeroAbsKernels implements KernelProviderContract {
        @Override
        public KernelProvider provider() {
            return WrongSubjects.signedZeroAbs();
        }

        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.ABS);
        }
    }

    static class NanPropagatingReluKernels implements KernelProviderContract {
        @Override
        public KernelProvider provider() {
            return WrongSubjects.nanPropagatingRelu();
        }

        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.RELU);
        }
    }

    /** Correct vector kernels (256 bits) checked for a few ops only: the contract must pass, coverage included. */
    abstract static class CorrectButNarrow implements KernelProviderContract {
        @Override
        public KernelProvider provider() {
            return KernelProvider.vector(256);
        }
    }

    static class OnlyMatMul extends CorrectButNarrow {
        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.MUL_MAT);
        }
    }

    static class OnlyAbsAndRelu extends CorrectButNarrow {
        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.ABS, Kind.RELU);
        }
    }

    static class OnlyRope extends CorrectButNarrow {
        @Override
        public Set<Kind> kinds() {
            return EnumSet.of(Kind.ROPE, Kind.ROPE_NEOX);
        }
    }

    static class OverlappingPlanner implements PlannerContract {
        @Override
        public Planner planner() {
            return WrongSubjects.overlapping();
        }
    }

    static class MisalignedBufferType implements BufferTypeContract {
        @Override
        public BufferType bufferType() {
            return WrongSubjects.misaligned();
        }
    }

    static class TruncatingQuantizer implements QuantizationContract {
        @Override
        public QuantKernels kernels() {
            return WrongSubjects.truncatingQ8();
        }
    }
}
