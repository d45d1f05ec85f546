package io.goheap.runtime.inspect;

import io.goheap.layouts.elf.Elf;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.mem.FileMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether a core was taken of a given executable, decided before anything is decoded: a core read with
 * another program's executable decodes as garbage, or fails far from the cause ("bad address 0x0").
 * The evidence, strongest first, each used when the core has it:
 * <ol>
 *   <li>the executable's {@code .note.go.buildid}: in the first page of text, which gcore and the
 *       kernel both write, its bytes must equal the file's;</li>
 *   <li>the executable's load segments, which every core has evidence of: the pages the kernel maps
 *       from the file for each {@code PT_LOAD} ({@code [vaddr, vaddr + filesz)} widened to whole pages,
 *       moved by the load offset of a position-independent executable) must be the ones the core's
 *       {@code NT_FILE} note lists, with the same file offsets; a core without that note must at least
 *       have segments covering them, executable where the executable's are;</li>
 *   <li>the Go build info ({@code .go.buildinfo}: Go version and module paths) when its page is in the
 *       core.</li>
 * </ol>
 * A mismatch is a {@link MalformedFileException} of the core naming both files, the addresses and what
 * differs. Static methods only; no state.
 */
final class CoreMatch {
    /** The page the kernel maps ELF segments in on x86-64 Linux. */
    static final long PAGE = 4096;

    private CoreMatch() {
    }

    /** Pages {@code [start, end)} mapped from byte {@code offset} of {@code path} (a file name in messages). */
    record Run(long start, long end, long offset, String path) {
    }

    /**
     * Refuses {@code core} unless it was taken of {@code exe} loaded {@code bias} bytes above its link
     * addresses; {@code coreOnly} is the core's own memory (its PT_LOAD bytes, nothing of the executable).
     *
     * @throws MalformedFileException if the evidence above says the core is of another program
     */
    static void require(ElfFile core, ElfFile exe, FileMemory coreOnly, long bias) {
        if (exe.type() == Elf.GOHEAP_ET_DYN() && (bias & (PAGE - 1)) != 0) { // the kernel loads whole pages
            throw mismatch(core, 0, exe, String.format("the core's entry point (AT_ENTRY 0x%x) is not %s's entry point 0x%x moved by"
                    + " whole pages (0x%x is not a multiple of 0x%x)%s", exe.entry() + bias, exe.name(), exe.entry(), bias, PAGE,
                    program(core, core.mappedFiles())));
        }
        buildId(core, exe, coreOnly, bias);
        layout(core, exe, bias);
        buildInfo(core, exe, coreOnly, bias);
    }

    private static void buildId(ElfFile core, ElfFile exe, FileMemory coreOnly, long bias) {
        ElfFile.Section id = exe.section(".note.go.buildid");
        if (id == null || !id.hasBytes() || !coreOnly.contains(id.addr() + bias, id.size())) {
            return;
        }
        MemorySegment inCore = coreOnly.slice(id.addr() + bias, id.size());
        MemorySegment inFile = exe.bytes(id);
        if (inCore.mismatch(inFile) != -1) {
            throw mismatch(core, 0, exe, String.format("the Go build ID at 0x%x differs (core %s, executable %s)", id.addr(),
                    printable(inCore), printable(inFile)));
        }
    }

