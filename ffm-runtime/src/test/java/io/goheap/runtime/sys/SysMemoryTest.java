package io.goheap.runtime.sys;

import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.ProcMaps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SysMemoryTest extends NativeMemoryTest {
    static final long CHUNK = 256 << 10;

    MemStats stats;
    SysMemory sys;

    @BeforeEach
    void setUp() {
        stats = new MemStats();
        sys = new SysMemory(stats);
    }

    @AfterEach
    void tearDown() {
        sys.close();
    }

    @Test
    void sysAllocGivesZeroedReadWriteMemoryAndAccountsIt() throws Exception {
        Mapping m = sys.sysAlloc(CHUNK, SysStat.OTHER_SYS, "chunk");
        assertEquals(0, m.address() % Mman.PAGE_SIZE, "page aligned");
        assertEquals(CHUNK, m.segment().byteSize());
        for (long off = 0; off < CHUNK; off += 4096) {
            assertEquals(0, m.segment().get(ValueLayout.JAVA_LONG, off), "zeroed at +" + off);
        }
        m.segment().set(ValueLayout.JAVA_LONG, CHUNK - 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, m.segment().get(ValueLayout.JAVA_LONG, CHUNK - 8));
        assertEquals(CHUNK, stats.get(SysStat.OTHER_SYS));
        assertEquals(CHUNK, stats.mappedReady());
        List<ProcMaps.Range> maps = ProcMaps.read();
        assertEquals(CHUNK, ProcMaps.mappedBytes(maps, m.address(), m.end()));
        assertTrue(ProcMaps.permsAt(maps, m.address()).startsWith("rw-p"));
        assertSame(m, sys.find(m.address() + 100));
        assertNull(sys.find(m.end()));
    }

    @Test
    void sysFreeUnmapsAndTheSegmentThrowsAfterwards() throws Exception {
        Mapping m = sys.sysAlloc(CHUNK, SysStat.HEAP_SYS, "x");
        sys.sysFree(m);
        assertEquals(0, stats.get(SysStat.HEAP_SYS));
        assertEquals(0, stats.mappedReady());
        assertFalse(m.isAlive());
        assertThrows(IllegalStateException.class, () -> m.segment().get(ValueLayout.JAVA_LONG, 0));
        // the range goes back to the runtime's reserved address space: PROT_NONE, free for the next sysAlloc
        assertTrue(ProcMaps.permsAt(ProcMaps.read(), m.address()).startsWith("---p"), "no longer accessible");
        assertThrows(BadAddressException.class, () -> sys.memory().u64(m.address()), "nor through the memory layer");
        assertThrows(IllegalArgumentException.class, () -> sys.sysFree(m), "double free");
        assertEquals(m.address(), sys.sysAlloc(CHUNK, SysStat.HEAP_SYS, "again").address(), "the freed range is reused first");
    }

    @Test
    void injectedFaultFailsTheNthMmapAndLeavesStateUnchanged() {
        sys.sysAlloc(8192, SysStat.OTHER_SYS, "before");
        Map<SysStat, Long> before = stats.bySysStat();
        long ready = stats.mappedReady();
        int mappings = sys.mappings().size();
        sys.faults().failNthMmap(2, Errno.ENOMEM);
        sys.sysAlloc(8192, SysStat.OTHER_SYS, "first passes");
        SyscallException e = assertThrows(SyscallException.class, () -> sys.sysAlloc(CHUNK, SysStat.GC_MISC_SYS, "second fails"));
        // sysAlloc commits a range carved from the reserved address space: the call that fails is its mprotect
        assertEquals("mprotect", e.call());
        assertEquals("ENOMEM", e.errnoName());
        assertTrue(e.injected());
        assertTrue(e.getMessage().matches("mprotect\\(addr=0x7[0-9a-f]+000, len=262144, prot=PROT_READ\\|PROT_WRITE\\)"
                + " failed: ENOMEM \\(Cannot allocate memory\\) \\[injected fault\\]"), e.getMessage());
        assertEquals(before.get(SysStat.OTHER_SYS) + 8192, stats.get(SysStat.OTHER_SYS));
        assertEquals(0, stats.get(SysStat.GC_MISC_SYS), "a failed sysAlloc accounts nothing");
        assertEquals(ready + 8192, stats.mappedReady());
        assertEquals(mappings + 1, sys.mappings().size());
        assertFalse(sys.faults().armed(), "the fault fires once");
        sys.sysAlloc(CHUNK, SysStat.GC_MISC_SYS, "healed");
        assertEquals(CHUNK, stats.get(SysStat.GC_MISC_SYS));
    }

    @Test
    void goWordsForEaccesAndEagain() {
        sys.faults().failNthMmap(1, Errno.EAGAIN);
        SyscallException e = assertThrows(SyscallException.class, () -> sys.sysAlloc(4096, SysStat.OTHER_SYS, "x"));
        assertTrue(e.getMessage().endsWith("runtime: mmap: too much locked memory (check 'ulimit -l')."), e.getMessage());
        sys.faults().failNthMmap(1, Errno.EACCES);
        e = assertThrows(SyscallException.class, () -> sys.sysAlloc(4096, SysStat.OTHER_SYS, "x"));
        assertTrue(e.getMessage().contains("EACCES") && e.getMessage().endsWith("runtime: mmap: access denied"), e.getMessage());
    }

    @Test
    void aRealKernelFailureCarriesErrno() {
        // 2^47 bytes fits in no reserved space, so a space of its own is asked for: beyond the 47-bit user
        // address space, the kernel says ENOMEM.
        SyscallException e = assertThrows(SyscallException.class, () -> sys.sysAlloc(1L << 47, SysStat.OTHER_SYS, "huge"));
        assertFalse(e.injected());
        assertEquals(Errno.ENOMEM, e.errno());
        assertTrue(e.getMessage().startsWith("mmap(addr=0x0, len=140737488355328, prot=PROT_NONE"), e.getMessage());
        assertEquals(0, stats.sys());
        SyscallException p = assertThrows(SyscallException.class, () -> Mman.mprotect(1, 4096, Mman.PROT_READ));
        assertEquals("EINVAL", p.errnoName(), "unaligned address");
        assertTrue(p.getMessage().startsWith("mprotect(addr=0x1, len=4096, prot=PROT_READ) failed: EINVAL"), p.getMessage());
    }

    @Test
    void reserveThenMapCommitsPartsAndAccountsOnlyThem() throws Exception {
        long page = 64 << 10;
        Reservation r = sys.sysReserve(0, 16 * page);
        assertEquals(0, stats.sys(), "a reservation is not accounted");
        List<ProcMaps.Range> maps = ProcMaps.read();
        assertTrue(ProcMaps.permsAt(maps, r.address()).startsWith("---p"), "PROT_NONE");
        Mapping a = sys.sysMap(r, r.address() + 2 * page, page, SysStat.HEAP_SYS, "arena part");
        assertEquals(r.address() + 2 * page, a.address());
        assertSame(r, a.within());
        assertEquals(page, stats.get(SysStat.HEAP_SYS));
        a.segment().set(ValueLayout.JAVA_LONG, page - 8, 7);
        assertTrue(ProcMaps.permsAt(ProcMaps.read(), a.address()).startsWith("rw-p"));
        assertThrows(IllegalArgumentException.class, () -> sys.sysMap(r, r.address() + 2 * page + 4096, page, SysStat.HEAP_SYS, "overlap"));
        assertThrows(IllegalArgumentException.class, () -> sys.sysMap(r, r.end() - 4096, page, SysStat.HEAP_SYS, "past end"));
        sys.sysFree(a);
        assertEquals(0, stats.get(SysStat.HEAP_SYS));
        assertTrue(ProcMaps.permsAt(ProcMaps.read(), a.address()).startsWith("---p"), "back to PROT_NONE, still reserved");
        sys.close();
        assertEquals(0, ProcMaps.mappedBytes(ProcMaps.read(), r.address(), r.end()));
        assertFalse(r.isAlive());
    }

    @Test
    void protectMakesTextReadExecuteAndTheSegmentReadOnly() throws Exception {
        Mapping t = sys.sysAlloc(4096, SysStat.OTHER_SYS, ".text");
        t.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 0xc3);
        sys.protect(t, Mman.PROT_READ | Mman.PROT_EXEC);
        assertTrue(ProcMaps.permsAt(ProcMaps.read(), t.address()).startsWith("r-xp"));
        assertEquals((byte) 0xc3, t.segment().get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(t.segment().isReadOnly());
        assertThrows(IllegalArgumentException.class, () -> t.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 0));
        assertThrows(IllegalArgumentException.class, () -> sys.protect(t, Mman.PROT_NONE));
    }

    @Test
    void closedLayerRefusesEverything() {
        Mapping m = sys.sysAlloc(4096, SysStat.OTHER_SYS, "x");
        sys.close();
        sys.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> sys.sysAlloc(4096, SysStat.OTHER_SYS, "x"));
        assertThrows(IllegalStateException.class, () -> sys.sysReserve(0, 4096));
        assertThrows(IllegalStateException.class, () -> sys.sysFree(m));
        assertThrows(IllegalStateException.class, () -> m.segment().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void liveCountsSeeEveryMappingUntilClose() {
        SysMemory.Live start = SysMemory.liveInProcess();
        try (SysMemory other = new SysMemory(new MemStats())) {
            Mapping m = other.sysAlloc(8192, SysStat.OTHER_SYS, "a");
            Reservation r = other.sysReserve(0, 1 << 20);
            other.sysMap(r, r.address(), 65536, SysStat.HEAP_SYS, "b");
            assertEquals(new SysMemory.Live(start.mappings() + 2, start.reservations() + 1, start.bytes() + 8192 + (1 << 20),
                    start.spaces() + 2), SysMemory.liveInProcess(), "the heap and the OS space are reserved up front");
            other.sysFree(m);
            assertEquals(new SysMemory.Live(start.mappings() + 1, start.reservations() + 1, start.bytes() + (1 << 20),
                    start.spaces() + 2), SysMemory.liveInProcess());
        }
        assertEquals(start, SysMemory.liveInProcess());
    }

    @Test
    void rangesThatOverflowOrLeaveTheMappingAreRefused() {
        Mapping m = sys.sysAlloc(8192, SysStat.OTHER_SYS, "x");
        assertThrows(IndexOutOfBoundsException.class, () -> sys.sysUnused(m, 4096, Long.MAX_VALUE - 100));
        assertThrows(IndexOutOfBoundsException.class, () -> sys.sysUnused(m, 4096, 8192));
        assertThrows(IndexOutOfBoundsException.class, () -> sys.sysUnused(m, 0, 100), "not page aligned");
        sys.sysUnused(m, 4096, 4096);
        assertEquals(4096, stats.mappedReady());
        assertThrows(IndexOutOfBoundsException.class, () -> sys.sysUsed(m, 0, 8192), "only 4096 bytes are Prepared");
        sys.sysUsed(m, 4096, 4096);
        assertEquals(8192, stats.mappedReady());
    }

    @Test
    void aWritableSegmentTakenBeforeProtectCannotWriteAfterIt() {
        Mapping t = sys.sysAlloc(4096, SysStat.OTHER_SYS, ".text");
        var before = t.segment();
        sys.protect(t, Mman.PROT_READ | Mman.PROT_EXEC);
        assertThrows(IllegalStateException.class, () -> before.set(ValueLayout.JAVA_LONG, 0, 1), "old view closed");
        assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_LONG, 0));
        assertEquals(0, t.segment().get(ValueLayout.JAVA_LONG, 0), "the new view reads");
        sys.protect(t, Mman.PROT_READ | Mman.PROT_WRITE);
        t.segment().set(ValueLayout.JAVA_LONG, 0, 5);
        assertEquals(5, t.segment().get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void sysMapAccountsTheStatAndSysUsedMakesItReady() {
        Reservation r = sys.sysReserve(0, 1 << 20);
        Mapping m = sys.sysMap(r, r.address(), 1 << 20, SysStat.HEAP_SYS, "arena");
        assertEquals(1 << 20, stats.get(SysStat.HEAP_SYS));
        assertEquals(0, stats.mappedReady(), "Prepared, not Ready");
        sys.sysUsed(m, 0, 1 << 19);
        assertEquals(1 << 19, stats.mappedReady());
        sys.sysFree(m);
        assertEquals(0, stats.get(SysStat.HEAP_SYS));
        assertEquals(0, stats.mappedReady(), "the Ready bytes leave mappedReady with the mapping");
        assertThrows(IllegalArgumentException.class, () -> sys.sysMap(r, r.address() + 100, 4096, SysStat.HEAP_SYS, "x"));
        sys.faults().failNthMmap(1, Errno.ENOMEM);
        SyscallException e = assertThrows(SyscallException.class, () -> sys.sysMap(r, r.address(), 4096, SysStat.HEAP_SYS, "x"));
        assertTrue(e.getMessage().endsWith("runtime: out of memory"), e.getMessage());
        assertEquals(0, stats.get(SysStat.HEAP_SYS));
    }

    @Test
    void errnoNamesComeFromGlibc() {
        assertEquals("ENOMEM", Errno.name(Errno.ENOMEM));
        assertEquals(12, Errno.byName("ENOMEM"));
        assertEquals("EINVAL", Errno.name(22));
        assertThrows(IllegalArgumentException.class, () -> Errno.byName("ENOTANERRNO"));
    }

    @Test
    void memStatsRefuseToGoNegative() {
        GoThrow t = assertThrows(GoThrow.class, () -> stats.add(SysStat.OTHER_SYS, -1));
        assertTrue(t.getMessage().startsWith("fatal error: sysMemStat overflow"));
        assertEquals(0, stats.get(SysStat.OTHER_SYS), "unchanged after the throw");
        stats.add(SysStat.OTHER_SYS, 100);
        stats.move(SysStat.OTHER_SYS, SysStat.MSPAN_SYS, 40);
        assertEquals(60, stats.get(SysStat.OTHER_SYS));
        assertEquals(40, stats.get(SysStat.MSPAN_SYS));
    }
}
