package io.goheap.runtime.inspect;

import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.elf.MalformedFileException;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * goheap's dump format: the whole simulated address space as an ELF64 core file ({@code ET_CORE},
 * x86-64), so {@code readelf -l} lists it and gdb opens it ({@code core-file}, {@code x/5gx}):
 * <ul>
 *   <li>one {@code PT_LOAD} per live mapping, at its real address, with its protection as flags and
 *       its bytes page-aligned in the file; an image section ({@code .text}, {@code .rodata}, ...) is
 *       mapped at a fixed capacity, so only its used pages are written ({@code p_filesz}) and the
 *       zero rest is only counted ({@code p_memsz});</li>
 *   <li>one {@code PT_NOTE} with three notes of owner {@code "GOHEAP"}: {@link #NT_GO_VERSION} (the Go
 *       version simulated), {@link #NT_REGIONS} (one line {@code 0xADDR 0xSIZE name} per mapping) and
 *       {@link #NT_SYMBOLS} (one line {@code 0xADDR 0xSIZE name} per symbol of the image).</li>
 * </ul>
 * {@code io.goheap.runtime.dump.DumpWriter} writes it from a runtime (a snapshot: from a quiescent
 * runtime, as gcore stops a process first); this class holds the format's names and reads the notes
 * back, so inspect knows nothing of the simulator.
 */
public final class DumpFile {
    /** Note owner. */
    public static final String OWNER = "GOHEAP";
    /** Note type of the Go version string. */
    public static final int NT_GO_VERSION = 1;
    /** Note type of the region names. */
    public static final int NT_REGIONS = 2;
    /** Note type of the symbol table. */
    public static final int NT_SYMBOLS = 3;
    /** Largest GOHEAP note read: a million symbols take about 80 MiB of text. */
    static final long MAX_NOTE = 256L << 20;

    private DumpFile() {
    }

    /** What the notes say. */
    public record Notes(String goVersion, Map<Long, String> regionNames, SymbolTable symbols) {
    }

    /**
     * Reads the GOHEAP notes of a dump.
     *
     * @throws MalformedFileException if a note is missing or a line is malformed (naming its offset)
     */
    public static Notes readNotes(ElfFile dump) {
        if (!dump.isCore()) {
            throw new MalformedFileException(dump.name(), 0, "is not a goheap dump (ELF type " + dump.type() + ", not ET_CORE)");
        }
        String version = null;
        Map<Long, String> names = null;
        List<SymbolTable.Sym> syms = null;
        for (ElfFile.Note n : dump.notes()) {
            if (!OWNER.equals(n.name()) || n.type() < NT_GO_VERSION || n.type() > NT_SYMBOLS) {
                continue;
            }
            if (n.desc().byteSize() > MAX_NOTE) {
                throw new MalformedFileException(dump.name(), n.offset(), "GOHEAP note " + n.type() + " of " + n.desc().byteSize()
                        + " bytes (at most " + MAX_NOTE + ")");
            }
            String text = new String(n.desc().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            switch (n.type()) {
                case NT_GO_VERSION -> version = text;
                case NT_REGIONS -> {
                    names = new HashMap<>();
                    for (String[] f : lines(dump, n, text)) {
                        names.put(f[0].isEmpty() ? 0 : Long.parseUnsignedLong(f[0], 16), f[2]);
                    }
                }
                case NT_SYMBOLS -> {
                    syms = new ArrayList<>();
                    for (String[] f : lines(dump, n, text)) {
                        syms.add(new SymbolTable.Sym(f[2], Long.parseUnsignedLong(f[0], 16), Long.parseUnsignedLong(f[1], 16)));
                    }
                }
                default -> {
                }
            }
        }
        if ((version == null || names == null || syms == null) && !dump.noteProblems().isEmpty()) {
            throw dump.noteProblems().getFirst(); // the missing notes were in the part that could not be read
        }
        if (version == null || names == null || syms == null) {
            throw new MalformedFileException(dump.name(), 0, "not a goheap dump: no GOHEAP version, regions and symbols notes"
                    + " (for a core of a Go process use: inspect core CORE --binary FILE)");
        }
        return new Notes(version, names, new SymbolTable(syms));
    }

    /**
     * The offset of the first {@code GOHEAP} note of {@code f}, or -1: a file with one was written by
     * {@link io.goheap.runtime.dump.DumpWriter#write(io.goheap.runtime.GoRuntime, java.nio.file.Path) DumpWriter.write} (a goheap dump), not by gcore or the kernel.
     */
    public static long goheapNote(ElfFile f) {
        for (ElfFile.Note n : f.notes()) {
            if (OWNER.equals(n.name())) {
                return n.offset();
            }
        }
        return -1;
    }

    /** The lines {@code 0xADDR 0xSIZE name} of a note, as {hex addr, hex size, name}. */
    private static List<String[]> lines(ElfFile f, ElfFile.Note n, String text) {
        List<String[]> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ", 3);
            if (p.length != 3 || !p[0].startsWith("0x") || !p[1].startsWith("0x")) {
                throw new MalformedFileException(f.name(), n.offset(), "GOHEAP note " + n.type() + " line " + lineNo + " is not '0xADDR 0xSIZE name'");
            }
            try {
                Long.parseUnsignedLong(p[0].substring(2), 16);
                Long.parseUnsignedLong(p[1].substring(2), 16);
            } catch (NumberFormatException e) {
                throw new MalformedFileException(f.name(), n.offset(), "GOHEAP note " + n.type() + " line " + lineNo + ": bad hex number");
            }
            out.add(new String[] {p[0].substring(2), p[1].substring(2), p[2]});
        }
        return out;
    }
}
