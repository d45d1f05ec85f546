package io.goheap.runtime.alloc;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.sys.Errno;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.sys.SysStat;
import io.goheap.runtime.sys.SyscallException;
import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PersistentAllocTest extends NativeMemoryTest {

    @Test
    void firstBlockOfAChunkFollowsTheLinkWord() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            PersistentAlloc pa = rt.persistentAlloc();
            long a = pa.alloc(24, 0, SysStat.OTHER_SYS);
            assertEquals(p.pallocBase() + 8, a, "off starts at alignUp(PtrSize, 8)");
            assertEquals(8 + 24, p.pallocOff());
            long b = pa.alloc(10, 64, SysStat.OTHER_SYS);
            assertEquals(p.pallocBase() + 64, b, "aligned up to 64");
            long c = pa.alloc(1, 0, SysStat.OTHER_SYS);
            assertEquals(p.pallocBase() + 80, c, "74 aligned to the default 8");
            List<PersistentAlloc.Chunk> chain = pa.chunks();
            assertEquals(1, chain.size());
            assertEquals(p.pallocBase(), chain.getFirst().address());
            assertEquals(0, chain.getFirst().next());
            assertEquals(0, pa.chunkSegment(p.pallocBase()).get(ValueLayout.JAVA_LONG, 8), "blocks are zeroed");
        }
    }

    @Test
    void aFullChunkIsReplacedAndPushedOntoTheChain() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            PersistentAlloc pa = rt.persistentAlloc();
            long first = pa.alloc(40_000, 0, SysStat.OTHER_SYS);
            long chunk1 = p.pallocBase();
            for (int i = 0; i < 5; i++) {
                pa.alloc(40_000, 0, SysStat.OTHER_SYS); // 6 x 40000 + 8 fit in 262144
            }
            assertEquals(chunk1, p.pallocBase());
            long next = pa.alloc(40_000, 0, SysStat.OTHER_SYS); // 7th does not fit
            long chunk2 = p.pallocBase();
            assertEquals(chunk2 + 8, next);
            List<PersistentAlloc.Chunk> chain = pa.chunks();
            assertEquals(List.of(new PersistentAlloc.Chunk(chunk2, chunk1), new PersistentAlloc.Chunk(chunk1, 0)), chain);
            assertTrue(pa.inPersistentAlloc(first));
            assertTrue(pa.inPersistentAlloc(chunk2 + PersistentAlloc.CHUNK_SIZE - 1));
            // mmap usually places chunk2 right below chunk1, so test just past the higher one
            assertFalse(pa.inPersistentAlloc(Math.max(chunk1, chunk2) + PersistentAlloc.CHUNK_SIZE));
            assertFalse(pa.inPersistentAlloc(Math.min(chunk1, chunk2) - 1));
            assertEquals(2 * PersistentAlloc.CHUNK_SIZE, rt.memStats().get(SysStat.OTHER_SYS));
        }
    }

    @Test
    void largeBlocksComeStraightFromSysAlloc() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            PersistentAlloc pa = rt.persistentAlloc();
            long big = pa.alloc(PersistentAlloc.MAX_BLOCK, 0, SysStat.GC_MISC_SYS);
            assertEquals(0, p.pallocBase(), "no chunk mapped for it");
            assertFalse(pa.inPersistentAlloc(big));
            assertEquals(PersistentAlloc.MAX_BLOCK, rt.memStats().get(SysStat.GC_MISC_SYS));
            assertEquals(0, rt.memStats().get(SysStat.OTHER_SYS));
            assertTrue(pa.chunks().isEmpty());
        }
    }

    @Test
    void statsMoveFromOtherSysToTheGivenStat() {
        try (GoRuntime rt = GoRuntime.start(1); P _ = rt.procs().acquire()) {
            PersistentAlloc pa = rt.persistentAlloc();
            pa.alloc(100, 0, SysStat.MSPAN_SYS);
            pa.alloc(28, 0, SysStat.BUCKHASH_SYS);
            assertEquals(100, rt.memStats().get(SysStat.MSPAN_SYS));
            assertEquals(28, rt.memStats().get(SysStat.BUCKHASH_SYS));
            assertEquals(PersistentAlloc.CHUNK_SIZE - 128, rt.memStats().get(SysStat.OTHER_SYS));
        }
    }

    @Test
    void aThreadWithoutAPTakesTheGlobalAllocator() throws Exception {
        try (GoRuntime rt = GoRuntime.start(1)) {
            PersistentAlloc pa = rt.persistentAlloc();
            assertNull(rt.procs().current());
            long a = pa.alloc(16, 0, SysStat.OTHER_SYS);
            assertEquals(pa.globalBase() + 8, a);
            assertEquals(24, pa.globalOff());
            assertEquals(0, rt.procs().all().getFirst().pallocBase(), "no P was used");
            long globalSym = rt.image().lookup("runtime.globalAlloc").address();
            assertEquals(pa.globalAllocSymbol().address(), globalSym);
        }
    }

    @Test
    void goFatalErrorsForBadArguments() {
        try (GoRuntime rt = GoRuntime.start(1)) {
            PersistentAlloc pa = rt.persistentAlloc();
            assertEquals("fatal error: persistentalloc: size == 0",
                    assertThrows(GoThrow.class, () -> pa.alloc(0, 0, SysStat.OTHER_SYS)).getMessage());
            assertTrue(assertThrows(GoThrow.class, () -> pa.alloc(8, 24, SysStat.OTHER_SYS)).getMessage()
                    .startsWith("fatal error: persistentalloc: align is not a power of 2"));
            assertTrue(assertThrows(GoThrow.class, () -> pa.alloc(8, 16384, SysStat.OTHER_SYS)).getMessage()
                    .startsWith("fatal error: persistentalloc: align is too large"));
            pa.alloc(8, 8192, SysStat.OTHER_SYS); // the page size itself is allowed
        }
    }

    @Test
    void aPHeldByAnotherThreadCannotBeUsed() throws Exception {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            Throwable[] seen = new Throwable[1];
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    rt.persistentAlloc().alloc(p, 8, 0, SysStat.OTHER_SYS);
                } catch (Throwable e) {
                    seen[0] = e;
                }
            });
            t.join();
            assertInstanceOf(IllegalStateException.class, seen[0]);
        }
    }

    @Test
    void aFailedRefillLeavesEverythingAsItWasAndTheNextCallWorks() {
        try (GoRuntime rt = GoRuntime.start(1); P p = rt.procs().acquire()) {
            PersistentAlloc pa = rt.persistentAlloc();
            pa.alloc(PersistentAlloc.CHUNK_SIZE - 64, 0, SysStat.OTHER_SYS); // a chunk with 56 bytes left
            long base = p.pallocBase();
            long off = p.pallocOff();
            var stats = rt.memStats().snapshot();
            List<PersistentAlloc.Chunk> chain = pa.chunks();
            rt.sys().faults().failNthMmap(1, Errno.ENOMEM);
            GoThrow t = assertThrows(GoThrow.class, () -> pa.alloc(100, 32, SysStat.GC_MISC_SYS));
            // the chunk's range is carved from the reserved address space; its commit (mprotect) is the call that fails
            assertTrue(t.getMessage().matches("fatal error: runtime: cannot allocate memory: persistentalloc\\(size=100, align=32,"
                    + " stat=gcMiscSys\\) needed a 262144-byte mapping: mprotect\\(addr=0x7[0-9a-f]+000, len=262144,"
                    + " prot=PROT_READ\\|PROT_WRITE\\) failed: ENOMEM \\(Cannot allocate memory\\) \\[injected fault\\]"),
                    t.getMessage());
            assertInstanceOf(SyscallException.class, t.getCause());
            assertEquals(base, p.pallocBase());
            assertEquals(off, p.pallocOff(), "off not even aligned");
            assertEquals(stats, rt.memStats().snapshot());
            assertEquals(chain, pa.chunks());
            long healed = pa.alloc(100, 32, SysStat.GC_MISC_SYS);
            assertEquals(p.pallocBase() + 32, healed);
            assertEquals(chain.size() + 1, pa.chunks().size());
        }
    }
}
