package io.goheap.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find native/: the system property surefire sets, or ../native from the module. */
public final class NativeDir {
    private NativeDir() {
    }

    public static Path get() {
        String p = System.getProperty("goheap.native.dir");
        Path dir = p != null ? Path.of(p) : Path.of("..", "native");
        if (!Files.isDirectory(dir.resolve("include"))) {
            throw new IllegalStateException("native/ not found at " + dir.toAbsolutePath());
        }
        return dir.normalize();
    }
}
