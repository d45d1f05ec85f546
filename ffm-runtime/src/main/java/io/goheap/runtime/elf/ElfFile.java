package io.goheap.runtime.elf;

import io.goheap.layouts.elf.Elf;
import io.goheap.layouts.elf.Elf64_Ehdr;
import io.goheap.layouts.elf.Elf64_Nhdr;
import io.goheap.layouts.elf.Elf64_Phdr;
import io.goheap.layouts.elf.Elf64_Shdr;
import io.goheap.layouts.elf.Elf64_Rela;
import io.goheap.layouts.elf.Elf64_Sym;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A little-endian ELF64 file (an x86-64 executable or core) read in place: the file is mapped with
 * {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} into a shared {@link Arena}, never
 * copied into the Java heap, so a multi-GB core costs address space, not heap. Offsets come from the
 * jextract layouts of {@code <elf.h>} ({@code io.goheap.layouts.elf}).
 *
 * <p>Every read is checked against the file's size first; a header, table or string that runs past
 * the end is a {@link MalformedFileException} naming the offset. Headers are parsed once, at open.
 * Reads are thread-safe; {@link #close()} unmaps the file, after which reads throw
 * {@link IllegalStateException}.
 */
public final class ElfFile implements AutoCloseable {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** ELF's escape values for more than 0xfff0 sections / 0xffff segments (the real counts sit in section 0). */
    private static final int PN_XNUM = 0xffff;
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    /** A program header. */
    public record Segment(int index, int type, int flags, long offset, long vaddr, long filesz, long memsz) {
        /** Whether this is a {@code PT_LOAD} segment. */
        public boolean isLoad() {
            return type == Elf.GOHEAP_PT_LOAD();
        }
    }

    /** A section header, with its name. */
    public record Section(int index, String name, int type, long flags, long addr, long offset, long size, int link, long entsize) {
        /** Occupies memory at run time (SHF_ALLOC). */
        public boolean isAlloc() {
            return (flags & Elf.GOHEAP_SHF_ALLOC()) != 0;
        }

        /** Has bytes in the file (not SHT_NOBITS). */
        public boolean hasBytes() {
            return type != Elf.GOHEAP_SHT_NOBITS();
        }
    }

    /** A symbol of {@code .symtab}. */
    public record Symbol(String name, long value, long size, int type, int shndx) {
    }

    /** A note: owner name, type and its descriptor bytes (a slice of the file). */
    public record Note(String name, int type, MemorySegment desc, long offset) {
    }

    /**
     * One entry of a core's {@code NT_FILE} note: the file {@code path} was mapped at
     * {@code [start, end)} from byte {@code offset} of it (the kernel's note counts offsets in pages;
     * this record holds bytes).
     */
    public record MappedFile(long start, long end, long offset, String path) {
    }

    /** The notes of the file and the problems met reading them ({@link #notes()}, {@link #noteProblems()}). */
    private record NoteScan(List<Note> notes, List<MalformedFileException> problems) {
    }

    private final String name;
    private final MemorySegment bytes;
    private final Arena arena;
    private final int type;
    private final int machine;
    private final List<Segment> segments;
    private final List<Section> sections;
    private volatile Map<String, Symbol> symbols;
    private volatile NoteScan noteScan;

    private ElfFile(String name, MemorySegment bytes, Arena arena) {
        this.name = name;
        this.bytes = bytes;
        this.arena = arena;
        if (bytes.byteSize() < Elf64_Ehdr.sizeof()) {
            throw new MalformedFileException(name, 0, "too short for an ELF64 header (" + bytes.byteSize() + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new MalformedFileException(name, i, "not an ELF file (bad magic)");
            }
        }
        long ident = Elf64_Ehdr.e_ident$offset();
        if (u8(ident + Elf.GOHEAP_EI_CLASS()) != Elf.GOHEAP_ELFCLASS64()) {
            throw new MalformedFileException(name, ident + Elf.GOHEAP_EI_CLASS(), "not a 64-bit ELF file");
        }
        if (u8(ident + Elf.GOHEAP_EI_DATA()) != Elf.GOHEAP_ELFDATA2LSB()) {
            throw new MalformedFileException(name, ident + Elf.GOHEAP_EI_DATA(), "not a little-endian ELF file");
        }
        this.type = u16(Elf64_Ehdr.e_type$offset());
        this.machine = u16(Elf64_Ehdr.e_machine$offset());
        List<Section> shs = readSections();
        this.sections = Collections.unmodifiableList(shs);
        this.segments = Collections.unmodifiableList(readSegments());
    }

    /**
     * Maps {@code path} read-only and parses its headers.
     *
     * @throws IOException if the file cannot be opened or mapped
     * @throws MalformedFileException if it is not a well-formed little-endian ELF64 file
     */
    public static ElfFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new ElfFile(path.getFileName().toString(), seg, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses an ELF image already in memory (the caller keeps it alive); for tests and fuzzing. */
    public static ElfFile of(String name, MemorySegment bytes) {
        return new ElfFile(name, bytes, null);
    }

    /** The file name messages use. */
    public String name() {
        return name;
    }

    /** e_type: {@code ET_EXEC}, {@code ET_DYN}, {@code ET_CORE}. */
    public int type() {
        return type;
    }

    /** Whether the file is a core ({@code ET_CORE}). */
    public boolean isCore() {
        return type == Elf.GOHEAP_ET_CORE();
    }

    /** e_entry: the entry point's link-time address. */
    public long entry() {
        return u64(Elf64_Ehdr.e_entry$offset());
    }

    /**
     * The value of {@code key} in a core's {@code NT_AUXV} note (the auxiliary vector the kernel gave
     * the process: AT_ENTRY 9 is where the executable's entry point was loaded), or null.
     */
    public Long auxv(long key) {
        for (Note n : notes()) {
            if (n.type() == NT_AUXV && "CORE".equals(n.name())) {
                MemorySegment d = n.desc();
                for (long at = 0; at + 2 * Long.BYTES <= d.byteSize(); at += 2 * Long.BYTES) {
                    long k = d.get(U64, at);
                    if (k == key) {
                        return d.get(U64, at + Long.BYTES);
                    }
                    if (k == 0) { // AT_NULL ends the vector
                        break;
                    }
                }
            }
        }
        return null;
    }

    /** NT_AUXV: a core's note holding the auxiliary vector ({@code <elf.h>}). */
    static final int NT_AUXV = 6;
    /** AT_ENTRY: the key of the loaded entry point in the auxiliary vector. */
    public static final long AT_ENTRY = 9;
    /** NT_FILE: a core's note listing the files the process had mapped, and where ({@code <elf.h>}: "FILE"). */
    public static final int NT_FILE = 0x46494c45;

    /**
     * The entries of a core's {@code NT_FILE} note (owner {@code "CORE"}), in the note's order, or null
     * when the file has none. The note holds a count, the page size, {@code count} triples
     * {@code start, end, offset in pages} and then {@code count} NUL-terminated paths.
     *
     * @throws MalformedFileException naming the note's offset if its count, ranges or paths do not fit it
     */
    public List<MappedFile> mappedFiles() {
        for (Note n : notes()) {
            if (n.type() != NT_FILE || !"CORE".equals(n.name())) {
                continue;
            }
            MemorySegment d = n.desc();
            if (d.byteSize() < 2 * Long.BYTES) {
                throw new MalformedFileException(name, n.offset(), "NT_FILE note of " + d.byteSize() + " bytes, too short for its count");
            }
            long count = d.get(U64, 0);
            long page = d.get(U64, Long.BYTES);
            long table = 2L * Long.BYTES;
            // before multiplying: the count is any 64-bit value
            if (count < 0 || count > (d.byteSize() - table) / (3 * Long.BYTES)) {
                throw new MalformedFileException(name, n.offset(), "NT_FILE note counts " + Long.toUnsignedString(count)
                        + " mappings, more than its " + d.byteSize() + " bytes hold");
            }
            if (page <= 0 || page > 1L << 30 || Long.bitCount(page) != 1) {
                throw new MalformedFileException(name, n.offset(), "NT_FILE note has page size " + Long.toUnsignedString(page));
            }
            long names = table + count * 3 * Long.BYTES;
            List<MappedFile> out = new ArrayList<>((int) count);
            for (long i = 0; i < count; i++) {
                long e = table + i * 3 * Long.BYTES;
                long start = d.get(U64, e);
                long end = d.get(U64, e + Long.BYTES);
                long pages = d.get(U64, e + 2 * Long.BYTES);
                if (Long.compareUnsigned(end, start) < 0 || Long.compareUnsigned(pages, Long.divideUnsigned(-1L, page)) > 0) {
                    throw new MalformedFileException(name, n.offset() + e, String.format("NT_FILE mapping %d: [0x%x, 0x%x) at page %s",
                            i, start, end, Long.toUnsignedString(pages)));
                }
                long pathAt = n.offset() + names;
                long pathEnd = cstringEnd(pathAt, d.byteSize() - names, 0, "NT_FILE path " + i);
                String path = new String(bytes.asSlice(pathAt, pathEnd - pathAt).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                names += pathEnd - pathAt + 1;
                out.add(new MappedFile(start, end, pages * page, path));
            }
            return out;
        }
        return null;
    }

    /** e_machine ({@code EM_X86_64} = 62). */
    public int machine() {
        return machine;
    }

    /** The file's size in bytes. */
    public long size() {
        return bytes.byteSize();
    }

    /** The program headers. */
    public List<Segment> segments() {
        return segments;
    }

    /** The section headers. */
    public List<Section> sections() {
        return sections;
    }

    /** The first section called {@code n}, or null. */
    public Section section(String n) {
        for (Section s : sections) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The bytes {@code [offset, offset + len)} of the file, bounded to them.
     *
     * @throws MalformedFileException naming {@code offset} and {@code what} if the range leaves the file
     */
    public MemorySegment slice(long offset, long len, String what) {
        check(offset, len, what);
        return bytes.asSlice(offset, len);
    }

    /** A section's bytes. @throws MalformedFileException if it has none or they leave the file */
    public MemorySegment bytes(Section s) {
        if (!s.hasBytes()) {
            throw new MalformedFileException(name, s.offset(), "section " + s.name() + " has no bytes in the file");
        }
        return slice(s.offset(), s.size(), "section " + s.name());
    }

    /** A segment's file bytes ({@code filesz} of them). */
    public MemorySegment bytes(Segment p) {
        return slice(p.offset(), p.filesz(), "segment " + p.index());
    }

    /**
     * Every note of every PT_NOTE segment (or, without program headers, of every SHT_NOTE section) that
     * lies whole in the file. A note range cut short by the end of the file, or a note whose name or
     * descriptor runs past its range, ends the reading of that range: the notes before it are kept and
     * the problem is one of {@link #noteProblems()}. Read once.
     *
     * @throws MalformedFileException if the file holds more than {@link #MAX_NOTES} notes
     */
    public List<Note> notes() {
        return scanNotes().notes();
    }

    /**
     * What was wrong with the note ranges {@link #notes()} read, each naming the offset where reading
     * stopped (empty for a well-formed file); the notes after that point in the same range are lost.
     *
     * @throws MalformedFileException if the file holds more than {@link #MAX_NOTES} notes
     */
    public List<MalformedFileException> noteProblems() {
        return scanNotes().problems();
    }

    private NoteScan scanNotes() {
        NoteScan scan = noteScan;
        if (scan != null) {
            return scan;
        }
        List<Note> out = new ArrayList<>();
        List<MalformedFileException> problems = new ArrayList<>();
        java.util.Set<List<Long>> seen = new java.util.HashSet<>(); // each range once, however many headers name it
        boolean any = false;
        for (Segment p : segments) {
            if (p.type() == Elf.GOHEAP_PT_NOTE()) {
                any = true;
                if (seen.add(List.of(p.offset(), p.filesz()))) {
                    readNotes("note segment " + p.index(), p.offset(), p.filesz(), out, problems);
                }
            }
        }
        if (!any) {
            for (Section s : sections) {
                if (s.type() == Elf.GOHEAP_SHT_NOTE() && seen.add(List.of(s.offset(), s.size()))) {
                    readNotes("note section " + s.name(), s.offset(), s.size(), out, problems);
                }
            }
        }
        scan = new NoteScan(Collections.unmodifiableList(out), Collections.unmodifiableList(problems));
        noteScan = scan; // racy but benign: every thread computes the same immutable lists
        return scan;
    }

    /** Most notes read from one file: a core has a few per thread; more is a corrupt or hostile file. */
    public static final int MAX_NOTES = 1 << 16;
    /** Longest section or symbol name read (Go's longest generic instantiations stay far below). */
    public static final int MAX_NAME = 1 << 16;

    /** The symbols of {@code .symtab} by name (empty for a stripped file). The first of equal names wins. */
    public Map<String, Symbol> symbols() {
        Map<String, Symbol> m = symbols;
        if (m == null) {
            m = Collections.unmodifiableMap(readSymbols());
            symbols = m; // racy but benign: every thread computes the same immutable map
        }
        return m;
    }

    /**
     * The symbol called {@code n}, or null: a scan of {@code .symtab} comparing names in place, without
     * decoding the table (a large binary has tens of thousands of symbols; a lookup needs one).
     */
    public Symbol symbol(String n) {
        Map<String, Symbol> m = symbols;
        if (m != null) {
            return m.get(n);
        }
        byte[] want = n.getBytes(StandardCharsets.UTF_8);
        Symbol[] found = new Symbol[1];
        eachSymbol((str, e, idx) -> {
            if (nameEquals(str.offset(), str.size(), idx, want)) {
                found[0] = symbolAt(n, e);
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** Visits one {@code .symtab} entry at file offset {@code e}, its name at {@code idx} in {@code str}; false stops. */
    private interface SymbolVisitor {
        boolean visit(Section str, long e, long idx);
    }

    /**
     * Walks every named entry of every {@code .symtab}, after checking the table, its entry size and
     * its string table against the file.
     */
    private void eachSymbol(SymbolVisitor v) {
        for (Section s : sections) {
            if (s.type() != Elf.GOHEAP_SHT_SYMTAB()) {
                continue;
            }
            if (s.entsize() != Elf64_Sym.sizeof()) {
                throw new MalformedFileException(name, s.offset(), ".symtab entry size " + s.entsize() + ", not " + Elf64_Sym.sizeof());
            }
            if (s.link() < 0 || s.link() >= sections.size()) {
                throw new MalformedFileException(name, s.offset(), ".symtab links to section " + s.link() + " of " + sections.size());
            }
            Section str = sections.get(s.link());
            check(str.offset(), str.size(), "symbol name table");
            check(s.offset(), s.size(), "symbol table");
            long count = s.size() / Elf64_Sym.sizeof();
            for (long i = 1; i < count; i++) {
                long e = s.offset() + i * Elf64_Sym.sizeof();
                long idx = Integer.toUnsignedLong(u32(e + Elf64_Sym.st_name$offset()));
                if (idx != 0 && !v.visit(str, e, idx)) {
                    return;
                }
            }
            return; // ELF allows one .symtab: further ones are not read
        }
    }

    private Symbol symbolAt(String n, long e) {
        int info = u8(e + Elf64_Sym.st_info$offset());
        return new Symbol(n, u64(e + Elf64_Sym.st_value$offset()), u64(e + Elf64_Sym.st_size$offset()), info & 0xf,
                u16(e + Elf64_Sym.st_shndx$offset()));
    }

    /**
     * The {@code R_X86_64_RELATIVE} relocations of every {@code SHT_RELA} section ({@code .rela.dyn} of an
     * externally linked PIE, {@code .rela} of Go's internal PIE), as pairs {@code {r_offset, r_addend}}
     * flattened into one array: a position-independent executable's pointers in data, which the dynamic
     * loader sets to load base + addend. Other relocation types (symbol references into shared libraries)
     * are left out: Go's own data needs none of them.
     *
     * @throws MalformedFileException naming the section's offset if a table leaves the file or its entry
     *         size is not 24
     */
    public long[] relativeRelocations() {
        long n = 0;
        for (Section s : sections) {
            if (s.type() == Elf.GOHEAP_SHT_RELA()) {
                if (s.entsize() != Elf64_Rela.sizeof()) {
                    throw new MalformedFileException(name, s.offset(), s.name() + " entry size " + s.entsize() + ", not " + Elf64_Rela.sizeof());
                }
                check(s.offset(), s.size(), "relocation table " + s.name());
                n += s.size() / Elf64_Rela.sizeof();
            }
        }
        // n * 2 longs: a relocation table lies in the file, so n < file size / 24
        long[] out = new long[(int) Math.min(n * 2, Integer.MAX_VALUE - 8)];
        int k = 0;
        for (Section s : sections) {
            if (s.type() != Elf.GOHEAP_SHT_RELA()) {
                continue;
            }
            long size = Elf64_Rela.sizeof();
            for (long e = s.offset(); e + size <= s.offset() + s.size() && k + 1 < out.length; e += size) {
                // ELF64_R_TYPE: the low 32 bits of r_info
                if ((u64(e + Elf64_Rela.r_info$offset()) & 0xffffffffL) == Elf.GOHEAP_R_X86_64_RELATIVE()) {
                    out[k++] = u64(e + Elf64_Rela.r_offset$offset());
                    out[k++] = u64(e + Elf64_Rela.r_addend$offset());
                }
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** Whether the file has a non-empty {@code .symtab} (a stripped binary has none). */
    public boolean hasSymbols() {
        for (Section s : sections) {
            if (s.type() == Elf.GOHEAP_SHT_SYMTAB() && s.size() > Elf64_Sym.sizeof()) {
                return true;
            }
        }
        return false;
    }

    private boolean nameEquals(long table, long tableSize, long index, byte[] want) {
        if (index >= tableSize || tableSize - index < want.length + 1L) {
            return false;
        }
        long at = table + index;
        for (int i = 0; i < want.length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, at + i) != want[i]) {
                return false;
            }
        }
        return bytes.get(ValueLayout.JAVA_BYTE, at + want.length) == 0;
    }

    /** Unmaps the file (when {@link #open} mapped it). Reads afterwards throw IllegalStateException. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    // ---- parsing ----

    private List<Section> readSections() {
        long shoff = u64(Elf64_Ehdr.e_shoff$offset());
        int shnum = u16(Elf64_Ehdr.e_shnum$offset());
        int shentsize = u16(Elf64_Ehdr.e_shentsize$offset());
        if (shoff == 0) {
            return List.of();
        }
        if (shentsize != Elf64_Shdr.sizeof()) {
            throw new MalformedFileException(name, Elf64_Ehdr.e_shentsize$offset(), "section header size " + shentsize + ", not " + Elf64_Shdr.sizeof());
        }
        long count = shnum;
        if (count == 0) { // extended numbering: the count is section 0's sh_size
            count = u64(shoff + Elf64_Shdr.sh_size$offset());
        }
        // before multiplying: a count from the file may be any 64-bit value
        if (count < 0 || count > bytes.byteSize() / Elf64_Shdr.sizeof()) {
            throw new MalformedFileException(name, shoff, Long.toUnsignedString(count) + " section headers cannot fit in the file ("
                    + bytes.byteSize() + " bytes)");
        }
        check(shoff, count * Elf64_Shdr.sizeof(), count + " section headers");
        int shstrndx = u16(Elf64_Ehdr.e_shstrndx$offset());
        long strOff = 0;
        long strSize = 0;
        if (shstrndx != 0 && shstrndx < count) {
            long h = shoff + shstrndx * Elf64_Shdr.sizeof();
            strOff = u64(h + Elf64_Shdr.sh_offset$offset());
            strSize = u64(h + Elf64_Shdr.sh_size$offset());
            check(strOff, strSize, "section name table");
        }
        List<Section> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long h = shoff + i * Elf64_Shdr.sizeof();
            int nameIdx = u32(h + Elf64_Shdr.sh_name$offset());
            String n = strSize == 0 ? "" : cstring(strOff, strSize, Integer.toUnsignedLong(nameIdx), "section " + i + " name");
            out.add(new Section(i, n, u32(h + Elf64_Shdr.sh_type$offset()), u64(h + Elf64_Shdr.sh_flags$offset()),
                    u64(h + Elf64_Shdr.sh_addr$offset()), u64(h + Elf64_Shdr.sh_offset$offset()),
                    u64(h + Elf64_Shdr.sh_size$offset()), u32(h + Elf64_Shdr.sh_link$offset()),
                    u64(h + Elf64_Shdr.sh_entsize$offset())));
        }
        return out;
    }

    private List<Segment> readSegments() {
        long phoff = u64(Elf64_Ehdr.e_phoff$offset());
        long phnum = u16(Elf64_Ehdr.e_phnum$offset());
        int phentsize = u16(Elf64_Ehdr.e_phentsize$offset());
        if (phoff == 0 || phnum == 0) {
            return List.of();
        }
        if (phentsize != Elf64_Phdr.sizeof()) {
            throw new MalformedFileException(name, Elf64_Ehdr.e_phentsize$offset(), "program header size " + phentsize + ", not " + Elf64_Phdr.sizeof());
        }
        if (phnum == PN_XNUM && !sections.isEmpty()) { // the real count is section 0's sh_info
            long shoff = u64(Elf64_Ehdr.e_shoff$offset());
            phnum = Integer.toUnsignedLong(u32(shoff + Elf64_Shdr.sh_info$offset()));
        }
        if (phnum > bytes.byteSize() / Elf64_Phdr.sizeof()) {
            throw new MalformedFileException(name, phoff, phnum + " program headers cannot fit in the file (" + bytes.byteSize() + " bytes)");
        }
        check(phoff, phnum * Elf64_Phdr.sizeof(), phnum + " program headers");
        List<Segment> out = new ArrayList<>((int) phnum);
        for (int i = 0; i < phnum; i++) {
            long h = phoff + i * Elf64_Phdr.sizeof();
            out.add(new Segment(i, u32(h + Elf64_Phdr.p_type$offset()), u32(h + Elf64_Phdr.p_flags$offset()),
                    u64(h + Elf64_Phdr.p_offset$offset()), u64(h + Elf64_Phdr.p_vaddr$offset()),
                    u64(h + Elf64_Phdr.p_filesz$offset()), u64(h + Elf64_Phdr.p_memsz$offset())));
        }
        return out;
    }

    /**
     * Reads the notes of {@code [off, off + size)} ({@code what}: the segment or section) into
     * {@code out}, the part of the range inside the file only; the first problem ends the range and
     * goes to {@code problems}. Nothing outside the file is read.
     */
    private void readNotes(String what, long off, long size, List<Note> out, List<MalformedFileException> problems) {
        long fileSize = bytes.byteSize();
        if (off < 0 || size < 0 || off > fileSize || size > fileSize - off) {
            problems.add(new MalformedFileException(name, off, what + " (" + Long.toUnsignedString(size) + " bytes) runs past the end of the file ("
                    + fileSize + " bytes)" + (off >= 0 && off < fileSize ? "; only the notes before the end were read" : "")));
            if (off < 0 || off >= fileSize) {
                return;
            }
            size = fileSize - off;
        }
        long at = off;
        long end = off + size;
        while (end - at >= Elf64_Nhdr.sizeof()) {
            long namesz = Integer.toUnsignedLong(u32(at + Elf64_Nhdr.n_namesz$offset()));
            long descsz = Integer.toUnsignedLong(u32(at + Elf64_Nhdr.n_descsz$offset()));
            int ntype = u32(at + Elf64_Nhdr.n_type$offset());
            long nameAt = at + Elf64_Nhdr.sizeof();
            long descAt = nameAt + align4(namesz);
            long next = descAt + align4(descsz);
            if (next > end || next < at) {
                problems.add(new MalformedFileException(name, at, "note (name " + namesz + " bytes, desc " + descsz
                        + " bytes) runs past the end 0x" + Long.toHexString(end) + " of " + what + "; the notes from here on were not read"));
                return;
            }
            if (out.size() >= MAX_NOTES) {
                throw new MalformedFileException(name, at, "more than " + MAX_NOTES + " notes");
            }
            String n;
            try {
                n = namesz == 0 ? "" : cstring(nameAt, namesz, 0, "note name");
            } catch (MalformedFileException e) {
                problems.add(e);
                return;
            }
            out.add(new Note(n, ntype, bytes.asSlice(descAt, descsz), descAt));
            at = next;
        }
    }

    private Map<String, Symbol> readSymbols() {
        Map<String, Symbol> out = new HashMap<>();
        long[] chars = {0};
        eachSymbol((str, e, idx) -> {
            String sn = cstring(str.offset(), str.size(), idx, "symbol name at 0x" + Long.toHexString(e));
            // names may overlap in the string table; decoded, they may not grow past a bound on the file
            chars[0] += sn.length();
            if (chars[0] > Math.max(1L << 24, 4 * bytes.byteSize())) {
                throw new MalformedFileException(name, e, "symbol names add up to more than 4x the file's size (overlapping names?)");
            }
            out.putIfAbsent(sn, symbolAt(sn, e));
            return true;
        });
        return out;
    }

    /** The NUL-terminated string at {@code table + index}, within {@code [table, table + tableSize)}. */
    private String cstring(long table, long tableSize, long index, String what) {
        long start = table + index;
        long end = cstringEnd(table, tableSize, index, what);
        return new String(bytes.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The offset of the NUL ending the string at {@code table + index}, within {@code [table, table + tableSize)}. */
    private long cstringEnd(long table, long tableSize, long index, String what) {
        if (index >= tableSize) {
            throw new MalformedFileException(name, table + index, what + ": index " + index + " outside its string table (" + tableSize + " bytes)");
        }
        long start = table + index;
        long limit = Math.min(table + tableSize, start + MAX_NAME + 1);
        long end = start;
        while (end < limit && bytes.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        if (end == limit) {
            throw new MalformedFileException(name, start, what + ": no terminating NUL inside its table or within " + MAX_NAME + " bytes");
        }
        return end;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }

    private void check(long offset, long len, String what) {
        if (offset < 0 || len < 0 || offset > bytes.byteSize() || len > bytes.byteSize() - offset) {
            throw new MalformedFileException(name, offset, what + " (" + len + " bytes) runs past the end of the file ("
                    + bytes.byteSize() + " bytes)");
        }
    }

    private int u8(long off) {
        check(off, 1, "byte");
        return bytes.get(ValueLayout.JAVA_BYTE, off) & 0xff;
    }

    private int u16(long off) {
        check(off, 2, "uint16");
        return bytes.get(U16, off) & 0xffff;
    }

    private int u32(long off) {
        check(off, 4, "uint32");
        return bytes.get(U32, off);
    }

    private long u64(long off) {
        check(off, 8, "uint64");
        return bytes.get(U64, off);
    }
}
