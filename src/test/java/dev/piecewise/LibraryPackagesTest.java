package dev.piecewise;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine is a library another tool can reuse (src/docs/architecture.md, "Packages"): its packages import no Spring
 * class and nothing of the service around them.
 */
class LibraryPackagesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/piecewise");

    @Test
    void theEnginesPackagesImportNeitherSpringNorTheService() {
        List<Path> files = Stream.of("concurrent", "graph", "partition", "codegen").map(SOURCES::resolve)
                .flatMap(LibraryPackagesTest::javaFiles).toList();
        List<String> offending = files.stream().flatMap(file -> lines(file).stream()
                        .filter(line -> line.startsWith("import org.springframework.")
                                || line.matches("import dev\\.piecewise\\.(run|web|auth|storage|limits|client)\\..*"))
                        .map(line -> file + ": " + line))
                .toList();
        assertThat(files).hasSizeGreaterThan(50);
        assertThat(offending).isEmpty();
    }

    private static Stream<Path> javaFiles(Path dir) {
        try {
            return Files.walk(dir).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
