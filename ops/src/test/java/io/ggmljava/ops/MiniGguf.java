package io.ggmljava.ops;

import io.ggmljava.core.GgmlType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal GGUF v3 reader for the golden fixtures of the ops tests (the project's reader lives in core once it
 * lands; the ops module cannot depend on testdata). Trusts its input: fixtures only.
 */
final class MiniGguf {
    record TensorInfo(String name, long[] ne, GgmlType type, ByteBuffer data) {
    }

    final Map<String, Object> kv = new LinkedHashMap<>();
    final Map<String, TensorInfo> tensors = new LinkedHashMap<>();

    MiniGguf(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != 0x46554747) {
            throw new IOException(path + ": not a GGUF file");
        }
        b.getInt(); // version
        long nt = b.getLong();
        long nkv = b.getLong();
        for (long i = 0; i < nkv; i++) {
            String key = str(b);
            kv.put(key, value(b, b.getInt()));
        }
        List<Object[]> infos = new ArrayList<>();
        for (long i = 0; i < nt; i++) {
            String name = str(b);
            int nd = b.getInt();
            long[] ne = {1, 1, 1, 1};
            for (int d = 0; d < nd; d++) {
                ne[d] = b.getLong();
            }
            GgmlType type = GgmlType.byId(b.getInt());
            long off = b.getLong();
            infos.add(new Object[]{name, ne, type, off});
        }
        int start = (b.position() + 31) / 32 * 32;
        for (Object[] in : infos) {
            long[] ne = (long[]) in[1];
            GgmlType type = (GgmlType) in[2];
            long bytes = type.rowSize(ne[0]) * ne[1] * ne[2] * ne[3];
            ByteBuffer data = b.slice(start + (int) (long) (Long) in[3], (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            tensors.put((String) in[0], new TensorInfo((String) in[0], ne, type, data));
        }
    }

    private static String str(ByteBuffer b) {
        byte[] s = new byte[(int) b.getLong()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer b, int t) {
        return switch (t) {
            case 0 -> b.get();
            case 1 -> b.get();
            case 2 -> b.getShort();
            case 3 -> b.getShort();
            case 4, 5 -> b.getInt();
            case 6 -> b.getFloat();
            case 7 -> b.get() != 0;
            case 8 -> str(b);
            case 9 -> {
                int et = b.getInt();
                long n = b.getLong();
                List<Object> l = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    l.add(value(b, et));
                }
                yield l;
            }
            case 10, 11 -> b.getLong();
            case 12 -> b.getDouble();
            default -> throw new IllegalArgumentException("GGUF value type " + t);
        };
    }

    int i32(String key) {
        return ((Number) kv.get("golden.param." + key)).intValue();
    }

    float f32(String key) {
        return ((Number) kv.get("golden.param." + key)).floatValue();
    }

    boolean has(String key) {
        return kv.containsKey("golden.param." + key);
    }
}
