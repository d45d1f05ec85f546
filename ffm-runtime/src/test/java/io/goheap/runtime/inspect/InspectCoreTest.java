package io.goheap.runtime.inspect;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.testing.InspectFixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.goheap.runtime.testing.InspectFixtures.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goheap inspect on real gcore cores of a Go 1.19 process (native/fixtures/inspect*.core.gz): the
 * itabTable, the persistentChunks chain and allp against what gdb read from the same core through
 * DWARF (inspect.gdb.txt), goheap's own find over the real table, and corrupted cores.
 */
class InspectCoreTest {

    static GoImage open(String core, String binary) throws Exception {
        ElfFile c = ElfFile.open(InspectFixtures.file(core));
        ElfFile b = ElfFile.open(InspectFixtures.file(binary));
        return GoImage.ofCore(c, b).owning(c, b);
    }

    @Test
    void theTableChunksAndPsAreWhatGdbReads() throws Exception {
        Map<String, String[]> gdb = InspectFixtures.gdb();
        try (GoImage img = open("inspect.core", "inspect")) {
            RuntimeState st = new RuntimeState(img);
            RuntimeState.Table t = st.table();
            assertEquals(number(gdb.get("itabTable")[0]), t.address());
            assertEquals(number(gdb.get("itabTable.size")[0]), t.size());
            assertEquals(number(gdb.get("itabTable.count")[0]), t.count());
            assertEquals(t.count(), t.entries().size());
            assertEquals(number(gdb.get("persistentChunks")[0]), st.chunks().get(0), "the head is the newest chunk");
            assertEquals(number(gdb.get("allp.len")[0]), st.ps().size());
            for (int i = 0; i < st.ps().size(); i++) {
                String[] pa = gdb.get("p" + i + ".palloc");
                assertEquals(number(pa[0]), st.ps().get(i).pallocBase(), "p" + i + ".palloc.base");
                assertEquals(number(pa[1]), st.ps().get(i).pallocOff(), "p" + i + ".palloc.off");
                assertEquals(i, st.ps().get(i).id());
            }
            assertTrue(st.findings().isEmpty(), st.findings().toString());
            assertTrue(img.findings().isEmpty(), img.findings().toString());
        }
    }

    /**
     * The kernel's own core (SIGABRT, GOTRACEBACK=crash) keeps only the first page of the read-only
     * text mapping and none of rodata: the executable's sections fill in, and everything still reads.
     */
    @Test
    void aKernelCoreIsFilledInFromTheExecutable() throws Exception {
        try (GoImage img = open("inspect.kernel-core", "inspect")) {
            ElfFile.Segment text;
            try (ElfFile f = ElfFile.open(InspectFixtures.file("inspect.kernel-core"))) {
                text = f.segments().stream().filter(s -> s.isLoad() && s.vaddr() == 0x400000L).findFirst().orElseThrow();
            }
            long textFilesz = text.filesz();
            assertTrue(text.filesz() < text.memsz(), "the kernel wrote only part of .text: " + text);
            assertTrue(img.areas().stream().anyMatch(a -> a.name().equals(".text") && a.base() == 0x400000L + textFilesz),
                    img.areas().toString());
            RuntimeState st = new RuntimeState(img);
            RuntimeState.Verify v = st.verify();
            assertEquals(34, v.of());
            assertEquals(34, v.found());
            GoImage.ItabInfo xer = img.itabs().stream().filter(i -> "main.Xer".equals(i.inter())).findFirst().orElseThrow();
            assertEquals(List.of("main.(*data).A", "main.(*data).B"), xer.funNames(), "named through the executable's pclntab");
            assertEquals(2, st.ps().size());
            assertTrue(st.findings().isEmpty() && img.findings().isEmpty(), st.findings() + " " + img.findings());
        }
    }

