package io.goheap.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small ELF64 core made in memory, as a process of another program would leave one: a PT_NOTE with
 * the notes added ({@link #mappedFile} for NT_FILE, {@link #entry} for NT_AUXV) and one PT_LOAD per
 * {@link #load}, without bytes ({@code p_filesz} 0), so the file stays a few hundred bytes.
 */
public final class SyntheticCore {
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    private record Load(long vaddr, long memsz, int flags) {
    }

    private record Mapped(long start, long end, long offset, String path) {
    }

    private final List<Load> loads = new ArrayList<>();
    private final List<Mapped> mapped = new ArrayList<>();
    private final List<byte[]> extraNotes = new ArrayList<>();
    private Long entry;

    /**
     * A core of /usr/bin/sleep as Debian builds it (position-independent, loaded at 0x55554000000): its
     * NT_FILE note maps that file, and nothing at a Go program's addresses.
     */
    public static SyntheticCore sleep() {
        return new SyntheticCore().entry(0x55554002600L)
                .mappedFile(0x55554000000L, 0x55554002000L, 0, "/usr/bin/sleep")
                .mappedFile(0x55554002000L, 0x55554007000L, 0x2000, "/usr/bin/sleep")
                .load(0x55554000000L, 0x2000, PF_R).load(0x55554002000L, 0x5000, PF_R | PF_X)
                .load(0xc000000000L, 0x400000, PF_R | PF_W);
    }

    /** A segment of the process at {@code [vaddr, vaddr + memsz)} with PF_* {@code flags}. */
    public SyntheticCore load(long vaddr, long memsz, int flags) {
        loads.add(new Load(vaddr, memsz, flags));
        return this;
    }

    /** An NT_FILE entry: {@code path} mapped at {@code [start, end)} from byte {@code offset}. */
    public SyntheticCore mappedFile(long start, long end, long offset, String path) {
        mapped.add(new Mapped(start, end, offset, path));
        return this;
    }

    /** An NT_AUXV note whose AT_ENTRY is {@code address}. */
    public SyntheticCore entry(long address) {
        entry = address;
        return this;
    }

    /** Any other note. */
    public SyntheticCore note(String owner, int type, byte[] desc) {
        extraNotes.add(note0(owner, type, desc));
        return this;
    }

    /** The core's bytes. */
    public byte[] bytes() {
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        if (entry != null) {
            ByteBuffer a = le(4 * Long.BYTES).putLong(9).putLong(entry).putLong(0).putLong(0);
            notes.writeBytes(note0("CORE", 6, a.array()));
        }
        if (!mapped.isEmpty()) {
            ByteArrayOutputStream names = new ByteArrayOutputStream();
            ByteBuffer t = le(16 + 24 * mapped.size()).putLong(mapped.size()).putLong(4096);
            for (Mapped m : mapped) {
                t.putLong(m.start()).putLong(m.end()).putLong(m.offset() / 4096);
                names.writeBytes((m.path() + "\0").getBytes(StandardCharsets.UTF_8));
            }
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            d.writeBytes(t.array());
            d.writeBytes(names.toByteArray());
            notes.writeBytes(note0("CORE", 0x46494c45, d.toByteArray()));
        }
        extraNotes.forEach(notes::writeBytes);
        int phnum = 1 + loads.size();
        int noteOff = 64 + 56 * phnum;
        ByteBuffer b = le(noteOff + notes.size());
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 4).putShort(18, (short) 62).putInt(20, 1).putLong(32, 64)
                .putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) phnum);
        phdr(b, 0, PT_NOTE, PF_R, noteOff, 0, notes.size(), 0);
        for (int i = 0; i < loads.size(); i++) {
            Load l = loads.get(i);
            phdr(b, i + 1, PT_LOAD, l.flags(), noteOff + notes.size(), l.vaddr(), 0, l.memsz());
        }
        b.put(noteOff, notes.toByteArray());
        return b.array();
    }

    private static void phdr(ByteBuffer b, int i, int type, int flags, long off, long vaddr, long filesz, long memsz) {
        int at = 64 + 56 * i;
        b.putInt(at, type).putInt(at + 4, flags).putLong(at + 8, off).putLong(at + 16, vaddr).putLong(at + 24, vaddr)
                .putLong(at + 32, filesz).putLong(at + 40, memsz).putLong(at + 48, 4096);
    }

    private static byte[] note0(String owner, int type, byte[] desc) {
        byte[] name = (owner + "\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = le(12 + align4(name.length) + align4(desc.length));
        b.putInt(name.length).putInt(desc.length).putInt(type).put(name);
        b.position(12 + align4(name.length));
        b.put(desc);
        return b.array();
    }

    private static int align4(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
