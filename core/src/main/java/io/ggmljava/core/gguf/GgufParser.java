package io.ggmljava.core.gguf;

import io.ggmljava.core.GgmlType;
import io.ggmljava.core.gguf.GgufFormatException.Rule;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a GGUF header from a segment. Every read is bounds-checked against the segment size before it
 * happens, and every count is checked against the bytes left before anything is allocated, so a malformed file ends
 * in a {@link GgufFormatException} and never in an out-of-memory error, a hang or an index exception.
 */
final class GgufParser {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** "GGUF" read as a little-endian u32. */
    static final int MAGIC = 0x46554747;
    /** Deepest array nesting accepted; real files use at most 1 (arrays of scalars or strings). */
    static final int MAX_NESTING = 8;
    /** Longest tensor name in bytes (ggml's GGML_MAX_NAME is 64 including the terminating zero). */
    static final int MAX_NAME_BYTES = 63;
    static final long DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";

    private static final String[] NE_OF_TENSOR = {"ne[0] of tensor", "ne[1] of tensor", "ne[2] of tensor",
        "ne[3] of tensor"};

    /** Fewest bytes of one KV pair: key length (8), type (4), a 1-byte value. */
    private static final int MIN_KV_BYTES = 13;
    /** Fewest bytes of one tensor info: name length (8), n_dims (4), one dim (8), type (4), offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 32;

    /** What a successful parse found. */
    record Header(int version, LinkedHashMap<String, GgufValue> kv, long alignment, List<GgufTensorInfo> tensors,
                  long infosEnd, long dataOffset) {
    }

    private final MemorySegment seg;
    private final long size;
    private long pos;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private GgufParser(MemorySegment seg) {
        this.seg = seg;
        this.size = seg.byteSize();
    }

    /**
     * Parses and validates the header of {@code seg}. With {@code headerOnly} the tensor data need not be present
     * (the file may end anywhere after the tensor infos); offsets are still checked for alignment and overlap.
     */
    static Header parse(MemorySegment seg, boolean headerOnly) {
        return new GgufParser(seg).parse(headerOnly);
    }

