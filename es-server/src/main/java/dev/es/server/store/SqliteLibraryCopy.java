package dev.es.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * sqlite-jdbc copies its native library into the temporary directory under a new name at each start, and deletes
 * the copy at a clean exit only: every server killed (a crash, {@code kill -9}, a test) left a megabyte behind in
 * /tmp, never cleaned (400 of them here after a day of tests). Once loaded the copy is not needed, so it is
 * deleted then; on Linux the loaded library outlives its name. Only sqlite-jdbc's own copies are touched: files
 * named {@code sqlite-*} in the temporary directory that this process has mapped.
 */
final class SqliteLibraryCopy {

    private static final Path MAPS = Path.of("/proc/self/maps");

    private SqliteLibraryCopy() {}

    /** Deletes this process's copy of the native library, and its lock file; nothing where /proc is not. */
    static void deleteLoaded() {
        Path temporary = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        List<Path> copies;
        try (Stream<String> mappings = Files.lines(MAPS)) {
            copies = mappings.filter(line -> line.contains("libsqlitejdbc"))
                    .map(line -> Path.of(line.substring(line.indexOf('/'))))
                    .filter(file -> temporary.equals(file.getParent()) && file.getFileName().toString().startsWith("sqlite-"))
                    .distinct()
                    .toList();
        } catch (IOException | RuntimeException noProcFileSystem) {
            return;
        }
        for (Path copy : copies) {
            try {
                Files.deleteIfExists(copy);
                Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + ".lck"));
            } catch (IOException notOurs) {
                // Left, as before.
            }
        }
    }
}
