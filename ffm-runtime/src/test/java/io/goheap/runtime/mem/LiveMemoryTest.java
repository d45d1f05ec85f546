package io.goheap.runtime.mem;

import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.MemStats;
import io.goheap.runtime.sys.Mman;
import io.goheap.runtime.sys.Reservation;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LiveMemory} over a {@link SysMemory}'s reserved address space, plus what only live memory does. */
class LiveMemoryTest extends GoMemoryContractTest {
    SysMemory sys;
    Mapping m;

    @Override
    GoMemory open() {
        sys = new SysMemory(new MemStats());
        m = sys.sysAlloc(LEN, SysStat.OTHER_SYS, "test");
        return sys.memory();
    }

    @Override
    long base() {
        return m.address();
    }

    @Override
    void close() {
        sys.close();
    }

    @Test
    void reservedButUncommittedPagesAreBadAddressesNotFaults() {
        Reservation r = sys.sysReserve(0, 16 * 4096);
        assertThrows(BadAddressException.class, () -> mem.u64(r.address()), "PROT_NONE: reading it would fault");
        assertThrows(BadAddressException.class, () -> mem.setU64(r.address(), 1));
        Mapping part = sys.sysMap(r, r.address() + 4096, 4096, SysStat.HEAP_SYS, "part");
        mem.setU64(part.address(), 5);
        assertEquals(5, mem.u64(part.address()), "committed inside the reservation: reached through the bitmaps");
        assertThrows(BadAddressException.class, () -> mem.u64(part.address() + 4096 - 4), "straddles into PROT_NONE");
        assertThrows(BadAddressException.class, () -> mem.u64(part.address() - 8));
    }

    @Test
    void aFreedMappingIsGoneFromTheMemoryLayer() {
        Mapping other = sys.sysAlloc(8192, SysStat.OTHER_SYS, "other");
        mem.setU64(other.address(), 9);
        mem.setU64(base, 1);
        sys.sysFree(other);
        BadAddressException e = assertThrows(BadAddressException.class, () -> mem.u64(other.address()));
        assertEquals(other.address(), e.address());
        assertEquals(1, mem.u64(base), "the rest reads on (through the fresh view)");
        mem.setU64(base, 2);
        assertEquals(2, mem.u64(base));
    }

    @Test
    void readOnlyPagesReadButRefuseWrites() {
        Mapping text = sys.sysAlloc(4096, SysStat.OTHER_SYS, ".text");
        mem.setU8(text.address(), 0xc3);
        sys.protect(text, Mman.PROT_READ | Mman.PROT_EXEC);
        assertEquals(0xc3, mem.u8(text.address()));
        ReadOnlyMemoryException e = assertThrows(ReadOnlyMemoryException.class, () -> mem.setU64(text.address(), 0));
        assertEquals(text.address(), e.address());
        assertThrows(ReadOnlyMemoryException.class, () -> mem.casU64(text.address(), 0, 1));
        assertTrue(mem.slice(text.address(), 8).isReadOnly());
        assertEquals(0xc3, mem.u8(text.address()), "nothing was written");
        sys.protect(text, Mman.PROT_READ | Mman.PROT_WRITE);
        mem.setU64(text.address(), 0);
        assertEquals(0, mem.u64(text.address()));
    }

    @Test
    void afterCloseEveryAccessIsIllegalState() {
        sys.close();
        assertThrows(IllegalStateException.class, () -> mem.u64(base));
        assertThrows(IllegalStateException.class, () -> mem.u64Acquire(base));
        assertThrows(IllegalStateException.class, () -> mem.setU64(base, 1));
        assertThrows(IllegalStateException.class, () -> mem.casU64(base, 0, 1));
        assertThrows(IllegalStateException.class, () -> mem.u64(0x10), "even an address it never had");
    }

    @Test
    void spacesLookLikeAGoProcess() {
        Space heap = sys.heapSpace();
        assertEquals(0, heap.base() % (64L << 20), "an arena-aligned heap space");
        assertTrue(heap.base() >= 0xc0_0000_0000L && (heap.base() & 0xff_ffff_ffffL) == 0xc0_0000_0000L,
                "at one of Go's arena hints: 0x" + Long.toHexString(heap.base()));
        assertTrue(sys.osSpace().holds(base), "sysAlloc carves the OS space");
        Mapping next = sys.sysAlloc(4096, SysStat.OTHER_SYS, "next");
        assertEquals(base - 4096, next.address(), "top down, next to the previous one, as mmap places them");
    }
}