    /**
     * A position-independent executable (-buildmode=pie) was loaded where the kernel chose: the core's
     * auxiliary vector (AT_ENTRY) gives the bias, and everything lands where gdb finds it.
     */
    @Test
    void aPieExecutablesCoreIsReadAtItsLoadAddress() throws Exception {
        Map<String, String[]> gdb = InspectFixtures.gdb("inspect-pie.gdb.txt");
        try (GoImage img = open("inspect-pie.core", "inspect-pie")) {
            assertTrue(img.bias() != 0, "loaded away from its link address");
            assertEquals(number(gdb.get("firstmoduledata")[0]), img.moduledata());
            RuntimeState st = new RuntimeState(img);
            assertEquals(number(gdb.get("itabTable")[0]), st.table().address());
            assertEquals(number(gdb.get("itabTable.size")[0]), st.table().size());
            assertEquals(number(gdb.get("itabTable.count")[0]), st.table().count());
            assertEquals(number(gdb.get("persistentChunks")[0]), st.chunks().get(0));
            RuntimeState.Verify v = st.verify();
            assertEquals(34, v.of());
            assertEquals(34, v.found());
            GoImage.ItabInfo xer = img.itabs().stream().filter(i -> "main.Xer".equals(i.inter())).findFirst().orElseThrow();
            assertEquals(List.of("main.(*data).A", "main.(*data).B"), xer.funNames());
            assertTrue(st.findings().isEmpty() && img.findings().isEmpty(), st.findings() + " " + img.findings());
        }
        // the PIE binary on its own reads at its link addresses
        try (ElfFile f = ElfFile.open(InspectFixtures.file("inspect-pie")); GoImage img = GoImage.ofBinary(f)) {
            assertEquals(0, img.bias());
            assertEquals(14, img.itabs().size());
        }
    }

