package io.ggmljava.testdata.readme;

import io.ggmljava.ops.BinaryKernels;
import io.ggmljava.ops.KernelProvider;
import io.ggmljava.testdata.contracts.ForwardingKernelProvider;
import io.ggmljava.testdata.contracts.KernelProviderContract;
import io.ggmljava.testdata.contracts.OpCase.Kind;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/** My own ADD/SUB/MUL/DIV kernels, checked by the kit's kernel contract. */
class MyBinaryKernelsProperties implements KernelProviderContract {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final class MyBinaryKernels implements BinaryKernels {
        @Override
        public void apply(BinaryOp op, MemorySegment a, long aOff, MemorySegment b, long bOff,
                          MemorySegment y, long yOff, int n) {
            for (int i = 0; i < n; i++) {
                float x = a.get(F32, aOff + 4L * i);
                float z = b.get(F32, bOff + 4L * i);
                y.set(F32, yOff + 4L * i, switch (op) {
                    case ADD -> x + z;
                    case SUB -> x - z;
                    case MUL -> x * z;
                    case DIV -> x / z;
                });
            }
        }

        @Override
        public void applyScalar(BinaryOp op, MemorySegment a, long aOff, float b, MemorySegment y, long yOff,
                                int n) {
            KernelProvider.scalar().binary().applyScalar(op, a, aOff, b, y, yOff, n);
        }
    }

    @Override
    public KernelProvider provider() {        // the scalar provider with my binary kernels in place
        return new ForwardingKernelProvider("mine", KernelProvider.scalar()) {
            @Override
            public BinaryKernels binary() {
                return new MyBinaryKernels();
            }
        };
    }

    @Override
    public Set<Kind> kinds() {                // check only the ops I wrote
        return EnumSet.of(Kind.ADD, Kind.SUB, Kind.MUL, Kind.DIV);
    }
}
