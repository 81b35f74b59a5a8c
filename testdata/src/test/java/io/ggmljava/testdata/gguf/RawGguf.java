package io.ggmljava.testdata.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes GGUF bytes field by field with no validation, so tests can build files that break exactly one rule.
 * All values are little-endian.
 */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** "GGUF", version, n_tensors, n_kv. */
    static RawGguf header(int version, long nTensors, long nKv) {
        return new RawGguf().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(nTensors).u64(nKv);
    }

    RawGguf bytes(byte... b) {
        out.writeBytes(b);
        return this;
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    RawGguf u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /** A GGUF string: u64 length then the UTF-8 bytes. */
    RawGguf str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).bytes(b);
    }

    /** A key followed by a u32 value of type {@code type} (the raw type id). */
    RawGguf kvU32(String key, int type, long value) {
        return str(key).u32(type).u32(value);
    }

    /** A key with a string value. */
    RawGguf kvStr(String key, String value) {
        return str(key).u32(8).str(value);
    }

    /** A tensor info: name, dims, type id, offset. */
    RawGguf tensor(String name, long[] ne, int type, long offset) {
        str(name).u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Zero bytes up to a multiple of {@code alignment}. */
    RawGguf pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    /** {@code n} bytes of data (a repeating pattern). */
    RawGguf data(int n) {
        for (int i = 0; i < n; i++) {
            out.write(i * 7 + 1);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] build() {
        return out.toByteArray();
    }
}
