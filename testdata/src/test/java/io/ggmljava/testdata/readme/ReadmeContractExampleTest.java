package io.ggmljava.testdata.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's contract example is {@link MyBinaryKernelsProperties} verbatim (from its first import on), so the
 * example compiles and runs as one of the test classes; this test keeps the two from drifting apart.
 */
class ReadmeContractExampleTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theReadmeShowsTheCompiledExample() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/ggmljava/testdata/readme/"
                + "MyBinaryKernelsProperties.java"));
        String body = source.substring(source.indexOf("import "));
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains(body), "README.md must contain MyBinaryKernelsProperties.java from its first "
                + "import on, verbatim");
    }
}
