package io.ggmljava.testdata.contracts;

import io.ggmljava.alloc.BufferType;
import io.ggmljava.alloc.BufferTypes;
import io.ggmljava.alloc.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.lifecycle.AfterContainer;

/** The buffer type contract for read-only file mappings, over a temporary file of 1 MiB after a 4 KiB header. */
class MappedBufferTypeProperties implements BufferTypeContract {
    private static final long OFFSET = 4096;
    private static final Path FILE = makeFile();

    private static Path makeFile() {
        try {
            Path f = Files.createTempFile("mapped-contract", ".bin");
            Files.write(f, new byte[(int) (OFFSET + (1 << 20))]);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void removeFile() throws IOException {
        Files.deleteIfExists(FILE);
    }

    @Override
    public BufferType bufferType() {
        return BufferTypes.mapped(FILE, OFFSET);
    }

    @Override
    public Set<Usage> usages() {
        return EnumSet.of(Usage.ANY, Usage.WEIGHTS);
    }

    @Override
    public boolean writable() {
        return false;
    }
}
