package io.ggmljava.testdata.gguf;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The golden fixture files, located through the class path. */
final class GoldenFiles {
    private GoldenFiles() {
    }

    /** The golden directory (holds INDEX, README.md and the op directories). */
    static Path dir() {
        URL index = GoldenFiles.class.getResource("/io/ggmljava/testdata/golden/INDEX");
        if (index == null) {
            throw new IllegalStateException("golden INDEX not on the class path");
        }
        try {
            return Path.of(index.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file listed in INDEX, in INDEX order. */
    static List<Path> all() throws IOException {
        Path dir = dir();
        return Files.readAllLines(dir.resolve("INDEX")).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).map(dir::resolve).toList();
    }
}
