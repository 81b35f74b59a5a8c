package io.ggmljava.cli;

import io.ggmljava.core.GgmlException;
import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import io.ggmljava.core.gguf.GgufValue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ggml gguf FILE...}: prints a GGUF file's header like gguf-dump (KV table with types, tensor table with type,
 * shape, offset and bytes), or JSON with {@code --json}. {@code ggml gguf --check FILE...} validates each file and
 * prints exactly one line per file, {@code <file>: ok} or {@code <file>: error: <message>}; the exit status is 0
 * only if every file is ok.
 */
@Command(name = "gguf", mixinStandardHelpOptions = true, description = {
        "Print the header of GGUF files (key/value pairs and tensors), like gguf-dump.",
        "With --check: validate each file and print '<file>: ok' or '<file>: error: <message>' (exit 1 if any "
                + "is not ok)."})
final class GgufCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "GGUF files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--check", description = "Validate only: one line per file, exit status 0 only if all are ok.")
    boolean check;

    @Option(names = "--json", description = "Print JSON on stdout (with --check: a list of {file, ok, error}).")
    boolean json;

    @Option(names = "--header-only", description = "Accept files whose tensor data is absent (written header-only).")
    boolean headerOnly;

    @Option(names = "--array-limit", paramLabel = "N", description = "Array elements shown per value "
            + "(default: 8 in text, all in JSON; -1 for all).")
    Integer arrayLimit;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        return check ? check(out) : dump(out);
    }

    private GgufFile open(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            throw new IOException("is a directory");
        }
        return headerOnly ? GgufFile.openHeaderOnly(p) : GgufFile.open(p);
    }

    /** The error message for a file that could not be read, or null if it is valid. */
    private String problem(Path p) {
        try (GgufFile f = open(p)) {
            return null;
        } catch (NoSuchFileException e) {
            return "no such file";
        } catch (IOException e) {
            return "cannot read: " + e.getMessage();
        } catch (GgmlException e) {
            return e.getMessage();
        }
    }

    private int check(PrintStream out) {
        int bad = 0;
        List<String> entries = new ArrayList<>();
        for (Path p : files) {
            String problem = problem(p);
            bad += problem == null ? 0 : 1;
            if (json) {
                entries.add("{\"file\": " + Json.string(p.toString()) + ", \"ok\": " + (problem == null)
                        + (problem == null ? "" : ", \"error\": " + Json.string(problem)) + "}");
            } else {
                out.println(p + ": " + (problem == null ? "ok" : "error: " + problem));
            }
        }
        if (json) {
            out.println("[" + String.join(",\n ", entries) + "]");
        }
        return bad == 0 ? 0 : 1;
    }

    private int dump(PrintStream out) {
        int bad = 0;
        List<String> docs = new ArrayList<>();
        for (Path p : files) {
            try (GgufFile f = open(p)) {
                if (json) {
                    docs.add(json(p, f));
                } else {
                    text(out, p, f);
                }
            } catch (IOException | GgmlException e) {
                bad++;
                System.err.println(p + ": error: " + (e instanceof NoSuchFileException ? "no such file"
                        : e.getMessage()));
            }
        }
        if (json) {
            out.println(docs.size() == 1 && files.size() == 1 ? docs.get(0) : "[" + String.join(",\n", docs) + "]");
        }
        return bad == 0 ? 0 : 1;
    }

    // ---- text ----

    private void text(PrintStream out, Path p, GgufFile f) {
        int limit = arrayLimit == null ? 8 : arrayLimit;
        out.printf("%s: GGUF v%d, %d key/value pairs, %d tensors, alignment %d, data at byte %d, %d bytes%s%n",
                p, f.version(), f.kv().size(), f.tensors().size(), f.alignment(), f.dataOffset(), f.size(),
                f.isHeaderOnly() ? " (header only)" : "");
        out.printf("* %d key/value pairs%n", f.kv().size());
        int i = 0;
        for (Map.Entry<String, GgufValue> e : f.kv().entrySet()) {
            GgufValue v = e.getValue();
            String type = v instanceof GgufValue.Arr a ? "[" + a.elementType().shortName() + "]" : v.typeName();
            int count = v instanceof GgufValue.Arr a ? a.size() : 1;
            out.printf("%6d: %-8s | %8d | %s = %s%n", ++i, type, count, e.getKey(), show(v, limit));
        }
        out.printf("* %d tensors%n", f.tensors().size());
        if (!f.tensors().isEmpty()) {
            out.printf("%6s  %-8s %-28s %14s %14s %14s  %s%n", "#", "type", "shape (ne)", "elements", "offset",
                    "bytes", "name");
        }
        i = 0;
        long total = 0;
        for (GgufTensorInfo t : f.tensors()) {
            out.printf("%6d  %-8s %-28s %14d %14d %14d  %s%n", ++i, t.type(), t.shapeString(), t.nelements(),
                    t.offset(), t.nbytes(), t.name());
            total += t.nbytes();
        }
        if (!f.tensors().isEmpty()) {
            out.printf("* tensor data: %d bytes in %d tensors (offsets are relative to byte %d)%n", total,
                    f.tensors().size(), f.dataOffset());
        }
    }

    /** A value as gguf-dump shows it: strings quoted, arrays as {@code [a, b, ...]} cut after {@code limit}. */
    static String show(GgufValue v, int limit) {
        return switch (v) {
            case GgufValue.Str(String s) -> "'" + escape(s.length() > 80 ? s.substring(0, 77) + "..." : s) + "'";
            case GgufValue.Arr a -> {
                StringBuilder sb = new StringBuilder("[");
                int n = limit < 0 ? a.size() : Math.min(limit, a.size());
                for (int k = 0; k < n; k++) {
                    sb.append(k == 0 ? "" : ", ").append(show(a.get(k), limit));
                }
                yield sb.append(n < a.size() ? (n == 0 ? "..." : ", ...") : "").append(']').toString();
            }
            case GgufValue.U8(int x) -> Integer.toString(x);
            case GgufValue.I8(byte x) -> Byte.toString(x);
            case GgufValue.U16(int x) -> Integer.toString(x);
            case GgufValue.I16(short x) -> Short.toString(x);
            case GgufValue.U32(long x) -> Long.toString(x);
            case GgufValue.I32(int x) -> Integer.toString(x);
            case GgufValue.F32(float x) -> Float.toString(x);
            case GgufValue.Bool(boolean x) -> Boolean.toString(x);
            case GgufValue.U64(long x) -> Long.toUnsignedString(x);
            case GgufValue.I64(long x) -> Long.toString(x);
            case GgufValue.F64(double x) -> Double.toString(x);
        };
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c == '\'' || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    // ---- JSON ----

    private String json(Path p, GgufFile f) {
        int limit = arrayLimit == null ? -1 : arrayLimit;
        StringBuilder sb = new StringBuilder();
        sb.append("{\"file\": ").append(Json.string(p.toString()))
                .append(", \"version\": ").append(f.version())
                .append(", \"alignment\": ").append(f.alignment())
                .append(", \"data_offset\": ").append(f.dataOffset())
                .append(", \"size\": ").append(f.size())
                .append(", \"header_only\": ").append(f.isHeaderOnly())
                .append(",\n \"kv\": [");
        boolean first = true;
        for (Map.Entry<String, GgufValue> e : f.kv().entrySet()) {
            GgufValue v = e.getValue();
            sb.append(first ? "\n  " : ",\n  ").append("{\"key\": ").append(Json.string(e.getKey()))
                    .append(", \"type\": ").append(Json.string(v.type().shortName()));
            if (v instanceof GgufValue.Arr a) {
                sb.append(", \"element_type\": ").append(Json.string(a.elementType().shortName()))
                        .append(", \"count\": ").append(a.size());
            }
            sb.append(", \"value\": ");
            jsonValue(sb, v, limit);
            sb.append('}');
            first = false;
        }
        sb.append("],\n \"tensors\": [");
        first = true;
        for (GgufTensorInfo t : f.tensors()) {
            sb.append(first ? "\n  " : ",\n  ").append("{\"name\": ").append(Json.string(t.name()))
                    .append(", \"type\": ").append(Json.string(t.type().ggmlName()))
                    .append(", \"type_id\": ").append(t.type().id())
                    .append(", \"n_dims\": ").append(t.nDims())
                    .append(", \"ne\": [").append(t.ne(0)).append(", ").append(t.ne(1)).append(", ")
                    .append(t.ne(2)).append(", ").append(t.ne(3)).append(']')
                    .append(", \"offset\": ").append(t.offset())
                    .append(", \"file_offset\": ").append(f.dataOffset() + t.offset())
                    .append(", \"nbytes\": ").append(t.nbytes()).append('}');
            first = false;
        }
        return sb.append("]}").toString();
    }

    private static void jsonValue(StringBuilder sb, GgufValue v, int limit) {
        switch (v) {
            case GgufValue.Str(String s) -> sb.append(Json.string(s));
            case GgufValue.Arr a -> {
                sb.append('[');
                int n = limit < 0 ? a.size() : Math.min(limit, a.size());
                for (int k = 0; k < n; k++) {
                    if (k > 0) {
                        sb.append(", ");
                    }
                    jsonValue(sb, a.get(k), limit);
                }
                sb.append(']');
            }
            case GgufValue.F32(float x) -> sb.append(Json.number(x));
            case GgufValue.F64(double x) -> sb.append(Json.number(x));
            case GgufValue.U8(int x) -> sb.append(x);
            case GgufValue.I8(byte x) -> sb.append(x);
            case GgufValue.U16(int x) -> sb.append(x);
            case GgufValue.I16(short x) -> sb.append(x);
            case GgufValue.U32(long x) -> sb.append(x);
            case GgufValue.I32(int x) -> sb.append(x);
            case GgufValue.Bool(boolean x) -> sb.append(x);
            case GgufValue.U64(long x) -> sb.append(Long.toUnsignedString(x));
            case GgufValue.I64(long x) -> sb.append(x);
        }
    }
}