    /** The printable last word of a Go build ID note (its descriptor is the ID as text). */
    private static String printable(MemorySegment note) {
        MemorySegment head = note.asSlice(0, Math.min(note.byteSize(), 256)); // a Go build ID note is about 100 bytes
        String t = new String(head.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
        String id = t.replaceAll("[^\\x21-\\x7e]", " ").trim();
        int sp = id.lastIndexOf(' ');
        String last = sp >= 0 ? id.substring(sp + 1) : id;
        return last.isEmpty() ? "none" : last;
    }

    private static void layout(ElfFile core, ElfFile exe, long bias) {
        List<ElfFile.MappedFile> files = core.mappedFiles();
        List<Run> want = expected(exe, bias);
        String loaded = bias == 0 ? "" : String.format(" (loaded 0x%x above its link address, by the core's AT_ENTRY)", bias);
        if (files != null) {
            List<Run> have = merged(files);
            for (Run r : want) {
                Run c = containing(have, r.start());
                if (c == null) {
                    throw mismatch(core, noteOffset(core), exe, String.format("%s would map 0x%x-0x%x from its offset 0x%x%s, but the core's"
                            + " NT_FILE note maps no file there%s", exe.name(), r.start(), r.end(), r.offset(), loaded, program(core, files)));
                }
                if (c.start() != r.start() || c.end() != r.end() || c.offset() != r.offset()) {
                    throw mismatch(core, noteOffset(core), exe, String.format("%s would map 0x%x-0x%x from its offset 0x%x%s, but the core"
                            + " maps %s at 0x%x-0x%x from offset 0x%x", exe.name(), r.start(), r.end(), r.offset(), loaded, c.path(),
                            c.start(), c.end(), c.offset()));
                }
            }
            return;
        }
        // no NT_FILE note: the core's own segments must at least cover the executable's pages, executable where its code is
        List<ElfFile.Segment> segs = new ArrayList<>();
        for (ElfFile.Segment p : core.segments()) {
            if (p.isLoad() && p.memsz() > 0) {
                segs.add(p);
            }
        }
        segs.sort(Comparator.comparing(ElfFile.Segment::vaddr, Long::compareUnsigned));
        for (Run r : want) {
            long at = r.start();
            for (ElfFile.Segment p : segs) {
                long end = p.vaddr() + p.memsz();
                if (at == r.end()) {
                    break;
                }
                if (Long.compareUnsigned(p.vaddr(), at) > 0 || Long.compareUnsigned(at, end) >= 0) {
                    continue;
                }
                if (executable(exe, at - bias) && (p.flags() & Elf.GOHEAP_PF_X()) == 0) {
                    throw mismatch(core, 0, exe, String.format("%s's code at 0x%x%s is in the core's segment %d, which is not executable"
                            + " (and the core has no NT_FILE note naming the files it mapped)", exe.name(), at, loaded, p.index()));
                }
                at = Long.compareUnsigned(end, r.end()) < 0 ? end : r.end();
            }
            if (at != r.end()) {
                throw mismatch(core, 0, exe, String.format("%s would be loaded at 0x%x-0x%x%s, but the core has no segment at 0x%x"
                        + " (and no NT_FILE note naming the files it mapped)", exe.name(), r.start(), r.end(), loaded, at));
            }
        }
    }

    /** Whether the executable's PT_LOAD holding link address {@code addr} is executable. */
    private static boolean executable(ElfFile exe, long addr) {
        for (ElfFile.Segment p : exe.segments()) {
            if (p.isLoad() && Long.compareUnsigned(addr - p.vaddr(), p.filesz()) < 0) {
                return (p.flags() & Elf.GOHEAP_PF_X()) != 0;
            }
        }
        return false;
    }

    /**
     * The pages the kernel maps from the executable, loaded {@code bias} above its link addresses: one
     * run per PT_LOAD with file bytes ({@code [vaddr, vaddr + filesz)} widened to pages), adjacent runs
     * that continue in the file merged (the kernel merges such mappings too).
     */
    static List<Run> expected(ElfFile exe, long bias) {
        long page = PAGE;
        List<ElfFile.Segment> loads = new ArrayList<>();
        for (ElfFile.Segment p : exe.segments()) {
            if (p.isLoad() && p.filesz() > 0) {
                if (Long.compareUnsigned(p.vaddr() + p.filesz() + page, p.vaddr()) <= 0) {
                    throw new MalformedFileException(exe.name(), 0, String.format("segment %d [0x%x, +0x%x) runs past the end of the address space",
                            p.index(), p.vaddr(), p.filesz()));
                }
                loads.add(p);
            }
        }
        loads.sort(Comparator.comparing(ElfFile.Segment::vaddr, Long::compareUnsigned));
        List<Run> out = new ArrayList<>();
        for (ElfFile.Segment p : loads) {
            long start = (p.vaddr() & -page) + bias;
            long end = ((p.vaddr() + p.filesz() + page - 1) & -page) + bias;
            add(out, new Run(start, end, p.offset() & -page, exe.name()));
        }
        return out;
    }

    /** The NT_FILE entries sorted by address, adjacent ones of one file that continue in it merged. */
    static List<Run> merged(List<ElfFile.MappedFile> files) {
        List<ElfFile.MappedFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(ElfFile.MappedFile::start, Long::compareUnsigned));
        List<Run> out = new ArrayList<>();
        for (ElfFile.MappedFile f : sorted) {
            add(out, new Run(f.start(), f.end(), f.offset(), f.path()));
        }
        return out;
    }

