package io.goheap.runtime.elf;

import io.goheap.layouts.elf.Elf;
import io.goheap.layouts.elf.Elf64_Ehdr;
import io.goheap.layouts.elf.Elf64_Phdr;
import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.testing.InspectFixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile files found by review: each is refused with the documented exception, in bounded time and memory. */
class ElfRobustnessTest {
    /** An ELF header with {@code phnum} program headers right after it, in a file of {@code size} bytes. */
    static MemorySegment elf(int phnum, long size) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) size]);
        byte[] magic = {0x7f, 'E', 'L', 'F'};
        for (int i = 0; i < 4; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, magic[i]);
        }
        s.set(ValueLayout.JAVA_BYTE, Elf.GOHEAP_EI_CLASS(), (byte) Elf.GOHEAP_ELFCLASS64());
        s.set(ValueLayout.JAVA_BYTE, Elf.GOHEAP_EI_DATA(), (byte) Elf.GOHEAP_ELFDATA2LSB());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_type$offset(), (short) Elf.GOHEAP_ET_CORE());
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, Elf64_Ehdr.e_phoff$offset(), Elf64_Ehdr.sizeof());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_phentsize$offset(), (short) Elf64_Phdr.sizeof());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_phnum$offset(), (short) phnum);
        return s;
    }

    static void phdr(MemorySegment s, int i, int type, long offset, long vaddr, long filesz) {
        long at = Elf64_Ehdr.sizeof() + (long) i * Elf64_Phdr.sizeof();
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + Elf64_Phdr.p_type$offset(), type);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_offset$offset(), offset);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_vaddr$offset(), vaddr);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_filesz$offset(), filesz);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_memsz$offset(), filesz);
    }

    /** 2,000 PT_NOTE headers over 1 MiB of zeros (a valid empty note every 12 bytes) once ran out of memory. */
    @Test
    void manyNoteHeadersOverZerosAreReadOnceAndCapped() {
        int n = 2000;
        long data = Elf64_Ehdr.sizeof() + (long) n * Elf64_Phdr.sizeof();
        MemorySegment s = elf(n, data + (1 << 20));
        for (int i = 0; i < n; i++) {
            phdr(s, i, Elf.GOHEAP_PT_NOTE(), data, 0, 1 << 20);
        }
        ElfFile f = ElfFile.of("notes", s);
        MalformedFileException e = assertThrows(MalformedFileException.class, f::notes);
        assertTrue(e.getMessage().contains("more than 65536 notes"), e.getMessage());
    }

    /**
     * Note ranges cut short once went unread (a core read without its notes) or, when read, ended the
     * whole file: now the notes before the cut are kept and each cut is a problem naming its offset,
     * with nothing read outside the file.
     */
    @Test
    void notesCutShortKeepWhatPrecedesTheCut() {
        long data = Elf64_Ehdr.sizeof() + 3L * Elf64_Phdr.sizeof();
        MemorySegment s = elf(3, data + 64);
        // segment 0: one whole note ("CORE", type 1, 4 bytes), then one whose descriptor claims 4 GiB - 1
        s.set(ValueLayout.JAVA_INT_UNALIGNED, data, 5);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, data + 4, 4);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, data + 8, 1);
        s.setString(data + 12, "CORE");
        s.set(ValueLayout.JAVA_INT_UNALIGNED, data + 24, 0);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, data + 28, -1);
        phdr(s, 0, Elf.GOHEAP_PT_NOTE(), data, 0, 40);
        // segment 1: runs 1 MiB past the end of the file; segment 2: starts past it
        phdr(s, 1, Elf.GOHEAP_PT_NOTE(), data, 0, 1 << 20);
        phdr(s, 2, Elf.GOHEAP_PT_NOTE(), data + 4096, 0, 12);
        ElfFile f = ElfFile.of("cut", s);
        assertEquals(2, f.notes().size(), "the whole note, once from each of the first two ranges");
        assertEquals("CORE", f.notes().getFirst().name());
        List<String> problems = f.noteProblems().stream().map(Throwable::getMessage).toList();
        assertEquals(List.of(
                String.format("cut: offset 0x%x: note (name 0 bytes, desc 4294967295 bytes) runs past the end 0x%x of note segment 0;"
                        + " the notes from here on were not read", data + 24, data + 40),
                String.format("cut: offset 0x%x: note segment 1 (1048576 bytes) runs past the end of the file (%d bytes); only the notes"
                        + " before the end were read", data, data + 64),
                String.format("cut: offset 0x%x: note (name 0 bytes, desc 4294967295 bytes) runs past the end 0x%x of note segment 1;"
                        + " the notes from here on were not read", data + 24, data + 64),
                String.format("cut: offset 0x%x: note segment 2 (12 bytes) runs past the end of the file (%d bytes)", data + 4096, data + 64)),
                problems);
    }

    /** Two core segments over the same addresses once escaped as IllegalArgumentException. */
    @Test
    void overlappingCoreSegmentsAreAMalformedFile() throws Exception {
        long data = Elf64_Ehdr.sizeof() + 2L * Elf64_Phdr.sizeof();
        MemorySegment s = elf(2, data + 8192);
        phdr(s, 0, Elf.GOHEAP_PT_LOAD(), data, 0x10000, 8192);
        phdr(s, 1, Elf.GOHEAP_PT_LOAD(), data, 0x11000, 4096);
        try (ElfFile exe = ElfFile.open(InspectFixtures.file("inspect"))) {
            MalformedFileException e = assertThrows(MalformedFileException.class, () -> GoImage.ofCore(ElfFile.of("overlap.core", s), exe));
            assertTrue(e.getMessage().contains("regions overlap"), e.getMessage());
        }
    }

    /** A section name without a NUL in its first 64 KiB is refused, not decoded at any length. */
    @Test
    void endlessSectionNamesAreRefused() throws Exception {
        byte[] b = Files.readAllBytes(InspectFixtures.file("inspect"));
        ElfFile f = ElfFile.of("copy", MemorySegment.ofArray(b));
        ElfFile.Section strtab = f.sections().stream().filter(x -> x.name().equals(".shstrtab")).findFirst().orElseThrow();
        for (long i = 0; i < strtab.size(); i++) {
            b[(int) (strtab.offset() + i)] = 'A';
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> ElfFile.of("names", MemorySegment.ofArray(b)));
        assertTrue(e.getMessage().contains("no terminating NUL"), e.getMessage());
    }
}
