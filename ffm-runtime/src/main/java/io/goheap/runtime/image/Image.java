package io.goheap.runtime.image;

import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The static image of the simulated module: one {@code sysAlloc} region per {@link Section} and a
 * symbol table. {@link #define} places a named, zeroed symbol in a section as the linker would (bump
 * allocation at the symbol's alignment), so runtime globals such as {@code runtime.persistentChunks}
 * have real addresses that dumps and the inspector can name.
 *
 * <p>Thread-safe: {@link #define} and the lookups synchronize on the image; a symbol, once defined,
 * never moves. Reading or writing a symbol's bytes is the caller's business (each global documents
 * its own memory ordering where it is accessed). After the runtime closed, the lookups and {@link #define}
 * throw {@link IllegalStateException}.
 */
public final class Image {
    private final SysMemory sys;
    private final Map<Section, Mapping> sections = new EnumMap<>(Section.class);
    private final Map<Section, Long> cursors = new EnumMap<>(Section.class);
    private final Map<String, Symbol> byName = new HashMap<>();
    private final List<Symbol> symbols = new ArrayList<>();

    /** Maps the sections of a Go 1.19 program (accounted to {@link SysStat#IMAGE}). */
    public Image(SysMemory sys) {
        this(sys, io.goheap.runtime.abi.Abi.of(new io.goheap.runtime.abi.GoRelease(19)));
    }

    /** Maps the sections a program of {@code abi}'s release has ({@link Section#of}), accounted to {@link SysStat#IMAGE}. */
    public Image(SysMemory sys, io.goheap.runtime.abi.Abi abi) {
        this.sys = sys;
        for (Section s : Section.of(abi)) {
            sections.put(s, sys.sysAlloc(s.capacity(), SysStat.IMAGE, s.elfName()));
            cursors.put(s, 0L);
        }
    }

    /**
     * Defines a zeroed symbol of {@code size} bytes aligned to {@code align} in {@code section}.
     *
     * @throws IllegalArgumentException if the name is taken, {@code align} is not a power of two, or
     *                                  {@code size < 0}
     * @throws IllegalStateException    if the section is full
     */
    public synchronized Symbol define(Section section, String name, long size, long align) {
        sys.memory().ensureOpen();
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("symbol name=" + name + " already defined");
        }
        if (align <= 0 || (align & (align - 1)) != 0 || size < 0) {
            throw new IllegalArgumentException("size=" + size + " align=" + align);
        }
        if (!sections.containsKey(section)) {
            throw new IllegalArgumentException("this image has no " + section.elfName() + " section (for " + name + ")");
        }
        long off = (cursors.get(section) + align - 1) & -align;
        if (size > section.capacity() - off) {
            throw new IllegalStateException(section.elfName() + " full: name=" + name + " size=" + size);
        }
        cursors.put(section, off + size);
        Symbol s = new Symbol(name, sections.get(section).address() + off, size, section);
        byName.put(name, s);
        symbols.add(s);
        return s;
    }

    /** The symbol {@code name}. @throws IllegalArgumentException if there is none */
    public synchronized Symbol lookup(String name) {
        sys.memory().ensureOpen();
        Symbol s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no symbol name=" + name);
        }
        return s;
    }

    /** The symbol containing {@code addr}, or null. */
    public synchronized Symbol symbolAt(long addr) {
        sys.memory().ensureOpen();
        for (Symbol s : symbols) {
            if (s.contains(addr)) {
                return s;
            }
        }
        return null;
    }

    /** Every symbol, in definition order. */
    public synchronized List<Symbol> symbols() {
        sys.memory().ensureOpen();
        return List.copyOf(symbols);
    }

    /** Bytes of {@code section} taken by symbols so far. */
    public synchronized long used(Section section) {
        sys.memory().ensureOpen();
        mapping(section);
        return cursors.get(section);
    }

    /**
     * The mapping of a section.
     *
     * @throws IllegalArgumentException if this image's release has no such section
     */
    public Mapping mapping(Section section) {
        Mapping m = sections.get(section);
        if (m == null) {
            throw new IllegalArgumentException("this image has no " + section.elfName() + " section");
        }
        return m;
    }

    /** Whether this image's release has {@code section}. */
    public boolean has(Section section) {
        return sections.containsKey(section);
    }

    /** The bytes of a symbol, bounded to it. */
    public MemorySegment segment(Symbol s) {
        Mapping m = mapping(s.section());
        return m.segment().asSlice(s.address() - m.address(), s.size());
    }

    /** The memory layer the image was mapped by. */
    public SysMemory sys() {
        return sys;
    }
}