    private Header parse(boolean headerOnly) {
        need(4, "the magic", null);
        int magic = seg.get(I32, 0);
        if (magic != MAGIC) {
            throw fail(0, Rule.BAD_MAGIC, "expected \"GGUF\" (47 47 55 46), found " + hexBytes(0, 4));
        }
        pos = 4;
        int version = readVersion();

        long nTensorsPos = pos;
        long nTensors = readU64("n_tensors", null);
        long nKvPos = pos;
        long nKv = readU64("n_kv", null);
        long rest = size - pos;
        if (nTensors < 0 || nTensors > rest / MIN_TENSOR_INFO_BYTES || nTensors > Integer.MAX_VALUE - 8) {
            throw fail(nTensorsPos, Rule.COUNT_TOO_LARGE, "n_tensors " + Long.toUnsignedString(nTensors)
                    + " needs at least " + MIN_TENSOR_INFO_BYTES + " bytes each, only " + rest + " bytes follow");
        }
        long restForKv = rest - nTensors * MIN_TENSOR_INFO_BYTES;
        if (nKv < 0 || nKv > restForKv / MIN_KV_BYTES || nKv > Integer.MAX_VALUE - 8) {
            throw fail(nKvPos, Rule.COUNT_TOO_LARGE, "n_kv " + Long.toUnsignedString(nKv) + " needs at least "
                    + MIN_KV_BYTES + " bytes each, only " + restForKv + " bytes follow besides the tensor infos");
        }

        LinkedHashMap<String, GgufValue> kv = LinkedHashMap.newLinkedHashMap((int) nKv);
        long alignment = DEFAULT_ALIGNMENT;
        for (long i = 0; i < nKv; i++) {
            long keyPos = pos;
            String key = readString("the key of a KV pair", null);
            if (kv.containsKey(key)) {
                throw fail(keyPos, Rule.DUPLICATE_KEY, "key '" + key + "' occurs twice");
            }
            long typePos = pos;
            GgufType type = readValueType("the value of", key);
            long valuePos = pos;
            GgufValue value = readValue(type, 0, key);
            if (key.equals(ALIGNMENT_KEY)) {
                alignment = checkAlignment(value, typePos, valuePos);
            }
            kv.put(key, value);
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) nTensors);
        long[] offsetFieldPos = new long[(int) nTensors];
        Set<String> names = HashSet.newHashSet((int) nTensors);
        for (int i = 0; i < nTensors; i++) {
            GgufTensorInfo info = readTensorInfo(i, names, alignment);
            offsetFieldPos[i] = pos - 8;
            tensors.add(info);
        }
        long infosEnd = pos;
        long dataOffset = align(infosEnd, alignment);
        checkData(tensors, offsetFieldPos, dataOffset, alignment, headerOnly);
        return new Header(version, kv, alignment, tensors, infosEnd, dataOffset);
    }

    private int readVersion() {
        long versionPos = pos;
        int version = readI32("the version", null);
        if (version == 2 || version == 3) {
            return version;
        }
        String detail;
        if (version == 1) {
            detail = "GGUF v1 is no longer supported (as in ggml); versions 2 and 3 are";
        } else if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            detail = "version reads " + Integer.toUnsignedString(version)
                    + ": a big-endian file? only little-endian versions 2 and 3 are supported";
        } else {
            detail = "version " + Integer.toUnsignedString(version) + "; only versions 2 and 3 are supported";
        }
        throw fail(versionPos, Rule.UNSUPPORTED_VERSION, detail);
    }

    private static long checkAlignment(GgufValue value, long typePos, long valuePos) {
        if (!(value instanceof GgufValue.U32(long a))) {
            throw fail(typePos, Rule.BAD_ALIGNMENT, ALIGNMENT_KEY + " must be a u32, found " + value.type());
        }
        if (a == 0 || (a & (a - 1)) != 0) {
            throw fail(valuePos, Rule.BAD_ALIGNMENT, ALIGNMENT_KEY + " is " + a + ", not a power of two");
        }
        return a;
    }

    // ---- values ----

    private GgufType readValueType(String what, String key) {
        long typePos = pos;
        int id = readI32("the type of " + what, key);
        GgufType type = GgufType.byId(Integer.toUnsignedLong(id));
        if (type == null) {
            throw fail(typePos, Rule.UNKNOWN_VALUE_TYPE, "type id " + Integer.toUnsignedString(id) + " of "
                    + describe(what, key) + " (known: 0..12)");
        }
        return type;
    }

    /** Reads one value of {@code type}; {@code depth} counts the arrays it is nested in. */
    private GgufValue readValue(GgufType type, int depth, String key) {
        long valuePos = pos;
        return switch (type) {
            case U8 -> new GgufValue.U8(Byte.toUnsignedInt(readByte("a value of", key)));
            case I8 -> new GgufValue.I8(readByte("a value of", key));
            case U16 -> new GgufValue.U16(Short.toUnsignedInt(readI16("a value of", key)));
            case I16 -> new GgufValue.I16(readI16("a value of", key));
            case U32 -> new GgufValue.U32(Integer.toUnsignedLong(readI32("a value of", key)));
            case I32 -> new GgufValue.I32(readI32("a value of", key));
            case F32 -> {
                need(4, "a value of", key);
                float f = seg.get(F32, pos);
                pos += 4;
                yield new GgufValue.F32(f);
            }
            case BOOL -> {
                byte b = readByte("a value of", key);
                if (b != 0 && b != 1) {
                    throw fail(valuePos, Rule.INVALID_VALUE, "bool of '" + key + "' is " + Byte.toUnsignedInt(b)
                            + ", must be 0 or 1");
                }
                yield new GgufValue.Bool(b == 1);
            }
            case STRING -> new GgufValue.Str(readString("a string of", key));
            case ARRAY -> readArray(depth + 1, key);
            case U64 -> new GgufValue.U64(readU64("a value of", key));
            case I64 -> new GgufValue.I64(readU64("a value of", key));
            case F64 -> {
                need(8, "a value of", key);
                double d = seg.get(F64, pos);
                pos += 8;
                yield new GgufValue.F64(d);
            }
        };
    }

    private GgufValue.Arr readArray(int depth, String key) {
        long arrPos = pos;
        if (depth > MAX_NESTING) {
            throw fail(arrPos, Rule.NESTING_TOO_DEEP, "array in '" + key + "' nested " + depth
                    + " deep, at most " + MAX_NESTING + " levels are accepted");
        }
        GgufType elemType = readValueType("the elements of array", key);
        long countPos = pos;
        long count = readU64("the element count of array", key);
        long rest = size - pos;
        if (count < 0 || count > rest / elemType.minSize() || count > Integer.MAX_VALUE - 8) {
            throw fail(countPos, Rule.COUNT_TOO_LARGE, "array '" + key + "' has " + Long.toUnsignedString(count)
                    + " elements of type " + elemType + " (at least " + elemType.minSize() + " bytes each), only "
                    + rest + " bytes follow");
        }
        List<GgufValue> elements = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            elements.add(readValue(elemType, depth, key));
        }
        return new GgufValue.Arr(elemType, elements);
    }

    private String readString(String what, String subject) {
        long lenPos = pos;
        long len = readU64(what, subject); // (its u64 length)
        long rest = size - pos;
        if (len < 0 || len > rest || len > Integer.MAX_VALUE - 8) {
            throw fail(lenPos, Rule.COUNT_TOO_LARGE, "length " + Long.toUnsignedString(len) + " of "
                    + describe(what, subject) + " is larger than the rest of the file (" + rest + " bytes)");
        }
        String s = decode(lenPos, (int) len, what, subject);
        pos += len;
        return s;
    }

    private String decode(long lenPos, int len, String what, String subject) {
        byte[] bytes = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(lenPos, Rule.INVALID_VALUE, describe(what, subject) + " is not valid UTF-8");
        }
    }

    // ---- tensor infos ----

    private GgufTensorInfo readTensorInfo(int i, Set<String> names, long alignment) {
        long namePos = pos;
        long nameLen = readU64("the name length of tensor " + i, null);
        if (nameLen < 0 || nameLen > MAX_NAME_BYTES) {
            throw fail(namePos, Rule.TENSOR_NAME, "name of tensor " + i + " is " + Long.toUnsignedString(nameLen)
                    + " bytes long, at most " + MAX_NAME_BYTES + " are allowed (ggml's GGML_MAX_NAME)");
        }
        need(nameLen, "the name of tensor " + i, null);
        String name = decode(namePos, (int) nameLen, "the name of tensor " + i, null);
        pos += nameLen;
        if (!names.add(name)) {
            throw fail(namePos, Rule.DUPLICATE_TENSOR, "tensor '" + name + "' occurs twice");
        }

        long nDimsPos = pos;
        int nDims = readI32("n_dims of tensor", name);
        if (nDims < 1 || nDims > 4) {
            throw fail(nDimsPos, Rule.BAD_N_DIMS, "tensor '" + name + "' has n_dims " + Integer.toUnsignedString(nDims)
                    + ", must be 1..4");
        }
        long[] ne = {1, 1, 1, 1};
        long dimsPos = pos;
        for (int d = 0; d < nDims; d++) {
            long dimPos = pos;
            ne[d] = readU64(NE_OF_TENSOR[d], name);
            if (ne[d] < 0) {
                throw fail(dimPos, Rule.NEGATIVE_DIM, "tensor '" + name + "' has ne[" + d + "] = " + ne[d]);
            }
        }
        long rows;
        try {
            rows = Math.multiplyExact(Math.multiplyExact(ne[1], ne[2]), ne[3]);
            Math.multiplyExact(ne[0], rows);
        } catch (ArithmeticException e) {
            throw fail(dimsPos, Rule.ELEMENT_COUNT_OVERFLOW, "tensor '" + name + "' shape "
                    + Arrays.toString(ne) + " has more than 2^63-1 elements");
        }

        long typePos = pos;
        int typeId = readI32("the type of tensor", name);
        GgmlType type = GgmlType.byId(typeId);
        if (type == null || type.isRetired()) {
            throw fail(typePos, Rule.UNKNOWN_TENSOR_TYPE, "tensor '" + name + "' has type id " + typeId
                    + (type == null ? " (known: 0.." + (GgmlType.COUNT - 1) + ")"
                    : " (" + type + ", retired by ggml)"));
        }
        if (ne[0] % type.blockSize() != 0) {
            throw fail(typePos, Rule.ROW_SIZE, "tensor '" + name + "' of type " + type + " has ne[0] = " + ne[0]
                    + ", not a multiple of the block size " + type.blockSize());
        }
        long nbytes;
        try {
            nbytes = Math.multiplyExact(Math.multiplyExact(ne[0] / type.blockSize(), (long) type.typeSize()), rows);
            Math.addExact(nbytes, alignment); // room to pad it
        } catch (ArithmeticException e) {
            throw fail(dimsPos, Rule.ELEMENT_COUNT_OVERFLOW, "tensor '" + name + "' shape " + Arrays.toString(ne)
                    + " of type " + type + " has more than 2^63-1 bytes");
        }

        long offsetPos = pos;
        long offset = readU64("the data offset of tensor", name);
        if (offset < 0) {
            throw fail(offsetPos, Rule.DATA_OUT_OF_RANGE, "tensor '" + name + "' has data offset "
                    + Long.toUnsignedString(offset));
        }
        if (offset % alignment != 0) {
            throw fail(offsetPos, Rule.DATA_MISALIGNED, "tensor '" + name + "' has data offset " + offset
                    + ", not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, type, ne, nDims, offset, nbytes);
    }

    /**
     * Checks that every tensor's data (padded to the alignment, as ggml reads it) lies inside the file and that no
     * two tensors overlap.
     */
    private void checkData(List<GgufTensorInfo> tensors, long[] offsetFieldPos, long dataOffset, long alignment,
                           boolean headerOnly) {
        if (!headerOnly && dataOffset > size) {
            throw fail(size, Rule.TRUNCATED, "the data section starts at byte " + dataOffset
                    + " (after padding to the alignment) but the file ends at byte " + size);
        }
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            // ggml reads each tensor's bytes padded to the alignment, so the padding must be in the file too
            long end = saturatedAdd(saturatedAdd(dataOffset, t.offset()), align(t.nbytes(), alignment));
            if (end == Long.MAX_VALUE || (!headerOnly && end > size)) {
                throw fail(offsetFieldPos[i], Rule.DATA_OUT_OF_RANGE, "tensor '" + t.name() + "' data [byte "
                        + (dataOffset + t.offset()) + ", byte " + end + ") (padded to " + alignment
                        + ") ends past the end of the file at byte " + size);
            }
        }
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(tensors.get(a).offset(), tensors.get(b).offset()));
        long prevEnd = 0;
        int prev = -1;
        for (int idx : order) {
            GgufTensorInfo t = tensors.get(idx);
            if (t.nbytes() == 0) {
                continue;
            }
            if (prev >= 0 && t.offset() < prevEnd) {
                GgufTensorInfo p = tensors.get(prev);
                throw fail(offsetFieldPos[idx], Rule.DATA_OVERLAP, "tensor '" + t.name() + "' data at offset "
                        + t.offset() + " overlaps tensor '" + p.name() + "' at offset " + p.offset() + " ("
                        + p.nbytes() + " bytes)");
            }
            prevEnd = t.offset() + t.nbytes();
            prev = idx;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r; // both operands are non-negative
    }

    static long align(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    // ---- primitives ----

    // Each read names what it reads as {@code what} + {@code subject} (a key or tensor name); the two are joined
    // only when the read fails, so that reading a 100k-element array builds no strings.

    private static String describe(String what, String subject) {
        return subject == null ? what : what + " '" + subject + "'";
    }

    private void need(long n, String what, String subject) {
        if (size - pos < n) {
            throw fail(size, Rule.TRUNCATED, "the file ends at byte " + size + " but " + describe(what, subject)
                    + " needs " + n + " bytes from byte " + pos);
        }
    }

    private byte readByte(String what, String subject) {
        need(1, what, subject);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short readI16(String what, String subject) {
        need(2, what, subject);
        short v = seg.get(I16, pos);
        pos += 2;
        return v;
    }

    private int readI32(String what, String subject) {
        need(4, what, subject);
        int v = seg.get(I32, pos);
        pos += 4;
        return v;
    }

    private long readU64(String what, String subject) {
        need(8, what, subject);
        long v = seg.get(I64, pos);
        pos += 8;
        return v;
    }

    private String hexBytes(long from, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", seg.get(ValueLayout.JAVA_BYTE, from + i)));
        }
        return sb.toString();
    }

    private static GgufFormatException fail(long offset, Rule rule, String detail) {
        return new GgufFormatException(offset, rule, detail);
    }
}
