package io.ggmljava.testdata.contracts;

import io.ggmljava.core.gguf.GgufFile;
import io.ggmljava.core.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The GGUF contract for files: written with {@link GgufWriter#write(Path)}, read by mapping with
 * {@link GgufFile#open}.
 */
class MappedFileGgufProperties implements GgufContract {
    private static Path dir;

    @BeforeContainer
    static void makeDirectory() throws IOException {
        dir = Files.createTempDirectory("gguf-contract");
    }

    @AfterContainer
    static void removeDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Override
    public byte[] write(GgufWriter w) {
        try {
            Path file = Files.createTempFile(dir, "case", ".gguf");
            w.write(file);
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public GgufFile read(byte[] gguf) {
        try {
            Path file = Files.createTempFile(dir, "read", ".gguf");
            Files.write(file, gguf);
            return GgufFile.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
