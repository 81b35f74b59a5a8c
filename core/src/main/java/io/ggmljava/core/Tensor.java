package io.ggmljava.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor: up to 4 dimensions, a {@link GgmlType}, the op that computes it and that op's sources.
 *
 * <h2>Shapes and strides, ggml's way</h2>
 * {@code ne[i]} is the number of elements in dimension {@code i} and {@code nb[i]} the stride in <em>bytes</em>
 * between consecutive indices of dimension {@code i}. Dimension 0 is the innermost (fastest varying). Strides are
 * in bytes because FFM offsets are bytes and quantized blocks have no per-element stride.
 *
 * <p>Worked example: a contiguous f32 tensor with {@code ne = [4, 3, 2, 1]} holds 2 matrices of 3 rows of 4 floats.
 * Its strides are {@code nb = [4, 16, 48, 96]}; element {@code (i0, i1, i2, i3)} is at byte
 * {@code i0*4 + i1*16 + i2*48 + i3*96}. Its transpose is a view with {@code ne = [3, 4, 2, 1]} and
 * {@code nb = [16, 4, 48, 96]}: no data moves. For q4_0 (32 elements in an 18-byte block) a row of 64 elements
 * has {@code nb[0] = 18} (one block) and {@code nb[1] = 36}.
 *
 * <p>{@code mulMat(a, b)} has shape {@code [a.ne1, b.ne1, b.ne2, b.ne3]}: it computes {@code C = B·Aᵀ} over rows of
 * length {@code ne0}, exactly as ggml.
 *
 * <h2>Life cycle</h2>
 * Tensors are created by a {@link Context} (leaves with {@code newTensor*}, results with its op methods). A new
 * tensor has no memory: {@link #data()} is null until an allocator binds a segment ({@link #bind}). A view
 * ({@link #viewSource()} not null) never owns memory; its data is its source's at {@link #viewOffset()}.
 */
public final class Tensor {
    /** Maximum number of dimensions (GGML_MAX_DIMS). */
    public static final int MAX_DIMS = 4;
    /** Maximum number of sources of one op (GGML_MAX_SRC). */
    public static final int MAX_SRC = 10;
    /** Number of 32-bit op parameters (GGML_MAX_OP_PARAMS / 4). */
    public static final int MAX_OP_PARAMS = 16;

    /** Flag: a graph input (set by the user; placed first by planners and never overwritten before its last use). */
    public static final int FLAG_INPUT = 1;
    /** Flag: a graph output (never freed or reused by planners). */
    public static final int FLAG_OUTPUT = 2;
    /** Flag: a trainable parameter. */
    public static final int FLAG_PARAM = 4;
    /** Flag: defines the loss of a training graph. */
    public static final int FLAG_LOSS = 8;

    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgmlType type;
    final long[] ne = {1, 1, 1, 1};
    final long[] nb = new long[MAX_DIMS];
    Op op = Op.NONE;
    final int[] opParams = new int[MAX_OP_PARAMS];
    int flags;
    final Tensor[] src = new Tensor[MAX_SRC];
    final Tensor viewSrc;
    final long viewOffs;
    private MemorySegment data;
    private String name = "";
    private final long id;

    Tensor(GgmlType type, long[] shape, Tensor viewSrc, long viewOffs, long id) {
        this.type = Objects.requireNonNull(type, "type").requireUsable();
        for (int i = 0; i < shape.length; i++) {
            ne[i] = shape[i];
        }
        nb[0] = type.typeSize();
        nb[1] = nb[0] * (ne[0] / type.blockSize());
        for (int i = 2; i < MAX_DIMS; i++) {
            nb[i] = nb[i - 1] * ne[i - 1];
        }
        this.viewSrc = viewSrc;
        this.viewOffs = viewOffs;
        this.id = id;
    }

    // ---- identity and metadata ----

    /** Creation number within its context: a stable, deterministic order key. */
    public long id() {
        return id;
    }

    public GgmlType type() {
        return type;
    }

    /** Elements in dimension {@code i}. */
    public long ne(int i) {
        return ne[i];
    }

    /** Byte stride of dimension {@code i}. */
    public long nb(int i) {
        return nb[i];
    }

    /** A copy of the four element counts. */
    public long[] shape() {
        return ne.clone();
    }

    /** A copy of the four byte strides. */
    public long[] strides() {
        return nb.clone();
    }

    public Op op() {
        return op;
    }

    /** Source {@code i} of the op, or null. */
    public Tensor src(int i) {
        return src[i];
    }

    /** The index of the last non-null source plus one (0 for a leaf). */
    public int srcCount() {
        for (int i = MAX_SRC - 1; i >= 0; i--) {
            if (src[i] != null) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The 32-bit op parameter {@code i} as an int. */
    public int opParamI32(int i) {
        return opParams[i];
    }

    /** The 32-bit op parameter {@code i} read as a float (ggml stores floats bit-cast). */
    public float opParamF32(int i) {
        return Float.intBitsToFloat(opParams[i]);
    }

    /** A copy of all op parameters. */
    public int[] opParams() {
        return opParams.clone();
    }

    /** The unary op of a {@link Op#UNARY} node. */
    public UnaryOp unaryOp() {
        if (op != Op.UNARY) {
            throw new IllegalStateException("unaryOp: tensor '" + name + "' is " + op + ", not UNARY");
        }
        return UnaryOp.values()[opParams[0]];
    }

    /** ggml_op_desc: the unary op's name for UNARY nodes, otherwise the op's name. */
    public String opDesc() {
        return op == Op.UNARY ? unaryOp().name() : op.name();
    }

    public String name() {
        return name;
    }

    /** Sets the name and returns this tensor. */
    public Tensor setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** Marks this tensor a graph input. */
    public Tensor setInput() {
        flags |= FLAG_INPUT;
        return this;
    }

    /** Marks this tensor a graph output. */
    public Tensor setOutput() {
        flags |= FLAG_OUTPUT;
        return this;
    }

    /** Marks this tensor a trainable parameter. */
    public Tensor setParam() {
        flags |= FLAG_PARAM;
        return this;
    }

    /** Marks this tensor the loss of a training graph. */
    public Tensor setLoss() {
        flags |= FLAG_LOSS;
        return this;
    }

    /** The tensor whose memory this view uses (always a non-view), or null. */
    public Tensor viewSource() {
        return viewSrc;
    }

    /** Byte offset of this view in its {@link #viewSource()}. */
    public long viewOffset() {
        return viewOffs;
    }

    public boolean isView() {
        return viewSrc != null;
    }

    // ---- sizes and shape predicates ----

    public long nelements() {
        return ne[0] * ne[1] * ne[2] * ne[3];
    }

    /** Rows: {@code ne1*ne2*ne3}. */
    public long nrows() {
        return ne[1] * ne[2] * ne[3];
    }

    /** Bytes spanned by this tensor's elements (ggml_nbytes); 0 if any dimension is empty. */
    public long nbytes() {
        return nbytes(type, ne, nb);
    }

    static long nbytes(GgmlType type, long[] ne, long[] nb) {
        for (int i = 0; i < MAX_DIMS; i++) {
            if (ne[i] <= 0) {
                return 0;
            }
        }
        long bytes;
        if (type.blockSize() == 1) {
            bytes = type.typeSize();
            for (int i = 0; i < MAX_DIMS; i++) {
                bytes += (ne[i] - 1) * nb[i];
            }
        } else {
            bytes = ne[0] * nb[0] / type.blockSize();
            for (int i = 1; i < MAX_DIMS; i++) {
                bytes += (ne[i] - 1) * nb[i];
            }
        }
        return bytes;
    }

    /** Bytes of one row of {@code ne0} elements. */
    public long rowSize() {
        return type.rowSize(ne[0]);
    }

    /** Number of dimensions up to the last one greater than 1 (minimum 1), as ggml_n_dims. */
    public int nDims() {
        for (int i = MAX_DIMS - 1; i >= 1; i--) {
            if (ne[i] > 1) {
                return i + 1;
            }
        }
        return 1;
    }

    public boolean isEmpty() {
        return ne[0] == 0 || ne[1] == 0 || ne[2] == 0 || ne[3] == 0;
    }

    public boolean isScalar() {
        return ne[0] == 1 && ne[1] == 1 && ne[2] == 1 && ne[3] == 1;
    }

    public boolean isVector() {
        return ne[1] == 1 && ne[2] == 1 && ne[3] == 1;
    }

    public boolean isMatrix() {
        return ne[2] == 1 && ne[3] == 1;
    }

    public boolean is3d() {
        return ne[3] == 1;
    }

    /** True if rows are laid out with no gaps and in order (ggml_is_contiguous). */
    public boolean isContiguous() {
        return isContiguousN(0);
    }

    /** Contiguous rows; dimensions above 1 may have gaps (ggml_is_contiguous_1). */
    public boolean isContiguousRows() {
        return isContiguousN(1);
    }

    /** Contiguous matrices; dimensions above 2 may have gaps (ggml_is_contiguous_2). */
    public boolean isContiguous2() {
        return isContiguousN(2);
    }

    private boolean isContiguousN(int n) {
        long next = type.typeSize();
        if (ne[0] != type.blockSize() && nb[0] != next) {
            return false;
        }
        next *= ne[0] / type.blockSize();
        for (int i = 1; i < MAX_DIMS; i++) {
            if (ne[i] != 1) {
                if (i > n) {
                    if (nb[i] != next) {
                        return false;
                    }
                    next *= ne[i];
                } else {
                    next = ne[i] * nb[i];
                }
            }
        }
        return true;
    }

    /** True if dimension 0 has a larger stride than dimension 1 (ggml_is_transposed). */
    public boolean isTransposed() {
        return nb[0] > nb[1];
    }

    /** True if the strides are not increasing (ggml_is_permuted). */
    public boolean isPermuted() {
        return nb[0] > nb[1] || nb[1] > nb[2] || nb[2] > nb[3];
    }

    /** Element-contiguous rows and dense higher dimensions (ggml_is_padded_1d). */
    public boolean isPadded1d() {
        return nb[0] == type.typeSize() && nb[2] == nb[1] * ne[1] && nb[3] == nb[2] * ne[2];
    }

    public boolean sameShape(Tensor o) {
        return Arrays.equals(ne, o.ne);
    }

    public boolean sameStrides(Tensor o) {
        return Arrays.equals(nb, o.nb);
    }

    /** True if this tensor can be repeated (broadcast) to the shape of {@code target} (ggml_can_repeat). */
    public boolean canRepeatTo(Tensor target) {
        if (isEmpty()) {
            return target.isEmpty();
        }
        for (int i = 0; i < MAX_DIMS; i++) {
            if (target.ne[i] % ne[i] != 0) {
                return false;
            }
        }
        return true;
    }

    // ---- memory ----

    /**
     * The tensor's bytes, or null if not allocated. For a view: its source's segment at the view offset (sized to
     * {@link #nbytes()}), unless the allocator bound one explicitly.
     */
    public MemorySegment data() {
        if (data != null) {
            return data;
        }
        if (viewSrc != null) {
            MemorySegment base = viewSrc.data;
            if (base != null) {
                return base.asSlice(viewOffs, nbytes());
            }
        }
        return null;
    }

    /** True once {@link #data()} is non-null. */
    public boolean isAllocated() {
        return data() != null;
    }

    /**
     * Binds memory to this tensor (used by allocators). The segment must hold at least {@link #nbytes()} bytes.
     * Passing null unbinds it.
     */
    public Tensor bind(MemorySegment segment) {
        if (segment != null && segment.byteSize() < nbytes()) {
            throw new IllegalArgumentException("bind: tensor '" + name + "' " + describe() + " needs " + nbytes()
                    + " bytes, the segment has " + segment.byteSize());
        }
        this.data = segment;
        return this;
    }

    // ---- element access (tests and examples; kernels read segments directly) ----

    /** Byte offset of element {@code (i0, i1, i2, i3)} (non-quantized types). */
    public long offsetOf(long i0, long i1, long i2, long i3) {
        return i0 * nb[0] + i1 * nb[1] + i2 * nb[2] + i3 * nb[3];
    }

    /** Element {@code i} in row-major order of the logical shape (works for views and permutations). */
    private long offsetOfFlat(long i) {
        long i0 = i % ne[0];
        long r = i / ne[0];
        long i1 = r % ne[1];
        r /= ne[1];
        long i2 = r % ne[2];
        long i3 = r / ne[2];
        return offsetOf(i0, i1, i2, i3);
    }

    private MemorySegment requireData() {
        MemorySegment d = data();
        if (d == null) {
            throw new IllegalStateException("tensor '" + name + "' " + describe() + " has no memory yet");
        }
        return d;
    }

    private void requireElementType(String what) {
        if (type.isQuantized()) {
            throw new UnsupportedTypeException(what + ": tensor '" + name + "' has quantized type " + type
                    + "; element access needs a non-quantized type");
        }
    }

    /** Reads element {@code (i0, i1, i2, i3)} as a float. */
    public float getF32(long i0, long i1, long i2, long i3) {
        return readFloat(offsetOf(i0, i1, i2, i3));
    }

    /** Writes element {@code (i0, i1, i2, i3)} from a float (rounded/converted to the tensor's type). */
    public void setF32(long i0, long i1, long i2, long i3, float v) {
        writeFloat(offsetOf(i0, i1, i2, i3), v);
    }

    /** Reads element {@code i} of the logical shape, in order (i0 fastest), as a float. */
    public float getF32(long i) {
        return readFloat(offsetOfFlat(i));
    }

    /** Writes element {@code i} of the logical shape, in order (i0 fastest). */
    public void setF32(long i, float v) {
        writeFloat(offsetOfFlat(i), v);
    }

    /** Reads element {@code i} of the logical shape as a long (integer types; floats truncate). */
    public long getI64(long i) {
        return readLong(offsetOfFlat(i));
    }

    /** Writes element {@code i} of the logical shape from a long. */
    public void setI64(long i, long v) {
        writeLong(offsetOfFlat(i), v);
    }

    /** Reads element {@code i} of the logical shape as an int (integer types). */
    public int getI32(long i) {
        return (int) readLong(offsetOfFlat(i));
    }

    /** Writes element {@code i} of the logical shape from an int. */
    public void setI32(long i, int v) {
        writeLong(offsetOfFlat(i), v);
    }

    /** All elements, in logical order, as floats. */
    public float[] toFloatArray() {
        requireElementType("toFloatArray");
        long n = nelements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("toFloatArray: tensor '" + name + "' has " + n + " elements, too many for an array");
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = getF32(i);
        }
        return out;
    }

    /** Writes all elements, in logical order, from floats. */
    public Tensor setFloats(float... values) {
        requireElementType("setFloats");
        if (values.length != nelements()) {
            throw new IllegalArgumentException("setFloats: tensor '" + name + "' " + describe() + " has " + nelements()
                    + " elements, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            setF32(i, values[i]);
        }
        return this;
    }

    private float readFloat(long off) {
        requireElementType("getF32");
        MemorySegment d = requireData();
        return switch (type) {
            case F32 -> d.get(F32_LE, off);
            case F16 -> Fp16.f16ToF32(d.get(I16_LE, off));
            case BF16 -> Fp16.bf16ToF32(d.get(I16_LE, off));
            case F64 -> (float) d.get(F64_LE, off);
            case I8 -> d.get(ValueLayout.JAVA_BYTE, off);
            case I16 -> d.get(I16_LE, off);
            case I32 -> d.get(I32_LE, off);
            case I64 -> d.get(I64_LE, off);
            default -> throw new UnsupportedTypeException("getF32: type " + type);
        };
    }

    private void writeFloat(long off, float v) {
        requireElementType("setF32");
        MemorySegment d = requireData();
        switch (type) {
            case F32 -> d.set(F32_LE, off, v);
            case F16 -> d.set(I16_LE, off, Fp16.f32ToF16(v));
            case BF16 -> d.set(I16_LE, off, Fp16.f32ToBf16(v));
            case F64 -> d.set(F64_LE, off, v);
            case I8 -> d.set(ValueLayout.JAVA_BYTE, off, (byte) v);
            case I16 -> d.set(I16_LE, off, (short) v);
            case I32 -> d.set(I32_LE, off, (int) v);
            case I64 -> d.set(I64_LE, off, (long) v);
            default -> throw new UnsupportedTypeException("setF32: type " + type);
        }
    }

    private long readLong(long off) {
        requireElementType("getI64");
        MemorySegment d = requireData();
        return switch (type) {
            case I8 -> d.get(ValueLayout.JAVA_BYTE, off);
            case I16 -> d.get(I16_LE, off);
            case I32 -> d.get(I32_LE, off);
            case I64 -> d.get(I64_LE, off);
            default -> (long) readFloat(off);
        };
    }

    private void writeLong(long off, long v) {
        requireElementType("setI64");
        MemorySegment d = requireData();
        switch (type) {
            case I8 -> d.set(ValueLayout.JAVA_BYTE, off, (byte) v);
            case I16 -> d.set(I16_LE, off, (short) v);
            case I32 -> d.set(I32_LE, off, (int) v);
            case I64 -> d.set(I64_LE, off, v);
            default -> writeFloat(off, v);
        }
    }

    // ---- printing ----

    /** {@code [ne0,ne1,ne2,ne3] type}, the form error messages use. */
    public String describe() {
        return "[" + ne[0] + "," + ne[1] + "," + ne[2] + "," + ne[3] + "] " + type;
    }

    @Override
    public String toString() {
        return "Tensor{" + (name.isEmpty() ? "#" + id : name) + " " + opDesc() + " " + describe() + "}";
    }
}