    /** The core of one build read with another's executable is refused, naming both build IDs. */
    @Test
    void aCoreWithTheWrongExecutableIsRefused() throws Exception {
        io.goheap.runtime.elf.MalformedFileException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.goheap.runtime.elf.MalformedFileException.class, () -> open("inspect.core", "inspect-stripped").close());
        assertTrue(e.getMessage().contains("was not taken of inspect-stripped: the Go build ID at 0x400f9c differs"), e.getMessage());
    }

    @Test
    void goheapsOwnFindFindsEveryEntryOfTheRealTable() throws Exception {
        for (String[] f : List.of(new String[] {"inspect.core", "inspect"}, new String[] {"inspect-stripped.core", "inspect-stripped"})) {
            try (GoImage img = open(f[0], f[1])) {
                RuntimeState st = new RuntimeState(img);
                RuntimeState.Verify v = st.verify();
                assertEquals(34, v.of(), f[0]);
                assertEquals(v.of(), v.found(), f[0] + ": " + st.findings());
                // itabsinit put every itab of itablinks in the table; getitab added the dynamic ones
                Set<Long> entries = new HashSet<>();
                st.table().entries().forEach(e -> entries.add(e.itab()));
                assertTrue(entries.containsAll(img.itablinks()), f[0]);
                long dynamic = st.table().entries().stream().filter(e -> !img.itablinks().contains(e.itab())).count();
                assertEquals(34 - 14, dynamic, "the itabs getitab built at run time: every entry but the 14 static ones");
                for (RuntimeState.Entry e : st.table().entries()) {
                    GoImage.ItabInfo i = img.itab(e.itab());
                    assertNull(i.error());
                    if (!img.itablinks().contains(e.itab())) {
                        assertEquals(0, i.hash(), "getitab's itabs carry hash 0 (" + i.inter() + ", " + i.type() + ")");
                        assertTrue(st.chunks() == null || st.chunks().stream().anyMatch(c -> Long.compareUnsigned(e.itab() - c, 256 << 10) < 0),
                                "built in a persistentalloc chunk");
                    }
                }
            }
        }
    }

    @Test
    void aStrippedBinarysCoreFindsTableChunksAndPsByScanning() throws Exception {
        List<Long> plainChunks;
        try (GoImage img = open("inspect.core", "inspect")) {
            plainChunks = new RuntimeState(img).chunks();
        }
        try (GoImage img = open("inspect-stripped.core", "inspect-stripped")) {
            RuntimeState st = new RuntimeState(img);
            assertTrue(st.table().foundBy().startsWith("a scan"), st.table().foundBy());
            assertEquals(512, st.table().size());
            assertEquals(34, st.table().count());
            assertTrue(st.psFoundBy().startsWith("a scan"), st.psFoundBy());
            assertEquals(2, st.ps().size(), "GOMAXPROCS on the machine that made the fixtures");
            assertEquals(List.of(0, 1), st.ps().stream().map(RuntimeState.PInfo::id).toList());
            assertTrue(st.chunksFoundBy().startsWith("a scan"), st.chunksFoundBy());
            // the same program made the same number of chunks, and the chain holds every P's chunk
            assertEquals(plainChunks.size(), st.chunks().size());
            st.ps().stream().filter(p -> p.pallocBase() != 0).forEach(p -> assertTrue(st.chunks().contains(p.pallocBase())));
            assertTrue(st.findings().isEmpty(), st.findings().toString());
        }
    }

    /** A copy of the core in native memory, with {@code word} written at {@code addr}, opened with the binary. */
    static GoImage corrupted(Arena arena, long addr, long word) throws Exception {
        Path core = InspectFixtures.file("inspect.core");
        MemorySegment copy;
        try (FileChannel ch = FileChannel.open(core, StandardOpenOption.READ)) {
            copy = arena.allocate(ch.size(), 8);
            copy.copyFrom(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        }
        ElfFile c = ElfFile.of("corrupted.core", copy);
        for (ElfFile.Segment s : c.segments()) {
            if (s.isLoad() && Long.compareUnsigned(addr - s.vaddr(), s.filesz()) < 0) {
                copy.set(ValueLayout.JAVA_LONG_UNALIGNED, s.offset() + (addr - s.vaddr()), word);
            }
        }
        ElfFile b = ElfFile.open(InspectFixtures.file("inspect"));
        return GoImage.ofCore(c, b).owning(b);
    }

    /** inspect.core copied into {@code arena}. */
    static MemorySegment copyOfCore(Arena arena) throws Exception {
        try (FileChannel ch = FileChannel.open(InspectFixtures.file("inspect.core"), StandardOpenOption.READ)) {
            MemorySegment copy = arena.allocate(ch.size(), 8);
            copy.copyFrom(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
            return copy;
        }
    }

    /** The offset of a note's header, from its descriptor's offset and its owner's length. */
    static long header(ElfFile.Note n) {
        return n.offset() - ((n.name().length() + 1 + 3) & ~3) - 12;
    }

    /**
     * A core whose notes are cut short (the note segment running past the end of the file, a note
     * running past its segment) is read with a finding naming the offset, never read out of bounds;
     * refused, in one line, when the cut may have taken the NT_FILE note the core is checked by.
     */
    @Test
    void notesCutShortAreFindingsOrRefusedWhenNtFileIsLost() throws Exception {
        try (Arena arena = Arena.ofConfined(); ElfFile b = ElfFile.open(InspectFixtures.file("inspect"))) {
            MemorySegment copy = copyOfCore(arena);
            ElfFile.Segment note = ElfFile.of("c", copy).segments().stream().filter(p -> p.type() == 4).findFirst().orElseThrow();
            List<ElfFile.Note> notes = ElfFile.of("c", copy).notes();
            long phdr = copy.get(ValueLayout.JAVA_LONG_UNALIGNED, 32) + note.index() * 56L;
            // the segment says it is 4 KiB longer than the file is
            copy.set(ValueLayout.JAVA_LONG_UNALIGNED, phdr + 32, copy.byteSize() - note.offset() + 4096);
            try (GoImage img = GoImage.ofCore(ElfFile.of("cut.core", copy), b)) {
                assertTrue(img.findings().stream().anyMatch(f -> f.contains(String.format("cut.core: offset 0x%x: note segment %d (%d bytes) runs"
                        + " past the end of the file", note.offset(), note.index(), copy.byteSize() - note.offset() + 4096))), img.findings().toString());
                assertEquals(34, new RuntimeState(img).verify().found(), "the rest reads as before");
            }
            copy.set(ValueLayout.JAVA_LONG_UNALIGNED, phdr + 32, note.filesz());
            // the last note (gdb's target description, after NT_FILE) claims 256 MiB
            ElfFile.Note last = notes.getLast();
            copy.set(ValueLayout.JAVA_INT_UNALIGNED, header(last) + 4, 256 << 20);
            try (GoImage img = GoImage.ofCore(ElfFile.of("cut.core", copy), b)) {
                assertTrue(img.findings().stream().anyMatch(f -> f.contains(String.format("cut.core: offset 0x%x: note (name %d bytes, desc %d bytes)"
                        + " runs past the end", header(last), last.name().length() + 1, 256 << 20))), img.findings().toString());
            }
            copy.set(ValueLayout.JAVA_INT_UNALIGNED, header(last) + 4, (int) last.desc().byteSize());
            // the first note claims 256 MiB: every note after it, NT_FILE too, is lost
            copy.set(ValueLayout.JAVA_INT_UNALIGNED, note.offset() + 4, 256 << 20);
            io.goheap.runtime.elf.MalformedFileException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.goheap.runtime.elf.MalformedFileException.class, () -> GoImage.ofCore(ElfFile.of("cut.core", copy), b).close());
            assertTrue(e.getMessage().startsWith(String.format("cut.core: offset 0x%x: has no NT_FILE note to tell whether it was taken of inspect;"
                    + " its notes are cut short: cut.core: offset 0x%x: note (name 5 bytes, desc 268435456 bytes) runs past", note.offset(),
                    note.offset())), e.getMessage());
        }
    }

    @Test
    void inconsistenciesAreFindingsNotCrashes() throws Exception {
        Map<String, String[]> gdb = InspectFixtures.gdb();
        long table = number(gdb.get("itabTable")[0]);
        long countAddr = table + io.goheap.layouts.go119.itabTableType.count$offset();
        try (Arena arena = Arena.ofConfined()) {
            try (GoImage img = corrupted(arena, countAddr, 33)) {
                RuntimeState st = new RuntimeState(img);
                assertTrue(st.findings().stream().anyMatch(f -> f.contains("count 33 but 34 occupied slots")), st.findings().toString());
            }
            // an entry pointing nowhere
            long slot0 = -1;
            try (GoImage img = open("inspect.core", "inspect")) {
                slot0 = new RuntimeState(img).table().entries().get(0).slot();
            }
            long entryAddr = table + io.goheap.layouts.go119.itabTableType.entries$offset() + slot0 * 8;
            try (GoImage img = corrupted(arena, entryAddr, 0xdead0000L)) {
                RuntimeState st = new RuntimeState(img);
                assertTrue(st.findings().stream().anyMatch(f -> f.contains("itab pointer 0xdead0000 is outside every region")), st.findings().toString());
                RuntimeState.Verify v = st.verify();
                assertEquals(33, v.found());
                assertTrue(st.findings().stream().anyMatch(f -> f.contains("bad address 0xdead0000")), st.findings().toString());
            }
            // a chunk chain that loops
            long head = number(gdb.get("persistentChunks")[0]);
            try (GoImage img = corrupted(arena, head, head)) {
                RuntimeState st = new RuntimeState(img);
                assertEquals(List.of(head), st.chunks());
                assertTrue(st.findings().stream().anyMatch(f -> f.contains("chain loops back")), st.findings().toString());
            }
            // a dynamic itab whose interface pointer is corrupt: that entry is reported, the rest still decoded
            long dyn;
            try (GoImage img = open("inspect.core", "inspect")) {
                dyn = new RuntimeState(img).table().entries().stream().filter(e -> !img.itablinks().contains(e.itab()))
                        .findFirst().orElseThrow().itab();
            }
            try (GoImage img = corrupted(arena, dyn + ItabDescriptor.INTER_OFFSET, 0x10)) {
                RuntimeState st = new RuntimeState(img);
                assertEquals(34, st.table().entries().size());
                RuntimeState.Entry bad = st.table().entries().stream().filter(e -> e.itab() == dyn).findFirst().orElseThrow();
                assertNull(bad.inter());
                assertEquals(33, st.table().entries().stream().filter(e -> e.inter() != null).count());
                assertTrue(img.findings().stream().anyMatch(f -> f.contains(String.format("itab at 0x%x: bad address 0x", dyn))), img.findings().toString());
            }
        }
    }
}
