package io.goheap.runtime.mem;

import io.goheap.runtime.testing.NativeMemoryTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link GoMemory}, one subclass per implementation: every width and access mode reads
 * back what was written, little endian, plain accesses at any alignment, and every address outside the
 * memory a {@link BadAddressException} naming it (never a fault).
 */
abstract class GoMemoryContractTest extends NativeMemoryTest {
    /** Bytes of the writable region every test uses (at least two pages). */
    static final int LEN = 3 * 4096;

    GoMemory mem;
    long base;

    /** A memory whose {@code [base(), base() + LEN)} is writable, zeroed, 4096-aligned. */
    abstract GoMemory open();

    abstract long base();

    abstract void close();

    @BeforeEach
    final void setUpMemory() {
        mem = open();
        base = base();
    }

    @AfterEach
    final void tearDownMemory() {
        close();
    }

    @Test
    void everyWidthReadsBackLittleEndian() {
        mem.setU64(base, 0x8877665544332211L);
        assertEquals(0x11, mem.u8(base));
        assertEquals(0x2211, mem.u16(base));
        assertEquals(0x44332211, mem.u32(base));
        assertEquals(0x8877665544332211L, mem.u64(base));
        assertEquals(0x88, mem.u8(base + 7), "zero-extended");
        assertEquals(0x8877, mem.u16(base + 6), "zero-extended");
        mem.setU8(base + 16, 0xfe);
        mem.setU16(base + 18, 0xfedc);
        mem.setU32(base + 20, 0xfedcba98);
        assertEquals(0xfe, mem.u8(base + 16));
        assertEquals(0xfedc, mem.u16(base + 18));
        assertEquals(0xfedcba98, mem.u32(base + 20));
        assertArrayEquals(new byte[] {(byte) 0xfe, 0, (byte) 0xdc, (byte) 0xfe}, mem.read(base + 16, 4));
        assertEquals(0x98, mem.slice(base + 20, 4).get(ValueLayout.JAVA_BYTE, 0) & 0xff);
    }

    @Test
    void plainAccessesMayBeUnalignedEvenAcrossAPage() {
        long at = base + 4096 - 3; // straddles the first two pages
        mem.setU64(at, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, mem.u64(at));
        assertEquals(0x05060708, mem.u32(at));
        mem.setU32(base + 4093, 0xcafebabe);
        assertEquals(0xcafebabe, mem.u32(base + 4093));
    }

    @Test
    void orderedModesAndCas() {
        mem.setU64Release(base + 64, 7);
        assertEquals(7, mem.u64Acquire(base + 64));
        mem.setU64Opaque(base + 64, 8);
        assertEquals(8, mem.u64Opaque(base + 64));
        assertTrue(mem.casU64(base + 64, 8, 9));
        assertFalse(mem.casU64(base + 64, 8, 10), "the word is 9 now");
        assertEquals(9, mem.u64(base + 64));
        mem.setU32Release(base + 72, 3);
        assertEquals(3, mem.u32Acquire(base + 72));
        assertTrue(mem.casU32(base + 72, 3, -1));
        assertEquals(-1, mem.u32(base + 72));
    }

    @Test
    void bulkWriteAndRead() {
        byte[] b = new byte[5000];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        mem.write(base + 100, b);
        assertArrayEquals(b, mem.read(base + 100, b.length));
    }

    @Test
    void addressesOutsideAreBadAddressesNamingThem() {
        long end = base + LEN;
        for (long a : new long[] {0, 8, base - 8, end, end + 4096, -8, 0x7fff_ffff_f000L}) {
            BadAddressException e = assertThrows(BadAddressException.class, () -> mem.u64(a), Long.toHexString(a));
            assertEquals(a, e.address());
            assertTrue(e.getMessage().contains("0x" + Long.toHexString(a)), e.getMessage());
            assertThrows(BadAddressException.class, () -> mem.u32(a));
            assertThrows(BadAddressException.class, () -> mem.u8(a));
            assertThrows(BadAddressException.class, () -> mem.u64Acquire(a & ~7L));
            assertThrows(BadAddressException.class, () -> mem.setU64(a, 1));
            assertThrows(BadAddressException.class, () -> mem.casU64(a & ~7L, 0, 1));
            assertFalse(mem.contains(a, 8));
        }
        assertThrows(BadAddressException.class, () -> mem.u64(end - 4), "runs past the end");
        assertThrows(BadAddressException.class, () -> mem.slice(base, LEN + 1));
        assertThrows(BadAddressException.class, () -> mem.slice(base, -1));
        assertTrue(mem.contains(base, LEN));
        assertFalse(mem.contains(base, LEN + 1));
        assertEquals(0, mem.u64(end - 8), "the last word is in");
    }

    @Test
    void describeNamesTheMemory() {
        assertFalse(mem.describe().isBlank());
    }
}
