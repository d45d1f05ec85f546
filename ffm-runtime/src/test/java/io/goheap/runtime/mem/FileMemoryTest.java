package io.goheap.runtime.mem;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link FileMemory} over native segments (as a mapped file is), plus what only files do. */
class FileMemoryTest extends GoMemoryContractTest {
    static final long BASE = 0x4a_0000_0000L;
    private Arena arena;

    @Override
    GoMemory open() {
        arena = Arena.ofShared();
        MemorySegment rw = arena.allocate(LEN, 4096);
        MemorySegment ro = arena.allocate(4096, 4096);
        ro.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 42);
        return new FileMemory("test file", List.of(new FileMemory.Region("rw", BASE, rw),
                new FileMemory.Region("ro", BASE + 2 * LEN, ro.asReadOnly())));
    }

    @Override
    long base() {
        return BASE;
    }

    @Override
    void close() {
        arena.close();
    }

    @Test
    void aReadOnlyRegionReadsButRefusesWrites() {
        long ro = BASE + 2 * LEN;
        assertEquals(42, mem.u64(ro));
        assertEquals(42, mem.u64Acquire(ro), "acquire is a plain load on a file");
        ReadOnlyMemoryException e = assertThrows(ReadOnlyMemoryException.class, () -> mem.setU64(ro, 1));
        assertEquals(ro, e.address());
        assertThrows(ReadOnlyMemoryException.class, () -> mem.casU64(ro, 42, 1));
        assertThrows(ReadOnlyMemoryException.class, () -> mem.write(ro, new byte[8]));
        assertEquals(42, mem.u64(ro), "nothing was written");
    }

    @Test
    void acquireLoadsTolerateMisalignedHostilePointers() {
        mem.setU64(BASE + 9, 5);
        assertEquals(5, mem.u64Acquire(BASE + 9), "a file's misaligned word is a value, not an alignment error");
    }

    @Test
    void overlappingRegionsAreRefused() {
        MemorySegment a = MemorySegment.ofArray(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> new FileMemory("x",
                List.of(new FileMemory.Region("a", 0x1000, a), new FileMemory.Region("b", 0x1008, a))));
    }
}
