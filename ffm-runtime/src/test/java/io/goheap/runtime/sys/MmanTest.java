package io.goheap.runtime.sys;

import io.goheap.runtime.testing.Commands;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The madvise constant jextract did not bind, held to the C library's header; prefaulting on commit. */
class MmanTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void populateWriteIsTheHeadersValue() throws Exception {
        Path src = tmp.resolve("p.c");
        Files.writeString(src, "#define _GNU_SOURCE 1\n#include <sys/mman.h>\n#include <stdio.h>\nint main(void) { printf(\"%d\", MADV_POPULATE_WRITE); return 0; }\n");
        Path exe = tmp.resolve("p");
        Commands.run("gcc", "-std=c11", "-Wall", "-Werror", "-o", exe.toString(), src.toString());
        String out = Commands.run(exe.toString());
        assertEquals(Integer.toString(Mman.MADV_POPULATE_WRITE), out);
        assertEquals("MADV_POPULATE_WRITE", Mman.advice(Mman.MADV_POPULATE_WRITE));
    }

    /** sysAlloc and sysUsed of writable memory fault it in with one call each; the bytes stay zero. */
    @Test
    void committedMemoryIsPrefaulted() {
        try (SysMemory sys = new SysMemory(new MemStats())) {
            long before = sys.prefaults();
            Mapping m = sys.sysAlloc(1 << 20, SysStat.OTHER_SYS, "test");
            assertEquals(before + 1, sys.prefaults());
            for (long o = 0; o < 1 << 20; o += 4096) {
                assertEquals(0, sys.memory().u64(m.address() + o));
            }
        }
    }
}
