package io.goheap.runtime.dump;

import io.goheap.layouts.elf.Elf;
import io.goheap.layouts.elf.Elf64_Ehdr;
import io.goheap.layouts.elf.Elf64_Nhdr;
import io.goheap.layouts.elf.Elf64_Phdr;
import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.inspect.DumpFile;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.Mman;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.goheap.runtime.inspect.DumpFile.NT_GO_VERSION;
import static io.goheap.runtime.inspect.DumpFile.NT_REGIONS;
import static io.goheap.runtime.inspect.DumpFile.NT_SYMBOLS;
import static io.goheap.runtime.inspect.DumpFile.OWNER;

/**
 * Writes a {@link GoRuntime}'s whole address space in goheap's dump format ({@link DumpFile}: an ELF64
 * core, one {@code PT_LOAD} per live mapping, the GOHEAP notes). The dump is a snapshot: write it from
 * a quiescent runtime (as gcore stops a process first), or words that other threads change meanwhile
 * may be torn between mappings.
 */
public final class DumpWriter {
    private static final long PAGE = 4096;
    /** ELFMAG: the first four bytes of e_ident. */
    private static final byte[] ELFMAG = {0x7f, 'E', 'L', 'F'};

    private DumpWriter() {
    }

    /** What {@link #write} wrote. */
    public record Written(int segments, long bytes, int symbols) {
    }

