package io.ggmljava.ops.scalar;

import static io.ggmljava.ops.Layouts.F32;
import static io.ggmljava.ops.Layouts.I16;
import static io.ggmljava.ops.Layouts.I32;
import static io.ggmljava.ops.Layouts.I8;

import io.ggmljava.core.Fp16;
import io.ggmljava.core.GgmlType;
import io.ggmljava.core.UnsupportedTypeException;
import io.ggmljava.ops.CopyKernels;
import java.lang.foreign.MemorySegment;

/** Plain-loop reference implementation of {@link CopyKernels}: written to be read; the oracle for fast paths. */
public final class ScalarCopyKernels implements CopyKernels {
    public static final ScalarCopyKernels INSTANCE = new ScalarCopyKernels();

    private ScalarCopyKernels() {
    }

    /** The plain element types the copy kernels move and convert. */
    public enum Elem {
        F32(4), F16(2), BF16(2), I32(4), I16(2), I8(1);

        public final int size;

        Elem(int size) {
            this.size = size;
        }

        /** The element kind of {@code t}. @throws UnsupportedTypeException for other types */
        public static Elem of(GgmlType t) {
            if (t == GgmlType.F32) {
                return F32;
            } else if (t == GgmlType.F16) {
                return F16;
            } else if (t == GgmlType.BF16) {
                return BF16;
            } else if (t == GgmlType.I32) {
                return I32;
            } else if (t == GgmlType.I16) {
                return I16;
            } else if (t == GgmlType.I8) {
                return I8;
            }
            throw new UnsupportedTypeException("copy: element type " + t + " is not one of f32, f16, bf16, i32, i16, "
                    + "i8 (quantized types go through the quantization kernels)");
        }
    }

    /** Reads one element as a float (integers converted exactly up to 2^24). */
    public static float read(Elem e, MemorySegment s, long off) {
        return switch (e) {
            case F32 -> s.get(F32, off);
            case F16 -> Float.float16ToFloat(s.get(I16, off));
            case BF16 -> Fp16.bf16ToF32(s.get(I16, off));
            case I32 -> s.get(I32, off);
            case I16 -> s.get(I16, off);
            case I8 -> s.get(I8, off);
        };
    }

    /** Writes one element from a float: f16/bf16 round to nearest even, integers truncate toward zero. */
    public static void write(Elem e, MemorySegment d, long off, float v) {
        switch (e) {
            case F32 -> d.set(F32, off, v);
            case F16 -> d.set(I16, off, Float.floatToFloat16(v));
            case BF16 -> d.set(I16, off, Fp16.f32ToBf16(v));
            case I32 -> d.set(I32, off, (int) v);
            case I16 -> d.set(I16, off, (short) (int) v);
            case I8 -> d.set(I8, off, (byte) (int) v);
        }
    }

    @Override
    public void convert(GgmlType from, MemorySegment src, long srcOff, long srcStride, GgmlType to, MemorySegment dst,
                        long dstOff, long dstStride, int n) {
        Elem f = Elem.of(from);
        Elem t = Elem.of(to);
        if (f == t) {
            if (srcStride == f.size && dstStride == f.size) {
                MemorySegment.copy(src, srcOff, dst, dstOff, (long) n * f.size);
                return;
            }
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(src, srcOff + i * srcStride, dst, dstOff + i * dstStride, f.size);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            long so = srcOff + i * srcStride;
            long d = dstOff + i * dstStride;
            if (f == Elem.I32 && (t == Elem.I16 || t == Elem.I8)) {
                int v = src.get(I32, so);
                if (t == Elem.I16) {
                    dst.set(I16, d, (short) v);
                } else {
                    dst.set(I8, d, (byte) v);
                }
            } else {
                write(t, dst, d, read(f, src, so));
            }
        }
    }

    @Override
    public void fill(GgmlType type, MemorySegment dst, long off, long stride, int n, float value) {
        Elem e = Elem.of(type);
        for (int i = 0; i < n; i++) {
            write(e, dst, off + i * stride, value);
        }
    }
}
