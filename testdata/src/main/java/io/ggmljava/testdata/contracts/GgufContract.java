package io.ggmljava.testdata.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufType;
import io.ggmljava.core.gguf.GgufValue;
import io.ggmljava.core.gguf.GgufWriter;
import io.ggmljava.testdata.arbitraries.GgufArbitraries;
import io.ggmljava.testdata.arbitraries.GgufArbitraries.TensorSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SequencedMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * GGUF round trips: random metadata (every value type, nested arrays, Unicode keys and strings, any alignment) and
 * tensors of every storable type, written and read back, give the same KVs in the same order, the same tensor
 * names, types, shapes, aligned offsets and bytes, and rewriting what was read reproduces the file byte for byte.
 *
 * <p>The defaults write with {@link GgufWriter} to bytes and read with {@link GgufFile#read}; override
 * {@link #write} or {@link #read} to check another path (a file and its mapping, another writer or reader):
 *
 * <pre>{@code
 * class MyReaderProperties implements GgufContract {
 *     public GgufFile read(byte[] gguf) { return MyReader.parse(gguf); }
 * }
 * }</pre>
 */
public interface GgufContract {
    /** The bytes of the file {@code w} describes. */
    default byte[] write(GgufWriter w) {
        return w.toByteArray();
    }

    /** Reads a file's bytes. */
    default GgufFile read(byte[] gguf) {
        return GgufFile.read(MemorySegment.ofArray(gguf));
    }

    @Property(seed = Contracts.SEED)
    default void writtenThenReadIsEqual(@ForAll("kvSets") SequencedMap<String, GgufValue> kv,
                                @ForAll("tensorLists") List<TensorSpec> tensors) {
        GgufWriter w = new GgufWriter().putAll(kv);
        for (TensorSpec t : tensors) {
            w.addTensor(t.name(), t.type(), t.shape(), MemorySegment.ofArray(t.data()));
        }
        byte[] bytes = write(w);
        assertEquals(w.size(), bytes.length, "bytes written");

        try (GgufFile f = read(bytes)) {
            assertEquals(new ArrayList<>(kv.entrySet()), new ArrayList<>(f.kv().entrySet()), "KVs in order");
            long alignment = kv.containsKey("general.alignment") ? f.getLong("general.alignment") : 32;
            assertEquals(alignment, f.alignment());
            assertEquals(0, f.dataOffset() % alignment);
            assertEquals(tensors.size(), f.tensors().size());
            for (int i = 0; i < tensors.size(); i++) {
                TensorSpec want = tensors.get(i);
                GgufTensorInfo got = f.tensors().get(i);
                assertEquals(want.name(), got.name());
                assertEquals(want.type(), got.type());
                assertArrayEquals(want.ne(), got.ne(), "shape of " + want.name());
                assertEquals(0, got.offset() % alignment);
                assertArrayEquals(want.data(), f.tensorData(got).toArray(ValueLayout.JAVA_BYTE), "data of "
                        + want.name());
                Statistics.label("tensor type").collect(want.type());
                Statistics.label("stored n_dims").collect(got.nDims());
            }
            // rewriting what was read is the identity
            assertArrayEquals(bytes, GgufWriter.copyOf(f).toByteArray());
        }
        for (GgufValue v : kv.values()) {
            collectTypes(v, 0);
        }
        Statistics.label("value type").coverage(c -> {
            for (GgufType t : GgufType.values()) {
                c.check(t).count(n -> n > 0);
            }
        });
        Statistics.label("tensor type").coverage(c -> {
            for (GgmlType t : GgufArbitraries.usableTypes()) {
                c.check(t).count(n -> n > 0);
            }
        });
        Statistics.label("array depth").coverage(c -> c.check(2).count(n -> n > 0));
    }

    private static void collectTypes(GgufValue v, int depth) {
        Statistics.label("value type").collect(v.type());
        if (v instanceof GgufValue.Arr a) {
            Statistics.label("array depth").collect(depth + 1);
            for (GgufValue e : a.elements()) {
                collectTypes(e, depth + 1);
            }
        }
    }

    @Provide
    default Arbitrary<SequencedMap<String, GgufValue>> kvSets() {
        return GgufArbitraries.kvSets();
    }

    @Provide
    default Arbitrary<List<TensorSpec>> tensorLists() {
        return GgufArbitraries.tensorLists(6);
    }
}
