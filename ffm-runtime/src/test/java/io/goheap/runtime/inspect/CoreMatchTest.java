package io.goheap.runtime.inspect;

import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;
import io.goheap.runtime.testing.InspectFixtures;
import io.goheap.runtime.testing.SyntheticCore;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.goheap.runtime.testing.SyntheticCore.PF_R;
import static io.goheap.runtime.testing.SyntheticCore.PF_W;
import static io.goheap.runtime.testing.SyntheticCore.PF_X;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A core of another program is refused before anything is decoded, by evidence every core has (its
 * NT_FILE note, else its segments), not only by the build ID a core may lack: small synthetic cores of
 * a non-Go program, and the real fixtures paired wrongly. The right pairs are read in InspectCoreTest.
 */
class CoreMatchTest {
    /** inspect's three PT_LOADs, widened to pages: one run of the file from offset 0 (readelf -l). */
    private static final String INSPECT_RUN = "0x400000-0x50c000 from its offset 0x0";

    static MalformedFileException refused(byte[] core, String exe) throws Exception {
        try (ElfFile b = ElfFile.open(InspectFixtures.file(exe))) {
            return assertThrows(MalformedFileException.class, () -> GoImage.ofCore(ElfFile.of("other.core", MemorySegment.ofArray(core)), b).close());
        }
    }

    static MalformedFileException refused(String core, String exe) throws Exception {
        return assertThrows(MalformedFileException.class, () -> InspectCoreTest.open(core, exe).close());
    }

    @Test
    void aCoreOfAnotherProgramIsRefusedByItsMappedFiles() throws Exception {
        MalformedFileException e = refused(SyntheticCore.sleep().bytes(), "inspect");
        String m = e.getMessage();
        assertTrue(m.startsWith("other.core: offset 0x"), m);
        assertTrue(m.contains("was not taken of inspect: inspect would map " + INSPECT_RUN + ", but the core's NT_FILE note maps no"
                + " file there (the core's program is /usr/bin/sleep)"), m);
    }

    /** The executable's file mapped, but not as its segments say (another build of it, or another file of that name). */
    @Test
    void aCoreThatMapsTheFileOtherwiseIsRefused() throws Exception {
        byte[] core = new SyntheticCore().mappedFile(0x400000, 0x477000, 0, "/srv/app/inspect").load(0x400000, 0x77000, PF_R | PF_X).bytes();
        String m = refused(core, "inspect").getMessage();
        assertTrue(m.contains("inspect would map " + INSPECT_RUN + ", but the core maps /srv/app/inspect at 0x400000-0x477000 from offset 0x0"), m);
    }

    /** Without NT_FILE, a core must at least have segments where the executable's are, executable where its code is. */
    @Test
    void withoutMappedFilesTheSegmentsMustCoverTheExecutable() throws Exception {
        String empty = refused(new SyntheticCore().bytes(), "inspect").getMessage();
        assertTrue(empty.contains("was not taken of inspect: inspect would be loaded at 0x400000-0x50c000, but the core has no segment"
                + " at 0x400000 (and no NT_FILE note naming the files it mapped)"), empty);
        String gap = refused(new SyntheticCore().load(0x400000, 0x100000, PF_R | PF_X).bytes(), "inspect").getMessage();
        assertTrue(gap.contains("no segment at 0x500000"), gap);
        String data = refused(new SyntheticCore().load(0x400000, 0x10c000, PF_R | PF_W).bytes(), "inspect").getMessage();
        assertTrue(data.contains("inspect's code at 0x400000 is in the core's segment 1, which is not executable"), data);
    }

    /** A position-independent executable with a core of another program: named as such, never "bad address 0x0". */
    @Test
    void aPieExecutableWithTheWrongCoreNamesTheMismatch() throws Exception {
        // sleep's entry point less inspect-pie's (0x45c780) is no whole number of pages
        String unaligned = refused(SyntheticCore.sleep().bytes(), "inspect-pie").getMessage();
        assertTrue(unaligned.contains("was not taken of inspect-pie: the core's entry point (AT_ENTRY 0x55554002600) is not inspect-pie's"
                + " entry point 0x45c780 moved by whole pages"), unaligned);
        assertTrue(unaligned.contains("(the core's program is /usr/bin/sleep)"), unaligned);
        // an entry point that would fit, but nothing of the executable where it would then be
        byte[] aligned = SyntheticCore.sleep().entry(0x7f0000000000L + 0x45c780).bytes();
        String m = refused(aligned, "inspect-pie").getMessage();
        assertTrue(m.contains("was not taken of inspect-pie: inspect-pie would map 0x7f0000400000-0x7f0000526000 from its offset 0x0"
                + " (loaded 0x7f0000000000 above its link address, by the core's AT_ENTRY), but the core's NT_FILE note maps no file there"), m);
        for (String s : new String[] {unaligned, m}) {
            assertFalse(s.contains("bad address"), s);
        }
    }

    /** The real fixtures, paired wrongly: plain and PIE builds of one program. */
    @Test
    void theFixturesPairedWronglyAreRefused() throws Exception {
        String pieWithPlainCore = refused("inspect.core", "inspect-pie").getMessage();
        assertTrue(pieWithPlainCore.contains("is not inspect-pie's entry point 0x45c780 moved by whole pages"), pieWithPlainCore);
        String plainWithPieCore = refused("inspect-pie.core", "inspect").getMessage();
        assertTrue(plainWithPieCore.contains("inspect would map " + INSPECT_RUN + ", but the core's NT_FILE note maps no file there"
                + " (the core's program is /tmp/"), plainWithPieCore);
        assertTrue(plainWithPieCore.endsWith("/inspect-pie)"), plainWithPieCore);
    }

    /** Same addresses and build ID page left alone, but other build info bytes: refused, naming what each says. */
    @Test
    void aDifferentBuildInfoIsRefused() throws Exception {
        long buildInfo;
        try (ElfFile b = ElfFile.open(InspectFixtures.file("inspect"))) {
            buildInfo = b.section(".go.buildinfo").addr();
        }
        try (Arena arena = Arena.ofConfined()) {
            // the first bytes of the inline Go version string, after the 32-byte header and its length byte
            MalformedFileException e = assertThrows(MalformedFileException.class,
                    () -> InspectCoreTest.corrupted(arena, buildInfo + 33, 0x2e30322e316f67L).close()); // "go1.20."
            assertTrue(e.getMessage().contains(String.format("was not taken of inspect: the Go build info at 0x%x differs (core: go1.20.",
                    buildInfo)), e.getMessage());
            assertTrue(e.getMessage().contains("executable: go1.19.8 example.com/inspect)"), e.getMessage());
        }
    }

    /** A goheap dump has GOHEAP notes and no executable: given as a core it is named as a dump. */
    @Test
    void aDumpGivenAsACoreIsNamedAsADump() throws Exception {
        byte[] dump = new SyntheticCore().note(DumpFile.OWNER, DumpFile.NT_GO_VERSION, "go1.19.8".getBytes()).bytes();
        for (String exe : new String[] {"inspect", "inspect-pie"}) {
            String m = refused(dump, exe).getMessage();
            assertTrue(m.contains("other.core: offset 0x") && m.contains("is a goheap dump (GOHEAP notes), not a core of a Go process:"
                    + " use goheap inspect dump other.core"), m);
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> GoImage.ofBinary(ElfFile.of("d.core", MemorySegment.ofArray(dump))));
        assertTrue(e.getMessage().contains("is a goheap dump"), e.getMessage());
    }
}
