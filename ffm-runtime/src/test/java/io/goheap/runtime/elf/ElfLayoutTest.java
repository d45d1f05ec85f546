package io.goheap.runtime.elf;

import io.goheap.layouts.elf.Elf64_Ehdr;
import io.goheap.layouts.elf.Elf64_Nhdr;
import io.goheap.layouts.elf.Elf64_Phdr;
import io.goheap.layouts.elf.Elf64_Shdr;
import io.goheap.layouts.elf.Elf64_Sym;
import io.goheap.runtime.testing.InspectFixtures;
import io.goheap.runtime.testing.NativeDir;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ELF layouts three ways: gcc's {@code offsetof} on {@code native/include/goheap/elf64.h} against
 * the jextract layouts, and {@link ElfFile}'s reading of real files against {@code readelf}'s (its
 * sections and segments, and a PIE's relative relocations).
 */
class ElfLayoutTest {
    @TempDir
    Path tmp;

    static final Map<String, GroupLayout> LAYOUTS = Map.of("Elf64_Ehdr", Elf64_Ehdr.layout(), "Elf64_Phdr", Elf64_Phdr.layout(),
            "Elf64_Shdr", Elf64_Shdr.layout(), "Elf64_Sym", Elf64_Sym.layout(), "Elf64_Nhdr", Elf64_Nhdr.layout(),
            "Elf64_Rela", io.goheap.layouts.elf.Elf64_Rela.layout(), "Elf64_Chdr", DwarfTypes.CHDR);

    @Test
    void gccAndJextractAgreeOnEveryField() throws Exception {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"goheap/elf64.h\"\nint main(void) {\n");
        for (Map.Entry<String, GroupLayout> e : LAYOUTS.entrySet()) {
            String t = e.getKey();
            c.append(String.format("  printf(\"%s sizeof %%zu\\n\", sizeof(%s));%n", t, t));
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (m instanceof PaddingLayout) {
                    continue;
                }
                String f = m.name().orElseThrow();
                c.append(String.format("  printf(\"%s %s %%zu %%zu\\n\", offsetof(%s, %s), sizeof(((%s *)0)->%s));%n", t, f, t, f, t, f));
            }
        }
        c.append("  return 0;\n}\n");
        Path src = tmp.resolve("elfcheck.c");
        Files.writeString(src, c);
        Path exe = tmp.resolve("elfcheck");
        run("gcc", "-std=c11", "-Wall", "-Werror", "-I", NativeDir.get().resolve("include").toString(), "-o", exe.toString(), src.toString());
        List<String> want = new ArrayList<>();
        for (Map.Entry<String, GroupLayout> e : LAYOUTS.entrySet()) {
            want.add(e.getKey() + " sizeof " + e.getValue().byteSize());
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (!(m instanceof PaddingLayout)) {
                    String f = m.name().orElseThrow();
                    want.add(e.getKey() + " " + f + " " + e.getValue().byteOffset(MemoryLayout.PathElement.groupElement(f)) + " " + m.byteSize());
                }
            }
        }
        assertEquals(want, run(exe.toString()).lines().toList());
    }

    /** Every R_X86_64_RELATIVE relocation {@code readelf -r} lists, with its offset and addend, for an internal and an external PIE. */
    @Test
    void relativeRelocationsAreWhatReadelfReads() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("readelf", "--version").start().waitFor() == 0, "readelf not installed: skipped");
        for (String name : List.of("inspect-pie", "inspect-extpie")) {
            Path p = io.goheap.runtime.testing.ReleaseFixtures.file("1.24", name);
            List<String> want = new ArrayList<>();
            for (String l : run("readelf", "-r", "-W", p.toString()).lines().toList()) {
                String[] f = l.trim().split("\\s+");
                if (f.length >= 4 && f[2].equals("R_X86_64_RELATIVE")) {
                    want.add(Long.parseUnsignedLong(f[0], 16) + " " + Long.parseUnsignedLong(f[3], 16));
                }
            }
            List<String> got = new ArrayList<>();
            try (ElfFile e = ElfFile.open(p)) {
                long[] r = e.relativeRelocations();
                for (int i = 0; i + 1 < r.length; i += 2) {
                    got.add(r[i] + " " + r[i + 1]);
                }
            }
            assertTrue(want.size() > 100, name + ": " + want.size() + " relative relocations");
            assertEquals(want, got, name);
        }
    }

    @Test
    void sectionsAndSegmentsAreWhatReadelfReads() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("readelf", "--version").start().waitFor() == 0, "readelf not installed: skipped");
        for (String name : List.of("inspect", "inspect-stripped", "inspect.core")) {
            Path p = InspectFixtures.file(name);
            try (ElfFile f = ElfFile.open(p)) {
                // readelf -S -W: [Nr] Name Type Address Off Size ...
                List<String> want = new ArrayList<>();
                for (String l : run("readelf", "-S", "-W", p.toString()).lines().toList()) {
                    String t = l.replaceFirst("^\\s*\\[\\s*(\\d+)\\]", "$1");
                    String[] w = t.trim().split("\\s+");
                    if (l.trim().startsWith("[") && w.length >= 6 && w[0].matches("\\d+") && !w[0].equals("0")) {
                        want.add(w[1] + " " + Long.parseUnsignedLong(w[3], 16) + " " + Long.parseLong(w[4], 16) + " " + Long.parseLong(w[5], 16));
                    }
                }
                List<String> got = f.sections().stream().skip(1)
                        .map(s -> s.name() + " " + s.addr() + " " + s.offset() + " " + s.size()).toList();
                assertEquals(want, got, name + " sections");
                // readelf -l -W: Type Offset VirtAddr PhysAddr FileSiz MemSiz
                List<String> wantP = new ArrayList<>();
                for (String l : run("readelf", "-l", "-W", p.toString()).lines().toList()) {
                    String[] w = l.trim().split("\\s+");
                    if (w.length >= 6 && w[1].startsWith("0x") && w[2].startsWith("0x") && (w[0].equals("LOAD") || w[0].equals("NOTE"))) {
                        wantP.add(w[0] + " " + Long.decode(w[1]) + " " + Long.parseUnsignedLong(w[2].substring(2), 16) + " " + Long.decode(w[4]) + " " + Long.decode(w[5]));
                    }
                }
                List<String> gotP = f.segments().stream().filter(s -> s.isLoad() || s.type() == io.goheap.layouts.elf.Elf.GOHEAP_PT_NOTE())
                        .map(s -> (s.isLoad() ? "LOAD" : "NOTE") + " " + s.offset() + " " + s.vaddr() + " " + s.filesz() + " " + s.memsz()).toList();
                assertEquals(wantP, gotP, name + " segments");
                assertTrue(!gotP.isEmpty());
            }
        }
    }

    static String run(String... cmd) throws Exception {
        return io.goheap.runtime.testing.Commands.run(cmd);
    }
}