    /**
     * Writes every live mapping of {@code rt} to {@code out} as an ELF core, creating or truncating it in
     * place (a failure leaves a partial file; the command line writes through a temporary file instead).
     *
     * @throws IOException if the file cannot be written
     */
    public static Written write(GoRuntime rt, Path out) throws IOException {
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return write(rt, ch);
        }
    }

    /**
     * Writes every live mapping of {@code rt} as an ELF core through {@code ch}, from position 0 (the
     * channel is left open).
     *
     * @throws IOException if a write fails
     */
    public static Written write(GoRuntime rt, FileChannel ch) throws IOException {
        List<Mapping> maps = new ArrayList<>();
        for (Mapping m : rt.sys().mappings()) {
            if (m.isAlive() && m.prot() != 0) {
                maps.add(m);
            }
        }
        // an image section is mapped at its full capacity (64 MiB for .text); only its used prefix has
        // bytes worth writing: the rest is zero, which a PT_LOAD says with p_memsz > p_filesz
        java.util.Map<Mapping, Long> filesz = new java.util.HashMap<>();
        for (Mapping m : maps) {
            long n = m.size();
            for (io.goheap.runtime.image.Section sec : io.goheap.runtime.image.Section.values()) {
                if (rt.image().has(sec) && rt.image().mapping(sec) == m) {
                    n = Math.min(m.size(), align(rt.image().used(sec), PAGE));
                }
            }
            filesz.put(m, n);
        }
        StringBuilder regions = new StringBuilder();
        for (Mapping m : maps) {
            regions.append(String.format("0x%x 0x%x %s%n", m.address(), m.size(), m.purpose()));
        }
        List<Symbol> syms = rt.image().symbols();
        StringBuilder symbols = new StringBuilder();
        for (Symbol s : syms) {
            symbols.append(String.format("0x%x 0x%x %s%n", s.address(), s.size(), s.name()));
        }
        byte[][] notes = {
            note(NT_GO_VERSION, rt.goVersion().getBytes(StandardCharsets.UTF_8)),
            note(NT_REGIONS, regions.toString().getBytes(StandardCharsets.UTF_8)),
            note(NT_SYMBOLS, symbols.toString().getBytes(StandardCharsets.UTF_8)),
        };
        long noteSize = 0;
        for (byte[] n : notes) {
            noteSize += n.length;
        }
        int phnum = 1 + maps.size();
        if (phnum >= 0xffff) {
            throw new IllegalStateException("too many mappings for one dump: " + maps.size());
        }
        long noteOff = Elf64_Ehdr.sizeof() + (long) phnum * Elf64_Phdr.sizeof();
        long dataOff = align(noteOff + noteSize, PAGE);

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment head = arena.allocate(noteOff + noteSize);
            long ident = Elf64_Ehdr.e_ident$offset();
            MemorySegment.copy(MemorySegment.ofArray(ELFMAG), 0, head, ident, ELFMAG.length);
            head.set(ValueLayout.JAVA_BYTE, ident + Elf.GOHEAP_EI_CLASS(), (byte) Elf.GOHEAP_ELFCLASS64());
            head.set(ValueLayout.JAVA_BYTE, ident + Elf.GOHEAP_EI_DATA(), (byte) Elf.GOHEAP_ELFDATA2LSB());
            head.set(ValueLayout.JAVA_BYTE, ident + Elf.GOHEAP_EI_VERSION(), (byte) Elf.GOHEAP_EV_CURRENT());
            head.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_type$offset(), (short) Elf.GOHEAP_ET_CORE());
            head.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_machine$offset(), (short) Elf.GOHEAP_EM_X86_64());
            head.set(ValueLayout.JAVA_INT_UNALIGNED, Elf64_Ehdr.e_version$offset(), Elf.GOHEAP_EV_CURRENT());
            head.set(ValueLayout.JAVA_LONG_UNALIGNED, Elf64_Ehdr.e_phoff$offset(), Elf64_Ehdr.sizeof());
            head.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_ehsize$offset(), (short) Elf64_Ehdr.sizeof());
            head.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_phentsize$offset(), (short) Elf64_Phdr.sizeof());
            head.set(ValueLayout.JAVA_SHORT_UNALIGNED, Elf64_Ehdr.e_phnum$offset(), (short) phnum);

            long ph = Elf64_Ehdr.sizeof();
            phdr(head, ph, Elf.GOHEAP_PT_NOTE(), Elf.GOHEAP_PF_R(), noteOff, 0, noteSize, 0, 1);
            long off = dataOff;
            for (Mapping m : maps) {
                ph += Elf64_Phdr.sizeof();
                phdr(head, ph, Elf.GOHEAP_PT_LOAD(), flags(m.prot()), off, m.address(), filesz.get(m), m.size(), PAGE);
                off = align(off + filesz.get(m), PAGE);
            }
            long at = noteOff;
            for (byte[] n : notes) {
                MemorySegment.copy(MemorySegment.ofArray(n), 0, head, at, n.length);
                at += n.length;
            }
            writeFully(ch, head.asByteBuffer(), 0);
            off = dataOff;
            long bytes = 0;
            for (Mapping m : maps) {
                long n = filesz.get(m);
                writeFully(ch, rt.sys().memory().slice(m.address(), n).asByteBuffer(), off);
                bytes += n;
                off = align(off + n, PAGE);
            }
            return new Written(maps.size(), bytes, syms.size());
        }
    }

    private static int flags(int prot) {
        int f = 0;
        if ((prot & Mman.PROT_READ) != 0) {
            f |= Elf.GOHEAP_PF_R();
        }
        if ((prot & Mman.PROT_WRITE) != 0) {
            f |= Elf.GOHEAP_PF_W();
        }
        if ((prot & Mman.PROT_EXEC) != 0) {
            f |= Elf.GOHEAP_PF_X();
        }
        return f;
    }

    private static void phdr(MemorySegment s, long at, int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + Elf64_Phdr.p_type$offset(), type);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, at + Elf64_Phdr.p_flags$offset(), flags);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_offset$offset(), offset);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_vaddr$offset(), vaddr);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_filesz$offset(), filesz);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_memsz$offset(), memsz);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, at + Elf64_Phdr.p_align$offset(), align);
    }

    /** An ELF note: header, owner name and descriptor, each padded to 4 bytes. */
    private static byte[] note(int type, byte[] desc) {
        byte[] owner = (OWNER + "\0").getBytes(StandardCharsets.US_ASCII);
        int size = (int) (Elf64_Nhdr.sizeof() + align(owner.length, 4) + align(desc.length, 4));
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) Elf64_Nhdr.n_namesz$offset(), owner.length);
        b.putInt((int) Elf64_Nhdr.n_descsz$offset(), desc.length);
        b.putInt((int) Elf64_Nhdr.n_type$offset(), type);
        b.position((int) Elf64_Nhdr.sizeof());
        b.put(owner);
        b.position((int) (Elf64_Nhdr.sizeof() + align(owner.length, 4)));
        b.put(desc);
        return b.array();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private static long align(long n, long a) {
        return (n + a - 1) & -a;
    }

}