    /** Appends {@code r} to {@code runs}, merged into the last run when it continues it (same file, same offset delta). */
    private static void add(List<Run> runs, Run r) {
        if (!runs.isEmpty()) {
            Run last = runs.getLast();
            if (last.path().equals(r.path()) && Long.compareUnsigned(r.start(), last.end()) <= 0
                    && Long.compareUnsigned(r.start(), last.start()) >= 0 && r.offset() - last.offset() == r.start() - last.start()) {
                long end = Long.compareUnsigned(r.end(), last.end()) > 0 ? r.end() : last.end();
                runs.set(runs.size() - 1, new Run(last.start(), end, last.offset(), last.path()));
                return;
            }
        }
        runs.add(r);
    }

    private static Run containing(List<Run> runs, long addr) {
        for (Run r : runs) {
            if (Long.compareUnsigned(addr - r.start(), r.end() - r.start()) < 0) {
                return r;
            }
        }
        return null;
    }

    private static long noteOffset(ElfFile core) {
        for (ElfFile.Note n : core.notes()) {
            if (n.type() == ElfFile.NT_FILE && "CORE".equals(n.name())) {
                return n.offset();
            }
        }
        return 0;
    }

    /** " (the core's program is PATH)" when the NT_FILE entry holding the core's entry point names it; else empty. */
    private static String program(ElfFile core, List<ElfFile.MappedFile> files) {
        Long entry = core.auxv(ElfFile.AT_ENTRY);
        if (files == null || entry == null) {
            return "";
        }
        for (ElfFile.MappedFile f : files) {
            if (Long.compareUnsigned(entry - f.start(), f.end() - f.start()) < 0) {
                return " (the core's program is " + f.path() + ")";
            }
        }
        return "";
    }

    private static void buildInfo(ElfFile core, ElfFile exe, FileMemory coreOnly, long bias) {
        ElfFile.Section s = exe.section(".go.buildinfo");
        if (s == null || !s.hasBytes() || s.size() < BuildInfo.HEADER || !coreOnly.contains(s.addr() + bias, s.size())) {
            return;
        }
        MemorySegment inFile = exe.bytes(s);
        FileMemory file = FileMemory.of("executable " + exe.name(), s.addr() + bias, inFile);
        // only the inline form has no pointers a load offset would change
        if (!BuildInfo.isInline(file, s.addr() + bias)) {
            return;
        }
        MemorySegment inCore = coreOnly.slice(s.addr() + bias, s.size());
        if (inCore.mismatch(inFile) != -1) {
            throw mismatch(core, 0, exe, String.format("the Go build info at 0x%x differs (core: %s; executable: %s)", s.addr() + bias,
                    describe(coreOnly, s.addr() + bias), describe(file, s.addr() + bias)));
        }
    }

    private static String describe(io.goheap.runtime.mem.GoMemory m, long at) {
        try {
            BuildInfo b = BuildInfo.read(m, at);
            return b.goVersion() + " " + b.path();
        } catch (BadAddressException | IllegalStateException e) {
            return "unreadable";
        }
    }

    private static MalformedFileException mismatch(ElfFile core, long offset, ElfFile exe, String what) {
        return new MalformedFileException(core.name(), offset, "was not taken of " + exe.name() + ": " + what);
    }
}
