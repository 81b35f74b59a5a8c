package io.ggmljava.testdata.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ggmljava.alloc.Allocation;
import io.ggmljava.alloc.Buffer;
import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.MemoryPlan;
import io.ggmljava.alloc.PlanOptions;
import io.ggmljava.alloc.Planner;
import io.ggmljava.alloc.Usage;
import io.ggmljava.core.Tensor;
import io.ggmljava.testdata.arbitraries.GraphArbitraries;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.Dag;
import io.ggmljava.testdata.arbitraries.GraphArbitraries.DagSpec;
import io.ggmljava.testdata.arbitraries.TensorArbitraries;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
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
 * What every {@link BufferType} must guarantee. Implement it once per buffer type:
 *
 * <pre>{@code
 * class MyBufferTypeProperties implements BufferTypeContract {
 *     public BufferType bufferType() { return new MyBufferType(); }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A buffer has exactly the size asked for, its type and usage; with memory, its segment holds at least that
 *       many bytes, starts at an address aligned to {@link BufferType#alignment()}, can be read at both ends (and
 *       written, unless {@link #writable()} is false), and buffers alive together never overlap.</li>
 *   <li>Closing a buffer releases its memory (the segment is no longer alive), unless {@link #releasesOnClose()}
 *       says the garbage collector does it; closing twice is harmless.</li>
 *   <li>Negative sizes and sizes above {@link BufferType#maxSize()} are refused with an
 *       {@link IllegalArgumentException} (or the allocator's own exception) naming the size.</li>
 *   <li>Measured equals allocated: a random graph planned for this type and allocated with
 *       {@link BufferTypes#measuring(BufferType)} asks for exactly the bytes it then gets from this type, and every
 *       tensor lands inside its buffer.</li>
 * </ul>
 */
public interface BufferTypeContract {
    /** The buffer type under test. */
    BufferType bufferType();

    /** False for read-only types (file mappings): the write checks and the graph allocation are skipped. */
    default boolean writable() {
        return true;
    }

    /** False if closing a buffer leaves the release to the garbage collector (an automatic arena). */
    default boolean releasesOnClose() {
        return true;
    }

    /** The usages the type accepts (a read-only mapping refuses {@link Usage#COMPUTE}). */
    default Set<Usage> usages() {
        return EnumSet.allOf(Usage.class);
    }

    @Provide
    default Arbitrary<Usage> acceptedUsages() {
        return Arbitraries.of(usages());
    }

    /** The largest buffer the properties ask for. */
    default long maxTestSize() {
        return 1L << 20;
    }

    @Provide
    default Arbitrary<Long> bufferSizes() {
        long max = Math.min(maxTestSize(), bufferType().maxSize());
        return Arbitraries.oneOf(TensorArbitraries.awkwardSizes().map(Integer::longValue),
                Arbitraries.longs().between(0, max)).filter(s -> s <= max);
    }

    @Property(seed = Contracts.SEED)
    default void buffersHaveTheRequestedSizeAndAlignment(@ForAll("bufferSizes") long size,
                                                         @ForAll("acceptedUsages") Usage usage) {
        BufferType type = bufferType();
        Buffer b = type.allocate(size, usage);
        MemorySegment seg;
        try {
            assertEquals(size, b.size(), "size()");
            assertTrue(b.usage() == usage, "usage() is " + b.usage() + ", asked for " + usage);
            assertTrue(b.type() == type, "type() is " + b.type() + ", not the type that made it");
            assertTrue(b.hasMemory() == type.hasMemory(), "buffer hasMemory() " + b.hasMemory() + ", type "
                    + type.hasMemory());
            seg = b.segment();
            if (!b.hasMemory()) {
                return;
            }
            assertTrue(seg.byteSize() >= size, "segment holds " + seg.byteSize() + " bytes, asked for " + size);
            assertEquals(0, seg.address() % type.alignment(), "segment address mod alignment " + type.alignment());
            if (size > 0) {
                seg.get(ValueLayout.JAVA_BYTE, 0);
                seg.get(ValueLayout.JAVA_BYTE, size - 1);
                if (writable()) {
                    seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x5A);
                    assertEquals(0x5A, seg.get(ValueLayout.JAVA_BYTE, 0) & 0xFF, "byte 0 read back");
                    seg.set(ValueLayout.JAVA_BYTE, size - 1, (byte) 0xA5);
                    assertEquals(0xA5, seg.get(ValueLayout.JAVA_BYTE, size - 1) & 0xFF, "last byte read back");
                }
            }
        } finally {
            b.close();
        }
        b.close(); // twice is harmless
        if (releasesOnClose() && size > 0) {
            assertTrue(!seg.scope().isAlive(), "memory of a closed buffer is still alive");
        }
        Statistics.label("size").collect(size == 0 ? "0" : size < 64 ? "< 64" : size < 4096 ? "< 4 KiB" : "larger");
        Statistics.label("size").coverage(c -> c.check("< 64").count(n -> n > 0));
    }

    @Property(seed = Contracts.SEED)
    default void liveBuffersNeverOverlap(@ForAll("bufferSizes") long a, @ForAll("bufferSizes") long b,
                                         @ForAll("bufferSizes") long c) {
        if (!bufferType().hasMemory()) {
            return;
        }
        List<Buffer> live = new ArrayList<>();
        try {
            for (long s : new long[] {a, b, c}) {
                live.add(bufferType().allocate(s, usages().iterator().next()));
            }
            for (int i = 0; i < live.size(); i++) {
                for (int j = i + 1; j < live.size(); j++) {
                    MemorySegment x = live.get(i).segment();
                    MemorySegment y = live.get(j).segment();
                    long xs = live.get(i).size();
                    long ys = live.get(j).size();
                    boolean disjoint = xs == 0 || ys == 0 || x.address() + xs <= y.address()
                            || y.address() + ys <= x.address();
                    assertTrue(disjoint, "buffers " + i + " (" + xs + " B at 0x"
                            + Long.toHexString(x.address()) + ") and " + j + " (" + ys + " B at 0x"
                            + Long.toHexString(y.address()) + ") overlap");
                }
            }
        } finally {
            live.forEach(Buffer::close);
        }
    }

    @Example
    default void invalidSizesAreRefused() {
        requireRefused(-1);
        requireRefused(Long.MIN_VALUE);
        if (bufferType().maxSize() < Long.MAX_VALUE) {
            requireRefused(bufferType().maxSize() + 1);
        }
    }

    @Provide
    default Arbitrary<DagSpec> dags() {
        return GraphArbitraries.dags(60);
    }

    @Property(seed = Contracts.SEED, tries = 60)
    default void measuredEqualsAllocated(@ForAll("dags") DagSpec spec) {
        BufferType type = bufferType();
        if (!writable() || !type.hasMemory()) {
            return;
        }
        Dag dag = spec.build();
        try (Arena user = Arena.ofConfined()) {
            for (Tensor t : dag.preallocate()) {
                t.bind(user.allocate(t.nbytes(), 32));
            }
            MemoryPlan plan = Planner.best().plan(dag.graph(),
                    PlanOptions.defaults().withBufferType(type).withThreads(2));
            long measured;
            try (Allocation m = plan.allocate(BufferTypes.measuring(type))) {
                measured = m.allocatedBytes();
            }
            try (Allocation real = plan.allocate(type)) {
                assertEquals(measured, real.allocatedBytes(), "allocated bytes, against the measured ones");
                assertEquals(plan.totalBytes(), real.allocatedBytes(), "allocated bytes, against the planned ones");
                for (Tensor t : plan.placedTensors()) {
                    Buffer buf = real.buffer(plan.bufferOf(t));
                    long start = t.data().address() - buf.segment().address();
                    assertTrue(start >= 0 && start + t.nbytes() <= buf.size(), "tensor '" + t.name() + "' at "
                            + start + " (+" + t.nbytes() + " B) is outside its buffer of " + buf.size() + " B");
                }
            }
        }
    }

    private void requireRefused(long size) {
        try {
            Buffer b = bufferType().allocate(size, usages().iterator().next());
            b.close();
        } catch (IllegalArgumentException | io.ggmljava.alloc.AllocationException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(Long.toString(size)),
                    "the refusal of size " + size + " does not name it: " + e.getMessage());
            return;
        }
        throw new AssertionError(bufferType().name() + " accepted a buffer of " + size + " bytes");
    }
}
