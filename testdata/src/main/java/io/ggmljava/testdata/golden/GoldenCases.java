package io.ggmljava.testdata.golden;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where golden cases come from: the fixtures bundled with this module (classpath resources listed in
 * {@code io/ggmljava/testdata/golden/INDEX}) or a directory of {@code <op>/<name>.gguf} files.
 *
 * <pre>{@code
 * for (String file : GoldenCases.bundledIndex()) {
 *     GoldenCase c = GoldenCases.loadBundled(file);     // e.g. "soft_max/soft_max_16x16x1x1_nomask_s1_mb0.gguf"
 * }
 * }</pre>
 */
public final class GoldenCases {
    /** Classpath folder of the bundled fixtures. */
    public static final String RESOURCE_ROOT = "/io/ggmljava/testdata/golden/";

    private GoldenCases() {
    }

    /** The bundled case files, in INDEX order (paths relative to the fixture root). */
    public static List<String> bundledIndex() {
        try (InputStream in = GoldenCases.class.getResourceAsStream(RESOURCE_ROOT + "INDEX")) {
            if (in == null) {
                throw new IllegalStateException("bundled golden INDEX not found at " + RESOURCE_ROOT + "INDEX");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().map(String::trim).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled golden INDEX", e);
        }
    }

    /** Loads the bundled case {@code file} (a path from {@link #bundledIndex()}). */
    public static GoldenCase loadBundled(String file) {
        if (file.contains("..") || file.startsWith("/")) {
            throw new IllegalArgumentException("bad case path: " + file);
        }
        try (InputStream in = GoldenCases.class.getResourceAsStream(RESOURCE_ROOT + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled golden case " + file);
            }
            return CaseReader.read(file, MemorySegment.ofArray(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading bundled golden case " + file, e);
        }
    }

    /**
     * The case files under {@code dir}, relative to it: those its {@code INDEX} lists if it has one, otherwise every
     * {@code *.gguf} below it, sorted.
     */
    public static List<String> index(Path dir) {
        try {
            Path index = dir.resolve("INDEX");
            if (Files.isRegularFile(index)) {
                return Files.readAllLines(index, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
            }
            List<String> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".gguf"))
                        .forEach(p -> files.add(dir.relativize(p).toString().replace('\\', '/')));
            }
            files.sort(null);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("listing golden cases in " + dir, e);
        }
    }

    /** Loads case {@code file} (relative to {@code dir}). */
    public static GoldenCase load(Path dir, String file) {
        try {
            return CaseReader.read(file, MemorySegment.ofArray(Files.readAllBytes(dir.resolve(file))));
        } catch (IOException e) {
            throw new UncheckedIOException("reading golden case " + dir.resolve(file), e);
        }
    }
}
