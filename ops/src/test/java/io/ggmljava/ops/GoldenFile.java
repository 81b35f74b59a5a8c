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
 * A minimal reader of the golden GGUF fixtures (format in the fixtures' README), for the matmul tests until the
 * shared golden runner is available to this module.
 */
record GoldenFile(String name, Map<String, Object> kv, Map<String, Info> tensors) {
    /** One tensor: ggml shape (padded to 4), type, raw bytes. */
    record Info(String name, long[] ne, GgmlType type, byte[] data) {
    }

    static final Path DIR = Path.of("..", "testdata", "src", "main", "resources", "io", "ggmljava", "testdata", "golden");

    static List<Path> list(String op) throws IOException {
        try (var s = Files.list(DIR.resolve(op))) {
            return s.filter(p -> p.toString().endsWith(".gguf")).sorted().toList();
        }
    }

    static GoldenFile read(Path file) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (bb.getInt() != 0x46554747) {
            throw new IOException(file + ": not a GGUF file");
        }
        bb.getInt(); // version
        long nTensors = bb.getLong();
        long nKv = bb.getLong();
        Map<String, Object> kv = new LinkedHashMap<>();
        for (long i = 0; i < nKv; i++) {
            String key = str(bb);
            kv.put(key, value(bb, bb.getInt()));
        }
        List<Object[]> infos = new ArrayList<>();
        for (long i = 0; i < nTensors; i++) {
            String n = str(bb);
            int nd = bb.getInt();
            long[] ne = {1, 1, 1, 1};
            for (int d = 0; d < nd; d++) {
                ne[d] = bb.getLong();
            }
            GgmlType t = GgmlType.byId(bb.getInt());
            long off = bb.getLong();
            infos.add(new Object[]{n, ne, t, off});
        }
        int dataStart = (bb.position() + 31) / 32 * 32;
        Map<String, Info> ts = new LinkedHashMap<>();
        for (Object[] o : infos) {
            long[] ne = (long[]) o[1];
            GgmlType t = (GgmlType) o[2];
            long bytes = t.rowSize(ne[0]) * ne[1] * ne[2] * ne[3];
            byte[] data = new byte[(int) bytes];
            bb.get(dataStart + (int) (long) o[3], data);
            ts.put((String) o[0], new Info((String) o[0], ne, t, data));
        }
        return new GoldenFile(file.getFileName().toString(), kv, ts);
    }

    private static String str(ByteBuffer bb) {
        byte[] b = new byte[(int) bb.getLong()];
        bb.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer bb, int type) {
        return switch (type) {
            case 0 -> bb.get();
            case 1 -> bb.get();
            case 2 -> bb.getShort();
            case 3 -> bb.getShort();
            case 4, 5 -> bb.getInt();
            case 6 -> bb.getFloat();
            case 7 -> bb.get() != 0;
            case 8 -> str(bb);
            case 9 -> {
                int et = bb.getInt();
                long n = bb.getLong();
                List<Object> l = new ArrayList<>();
                for (long i = 0; i < n; i++) {
                    l.add(value(bb, et));
                }
                yield l;
            }
            case 10, 11 -> bb.getLong();
            case 12 -> bb.getDouble();
            default -> throw new IllegalArgumentException("GGUF value type " + type);
        };
    }

    /** The int array KV {@code key}, or null. */
    int[] ints(String key) {
        Object o = kv.get(key);
        if (o == null) {
            return null;
        }
        List<?> l = (List<?>) o;
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((Number) l.get(i)).intValue();
        }
        return r;
    }
}
