package io.ggmljava.testdata.golden;

import io.ggmljava.core.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a golden case from the bytes of its GGUF file.
 *
 * <p>TEMPORARY: a minimal, bounds-checked GGUF v3 reader covering what the fixtures use, until the project's GGUF
 * reader ({@code io.ggmljava.core.gguf}) is on main; then this class delegates to it.
 */
final class CaseReader {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String file;
    private final MemorySegment seg;
    private long pos;

    private CaseReader(String file, MemorySegment seg) {
        this.file = file;
        this.seg = seg;
    }

    /** Parses {@code bytes} (a whole GGUF file) as the golden case {@code file}. */
    static GoldenCase read(String file, MemorySegment bytes) {
        return new CaseReader(file, bytes).parse();
    }

    private GoldenCase parse() {
        need(4);
        if (seg.get(ValueLayout.JAVA_BYTE, 0) != 'G' || seg.get(ValueLayout.JAVA_BYTE, 1) != 'G'
                || seg.get(ValueLayout.JAVA_BYTE, 2) != 'U' || seg.get(ValueLayout.JAVA_BYTE, 3) != 'F') {
            throw bad("not a GGUF file (bad magic)");
        }
        pos = 4;
        int version = u32();
        if (version != 3) {
            throw bad("GGUF version " + version + ", expected 3");
        }
        long nTensors = u64();
        long nKv = u64();
        if (nTensors < 0 || nTensors > 4096 || nKv < 0 || nKv > 4096) {
            throw bad("implausible counts: " + nTensors + " tensors, " + nKv + " key/value pairs");
        }
        Map<String, Object> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = string();
            int type = u32();
            kv.put(key, value(type, key));
        }
        long alignment = 32;
        if (kv.get("general.alignment") instanceof Number n) {
            alignment = n.longValue();
        }
        record Info(String name, GgmlType type, long[] ne, long offset) {
        }
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String name = string();
            int nDims = u32();
            if (nDims < 1 || nDims > 4) {
                throw bad("tensor '" + name + "' has " + nDims + " dimensions");
            }
            long[] ne = {1, 1, 1, 1};
            for (int d = 0; d < nDims; d++) {
                ne[d] = u64();
                if (ne[d] < 0) {
                    throw bad("tensor '" + name + "' has a negative dimension");
                }
            }
            int typeId = u32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null || type.isRetired()) {
                throw bad("tensor '" + name + "' has unknown type id " + typeId);
            }
            long offset = u64();
            infos.add(new Info(name, type, ne, offset));
        }
        long dataStart = (pos + alignment - 1) / alignment * alignment;
        Map<String, GoldenCase.CaseTensor> tensors = new LinkedHashMap<>();
        for (Info info : infos) {
            long n = Math.multiplyExact(Math.multiplyExact(info.ne[0], info.ne[1]),
                    Math.multiplyExact(info.ne[2], info.ne[3]));
            if (n % info.type.blockSize() != 0) {
                throw bad("tensor '" + info.name + "' has " + n + " elements, not a multiple of the block size");
            }
            long bytes = n / info.type.blockSize() * info.type.typeSize();
            long start = dataStart + info.offset;
            if (info.offset < 0 || start + bytes > seg.byteSize()) {
                throw bad("tensor '" + info.name + "' data [" + start + ", " + (start + bytes) + ") lies outside the "
                        + seg.byteSize() + "-byte file");
            }
            tensors.put(info.name, new GoldenCase.CaseTensor(info.name, info.type, info.ne, seg.asSlice(start, bytes)));
        }
        return new GoldenCase(file, kv, tensors);
    }

    private Object value(int type, String key) {
        return switch (type) {
            case 0 -> (int) u8();
            case 1 -> (int) (byte) u8();
            case 2 -> Short.toUnsignedInt(i16());
            case 3 -> (int) i16();
            case 4 -> Integer.toUnsignedLong(u32());
            case 5 -> u32();
            case 6 -> f32();
            case 7 -> u8() != 0;
            case 8 -> string();
            case 9 -> {
                int et = u32();
                long n = u64();
                if (n < 0 || n > 1 << 20) {
                    throw bad("array " + key + " has " + n + " elements");
                }
                List<Object> list = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    list.add(value(et, key));
                }
                yield list;
            }
            case 10, 11 -> u64();
            case 12 -> f64();
            default -> throw bad("key " + key + " has unknown value type " + type);
        };
    }

    private void need(long n) {
        if (n < 0 || pos + n > seg.byteSize()) {
            throw bad("truncated at byte " + pos + " (need " + n + " more bytes)");
        }
    }

    private int u8() {
        need(1);
        return Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, pos++));
    }

    private short i16() {
        need(2);
        short v = seg.get(I16, pos);
        pos += 2;
        return v;
    }

    private int u32() {
        need(4);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    private long u64() {
        need(8);
        long v = seg.get(I64, pos);
        pos += 8;
        return v;
    }

    private float f32() {
        need(4);
        float v = seg.get(F32, pos);
        pos += 4;
        return v;
    }

    private double f64() {
        need(8);
        double v = seg.get(F64, pos);
        pos += 8;
        return v;
    }

    private String string() {
        long n = u64();
        if (n < 0 || n > 1 << 20) {
            throw bad("string of " + n + " bytes");
        }
        need(n);
        byte[] b = seg.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return new String(b, StandardCharsets.UTF_8);
    }

    private IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(file + ": " + what);
    }
}
