package io.ggmljava.models;

import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufTensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens a {@link SizableModel} from a GGUF header: a file (only its header is read; the tensor data may be absent)
 * or a {@linkplain BuiltinModels built-in} ({@code builtin:NAME}). The architecture comes from
 * {@code general.architecture}.
 */
public final class Models {
    /** The prefix naming a built-in model. */
    public static final String BUILTIN = "builtin:";

    private Models() {
    }

    /** {@code builtin:NAME} or a path to a GGUF file. */
    public static SizableModel open(String spec) {
        if (spec.startsWith(BUILTIN)) {
            String name = spec.substring(BUILTIN.length());
            return fromGguf(spec, BuiltinModels.open(name), true);
        }
        Path p = Path.of(spec);
        try (GgufFile f = GgufFile.openHeaderOnly(p)) {
            return fromGguf(spec, f, !dataPresent(f));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + spec + " (built-in models are named "
                    + BUILTIN + "NAME; known: " + String.join(", ", BuiltinModels.names()) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + spec + ": " + e.getMessage(), e);
        }
    }

    /** True if the file holds every tensor's bytes (false for a header-only file). */
    public static boolean dataPresent(GgufFile f) {
        long end = f.dataOffset();
        for (GgufTensorInfo t : f.tensors()) {
            end = Math.max(end, f.dataOffset() + t.offset() + t.nbytes());
        }
        return f.size() >= end;
    }

    /** The model a parsed GGUF header describes. */
    public static SizableModel fromGguf(String source, GgufFile f, boolean headerOnly) {
        String arch = f.getString("general.architecture", "");
        return switch (arch) {
            case "llama" -> new LlamaModel(source, headerOnly, LlamaConfig.fromGguf(f),
                    f.tensors().stream().map(TensorSpec::of).toList());
            case "gpt2" -> Gpt2Model.fromGguf(source, f);
            case "lstm" -> LstmModel.fromGguf(source, f);
            default -> throw new IllegalArgumentException(source + ": architecture '" + arch + "' is not supported "
                    + "(llama, gpt2, lstm)");
        };
    }

    /** Writes the header of a built-in model to {@code path} (a header-only GGUF any GGUF reader can open). */
    public static void writeBuiltin(String name, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BuiltinModels.writer(name).writeHeaderOnly(path);
    }
}
