package io.ggmljava.testdata.golden;

import io.ggmljava.core.GgmlException;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a golden case from the bytes of its GGUF file with the core GGUF reader. */
final class CaseReader {
    private CaseReader() {
    }

    /**
     * Parses {@code bytes} (a whole GGUF file) as the golden case {@code file}.
     *
     * @throws IllegalArgumentException naming the file if it is not a valid GGUF file
     */
    static GoldenCase read(String file, MemorySegment bytes) {
        GgufFile f;
        try {
            f = GgufFile.read(bytes);
        } catch (GgmlException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<String, Object> kv = new LinkedHashMap<>();
        f.kv().forEach((k, v) -> kv.put(k, plain(v)));
        Map<String, GoldenCase.CaseTensor> tensors = new LinkedHashMap<>();
        for (GgufTensorInfo t : f.tensors()) {
            tensors.put(t.name(), new GoldenCase.CaseTensor(t.name(), t.type(), t.ne(), f.tensorData(t)));
        }
        return new GoldenCase(file, kv, tensors);
    }

    /** A GGUF value as a plain Java value: boxed numbers, Boolean, String, or a List for arrays. */
    private static Object plain(GgufValue v) {
        return switch (v) {
            case GgufValue.U8 x -> x.value();
            case GgufValue.I8 x -> (int) x.value();
            case GgufValue.U16 x -> x.value();
            case GgufValue.I16 x -> (int) x.value();
            case GgufValue.U32 x -> x.value();
            case GgufValue.I32 x -> x.value();
            case GgufValue.F32 x -> x.value();
            case GgufValue.Bool x -> x.value();
            case GgufValue.Str x -> x.value();
            case GgufValue.U64 x -> x.value();
            case GgufValue.I64 x -> x.value();
            case GgufValue.F64 x -> x.value();
            case GgufValue.Arr x -> {
                List<Object> list = new ArrayList<>(x.size());
                for (GgufValue e : x.elements()) {
                    list.add(plain(e));
                }
                yield list;
            }
        };
    }
}
