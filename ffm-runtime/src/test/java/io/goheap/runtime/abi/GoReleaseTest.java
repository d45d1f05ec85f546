package io.goheap.runtime.abi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The release a version string or {@code --go} names, and each release's pclntab magic. */
class GoReleaseTest {
    @Test
    void versionStringsNameTheirRelease() {
        assertEquals(new GoRelease(24), GoRelease.find("go1.24.4"));
        assertEquals(new GoRelease(21), GoRelease.find("go1.21rc2"));
        assertEquals(new GoRelease(22), GoRelease.find("devel go1.22-abcdef Tue Jan 1 00:00:00 2024 +0000"));
        assertEquals(new GoRelease(19), GoRelease.find("go1.19.8 X:boringcrypto"));
        assertEquals(new GoRelease(19), GoRelease.find("1.19"));
        assertNull(GoRelease.find("devel +abcdef"));
        assertNull(GoRelease.find("go1.1234567"), "no overflow on hostile digits");
        assertNull(GoRelease.find(null));
        assertEquals("Go 1.27", new GoRelease(27).toString());
    }

    @Test
    void goOptionTakesOneNOrGo1N() {
        assertEquals(new GoRelease(19), GoRelease.parse("1.19"));
        assertEquals(new GoRelease(24), GoRelease.parse("go1.24.4"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoRelease.parse("1.x"));
        assertEquals("'1.x' is not a Go release (expected 1.N or go1.N, e.g. 1.19)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoRelease.parse("2.0"));
        assertThrows(IllegalArgumentException.class, () -> GoRelease.parse(""));
    }

    @Test
    void readableReleasesAndMagics() {
        assertTrue(new GoRelease(19).isReadable());
        assertTrue(new GoRelease(18).isReadable());
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            assertTrue(r.isReadable(), r.toString());
        }
        assertFalse(new GoRelease(20).isReadable(), "no Go 1.20 toolchain to prove it");
        assertFalse(new GoRelease(17).isReadable());
        assertFalse(new GoRelease(28).isReadable());
        assertEquals(0xfffffff0, new GoRelease(19).pclntabMagic());
        assertEquals(0xfffffff1, new GoRelease(20).pclntabMagic());
        assertEquals(0xfffffff1, new GoRelease(27).pclntabMagic());
        assertEquals(0xfffffffa, new GoRelease(17).pclntabMagic());
        assertEquals(0xfffffffb, new GoRelease(15).pclntabMagic());
        for (GoRelease r : GoRelease.HAS_GROUND_TRUTH) {
            assertTrue(GoRelease.ofMagic(r.pclntabMagic()).startsWith("Go 1."), r.toString());
        }
        assertEquals("not a Go pclntab", GoRelease.ofMagic(0x12345678));
        assertEquals(8, GoRelease.HAS_GROUND_TRUTH.size());
    }
}
