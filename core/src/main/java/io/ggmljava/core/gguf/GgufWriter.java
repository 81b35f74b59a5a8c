package io.ggmljava.core.gguf;

import io.ggmljava.core.GgmlException;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Builds a GGUF file the way ggml's {@code gguf_write_to_file} lays it out: header, KVs in insertion order, tensor
 * infos, zero padding to the alignment, then each tensor's bytes padded to the alignment. The alignment is
 * {@code general.alignment} (a u32 power of two) or 32; offsets are assigned in order; trailing dimensions equal to 1
 * are not stored (n_dims at least 1).
 *
 * <pre>{@code
 * new GgufWriter()
 *         .put("general.architecture", GgufValue.of("gpt2"))
 *         .put("gpt2.block_count", GgufValue.u32(12))
 *         .addTensor("token_embd.weight", GgmlType.F16, new long[] {768, 50257}, data)
 *         .write(Path.of("out.gguf"));
 * }</pre>
 *
 * Rewriting a file read with {@link GgufFile} ({@link #copyOf}) reproduces it byte for byte when it was written by
 * ggml.
 */
public final class GgufWriter {
    private static final int CHUNK = 1 << 30;
    private static final byte[] ZEROS = new byte[4096];

    private record Entry(String name, GgmlType type, long[] ne, MemorySegment data, long nbytes) {
    }

    private int version = 3;
    private long alignment = GgufParser.DEFAULT_ALIGNMENT;
    private final LinkedHashMap<String, GgufValue> kv = new LinkedHashMap<>();
    private final List<Entry> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** A writer for an empty GGUF v3 file. */
    public GgufWriter() {
    }

    /** A writer holding the version, KVs and tensors (with their data, where present) of {@code file}. */
    public static GgufWriter copyOf(GgufFile file) {
        GgufWriter w = new GgufWriter().version(file.version());
        w.putAll(file.kv());
        for (GgufTensorInfo t : file.tensors()) {
            boolean present = file.dataOffset() + t.offset() + t.nbytes() <= file.size();
            w.addTensor(t.name(), t.type(), t.ne(), present ? file.tensorData(t) : null);
        }
        return w;
    }

    /** Sets the version written (2 or 3; the layout is the same). */
    public GgufWriter version(int v) {
        if (v != 2 && v != 3) {
            throw new GgmlException("GgufWriter: version " + v + " is not supported (2 or 3)");
        }
        this.version = v;
        return this;
    }

    /** Adds a key/value pair; keys must be unique and {@code general.alignment} a u32 power of two. */
    public GgufWriter put(String key, GgufValue value) {
        if (key == null || value == null) {
            throw new GgmlException("GgufWriter.put: null key or value");
        }
        encode(key, "key");
        if (kv.containsKey(key)) {
            throw new GgmlException("GgufWriter.put: duplicate key '" + key + "'");
        }
        checkValue(key, value, 0);
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            if (!(value instanceof GgufValue.U32(long a)) || a == 0 || (a & (a - 1)) != 0) {
                throw new GgmlException("GgufWriter.put: " + key + " must be a u32 power of two, got "
                        + value.typeName() + " " + value);
            }
            alignment = a;
        }
        kv.put(key, value);
        return this;
    }

    /** Adds every pair of {@code values}, in iteration order. */
    public GgufWriter putAll(Map<String, ? extends GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    private void checkValue(String key, GgufValue v, int depth) {
        switch (v) {
            case GgufValue.Str(String s) -> encode(s, "string of '" + key + "'");
            case GgufValue.Arr a -> {
                if (depth + 1 > GgufParser.MAX_NESTING) {
                    throw new GgmlException("GgufWriter.put: arrays of '" + key + "' nested deeper than "
                            + GgufParser.MAX_NESTING);
                }
                for (GgufValue e : a.elements()) {
                    checkValue(key, e, depth + 1);
                }
            }
            case GgufValue.U8 x -> { }
            case GgufValue.I8 x -> { }
            case GgufValue.U16 x -> { }
            case GgufValue.I16 x -> { }
            case GgufValue.U32 x -> { }
            case GgufValue.I32 x -> { }
            case GgufValue.F32 x -> { }
            case GgufValue.Bool x -> { }
            case GgufValue.U64 x -> { }
            case GgufValue.I64 x -> { }
            case GgufValue.F64 x -> { }
        }
    }

    /**
     * Adds a tensor. {@code ne} has 1 to 4 entries (ggml order); {@code data} holds its {@code nbytes} bytes, or is
     * null for a tensor that will only be written header-only.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] ne, MemorySegment data) {
        if (name == null || type == null || ne == null) {
            throw new GgmlException("GgufWriter.addTensor: null name, type or shape");
        }
        String what = "GgufWriter.addTensor: tensor '" + name + "'";
        if (encode(name, "tensor name").length > GgufParser.MAX_NAME_BYTES) {
            throw new GgmlException(what + ": name longer than " + GgufParser.MAX_NAME_BYTES + " bytes");
        }
        if (!names.add(name)) {
            throw new GgmlException(what + ": duplicate tensor name");
        }
        try {
            if (type.isRetired()) {
                throw new GgmlException(what + ": type " + type + " has been retired by ggml");
            }
            if (ne.length < 1 || ne.length > Tensor.MAX_DIMS) {
                throw new GgmlException(what + ": " + ne.length + " dimensions, must be 1..4");
            }
            long[] ne4 = {1, 1, 1, 1};
            for (int i = 0; i < ne.length; i++) {
                if (ne[i] < 0) {
                    throw new GgmlException(what + ": ne[" + i + "] = " + ne[i] + " is negative");
                }
                ne4[i] = ne[i];
            }
            if (ne4[0] % type.blockSize() != 0) {
                throw new GgmlException(what + ": ne[0] = " + ne4[0] + " is not a multiple of the block size "
                        + type.blockSize() + " of " + type);
            }
            long nbytes;
            try {
                long rows = Math.multiplyExact(Math.multiplyExact(ne4[1], ne4[2]), ne4[3]);
                Math.multiplyExact(ne4[0], rows);
                long rowBytes = Math.multiplyExact(ne4[0] / type.blockSize(), (long) type.typeSize());
                nbytes = Math.multiplyExact(rowBytes, rows);
            } catch (ArithmeticException e) {
                throw new GgmlException(what + ": element count or size overflows a long");
            }
            if (data != null && data.byteSize() != nbytes) {
                throw new GgmlException(what + " " + type + " shape " + Arrays.toString(ne4) + " has "
                        + nbytes + " bytes, the data segment has " + data.byteSize());
            }
            tensors.add(new Entry(name, type, ne4, data, nbytes));
        } catch (GgmlException e) {
            names.remove(name);
            throw e;
        }
        return this;
    }

    /** Adds a contiguous, allocated tensor under its name. */
    public GgufWriter addTensor(Tensor t) {
        if (!t.isContiguous()) {
            throw new GgmlException("GgufWriter.addTensor: tensor '" + t.name() + "' " + t.describe()
                    + " is not contiguous");
        }
        if (!t.isAllocated()) {
            throw new GgmlException("GgufWriter.addTensor: tensor '" + t.name() + "' " + t.describe()
                    + " has no data");
        }
        return addTensor(t.name(), t.type(), t.shape(), t.data().asSlice(0, t.nbytes()));
    }

    // ---- layout ----

    /** The version that will be written. */
    public int version() {
        return version;
    }

    /** The data alignment: {@code general.alignment} or 32. */
    public long alignment() {
        return alignment;
    }

    /** The KVs added so far, in order (unmodifiable). */
    public SequencedMap<String, GgufValue> kv() {
        return Collections.unmodifiableSequencedMap(kv);
    }

    /** The tensor infos as they will be written (offsets assigned in order, each padded to the alignment). */
    public List<GgufTensorInfo> tensorInfos() {
        List<GgufTensorInfo> out = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Entry e : tensors) {
            out.add(new GgufTensorInfo(e.name, e.type, e.ne, nDims(e.ne), offset, e.nbytes));
            offset += GgufParser.align(e.nbytes, alignment);
        }
        return out;
    }

    /**
     * ggml_n_dims, except that a zero dimension counts as stored (ggml would drop a trailing 0 and then write
     * offsets its own reader rejects).
     */
    private static int nDims(long[] ne) {
        for (int i = Tensor.MAX_DIMS - 1; i >= 1; i--) {
            if (ne[i] != 1) {
                return i + 1;
            }
        }
        return 1;
    }

    /** The header bytes: magic, counts, KVs, tensor infos and the zero padding up to the data section. */
    public byte[] header() {
        Sink s = new Sink();
        s.i32(GgufParser.MAGIC);
        s.i32(version);
        s.i64(tensors.size());
        s.i64(kv.size());
        for (Map.Entry<String, GgufValue> e : kv.entrySet()) {
            s.string(encode(e.getKey(), "key"));
            s.i32(e.getValue().type().id());
            writeValue(s, e.getValue());
        }
        for (GgufTensorInfo t : tensorInfos()) {
            s.string(encode(t.name(), "tensor name"));
            s.i32(t.nDims());
            for (int i = 0; i < t.nDims(); i++) {
                s.i64(t.ne(i));
            }
            s.i32(t.type().id());
            s.i64(t.offset());
        }
        while (s.size % alignment != 0) {
            s.u8(0);
        }
        return s.toArray();
    }

    private void writeValue(Sink s, GgufValue v) {
        switch (v) {
            case GgufValue.U8(int x) -> s.u8(x);
            case GgufValue.I8(byte x) -> s.u8(x);
            case GgufValue.U16(int x) -> s.i16(x);
            case GgufValue.I16(short x) -> s.i16(x);
            case GgufValue.U32(long x) -> s.i32((int) x);
            case GgufValue.I32(int x) -> s.i32(x);
            case GgufValue.F32(float x) -> s.i32(Float.floatToRawIntBits(x));
            case GgufValue.Bool(boolean x) -> s.u8(x ? 1 : 0);
            case GgufValue.Str(String x) -> s.string(encode(x, "string"));
            case GgufValue.U64(long x) -> s.i64(x);
            case GgufValue.I64(long x) -> s.i64(x);
            case GgufValue.F64(double x) -> s.i64(Double.doubleToRawLongBits(x));
            case GgufValue.Arr a -> {
                s.i32(a.elementType().id());
                s.i64(a.size());
                for (GgufValue e : a.elements()) {
                    writeValue(s, e); // a nested array writes its own element type and count, no tag
                }
            }
        }
    }

    /** Total size of the file: header plus padded tensor data. */
    public long size() {
        long size = header().length;
        for (Entry e : tensors) {
            size += GgufParser.align(e.nbytes, alignment);
        }
        return size;
    }

    // ---- output ----

    /** Writes the whole file to {@code path} (created or truncated). */
    public void write(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(ch, false);
        }
    }

    /** Writes only the header (ggml's {@code only_meta}): the file ends where the data section would start. */
    public void writeHeaderOnly(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeTo(ch, true);
        }
    }

    /** Writes the file (or only its header) to {@code ch}. */
    public void writeTo(WritableByteChannel ch, boolean headerOnly) throws IOException {
        if (!headerOnly) {
            requireData();
        }
        writeFully(ch, ByteBuffer.wrap(header()));
        if (headerOnly) {
            return;
        }
        for (Entry e : tensors) {
            for (long off = 0; off < e.nbytes; off += CHUNK) {
                long n = Math.min(CHUNK, e.nbytes - off);
                writeFully(ch, e.data.asSlice(off, n).asByteBuffer());
            }
            long pad = GgufParser.align(e.nbytes, alignment) - e.nbytes;
            while (pad > 0) {
                int n = (int) Math.min(pad, ZEROS.length);
                writeFully(ch, ByteBuffer.wrap(ZEROS, 0, n));
                pad -= n;
            }
        }
    }

    /** The whole file in a new segment of {@code arena}. */
    public MemorySegment toSegment(Arena arena) {
        requireData();
        byte[] h = header();
        long size = h.length;
        for (Entry e : tensors) {
            size += GgufParser.align(e.nbytes, alignment);
        }
        MemorySegment out = arena.allocate(size, 64); // zeroed: the padding is already in place
        MemorySegment.copy(h, 0, out, ValueLayout.JAVA_BYTE, 0, h.length);
        long pos = h.length;
        for (Entry e : tensors) {
            MemorySegment.copy(e.data, 0, out, pos, e.nbytes);
            pos += GgufParser.align(e.nbytes, alignment);
        }
        return out;
    }

    /** The whole file as a byte array (files under 2 GiB). */
    public byte[] toByteArray() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = toSegment(arena);
            if (seg.byteSize() > Integer.MAX_VALUE - 8) {
                throw new GgmlException("GgufWriter.toByteArray: " + seg.byteSize() + " bytes do not fit an array");
            }
            return seg.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private void requireData() {
        for (Entry e : tensors) {
            if (e.data == null) {
                throw new GgmlException("GgufWriter: tensor '" + e.name + "' has no data (only a header-only file"
                        + " can be written)");
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private byte[] encode(String s, String what) {
        try {
            ByteBuffer b = utf8.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new GgmlException("GgufWriter: " + what + " is not valid Unicode (unpaired surrogate?): "
                    + s.codePoints().limit(40).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                    StringBuilder::append));
        }
    }

    /** A growable little-endian byte buffer. */
    private static final class Sink {
        byte[] buf = new byte[1024];
        int size;

        private void ensure(int n) {
            if (size + n > buf.length) {
                long cap = Math.max((long) buf.length * 2, (long) size + n);
                if (cap > Integer.MAX_VALUE - 8) {
                    throw new GgmlException("GgufWriter: header larger than 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) cap);
            }
        }

        void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void i16(int v) {
            ensure(2);
            buf[size++] = (byte) v;
            buf[size++] = (byte) (v >>> 8);
        }

        void i32(int v) {
            ensure(4);
            for (int i = 0; i < 4; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void i64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[size++] = (byte) (v >>> (8 * i));
            }
        }

        void string(byte[] utf8) {
            i64(utf8.length);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, size, utf8.length);
            size += utf8.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
