package io.goheap.runtime.testing;

import io.goheap.runtime.abi.Module;
import io.goheap.runtime.mem.FileMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal linker for the compiler's data blocks (xer.srodata.txt): lays every symbol into a
 * {@code .rodata} region (which is also moduledata.types) at 8-byte alignment, gives every symbol the
 * blocks refer to but do not define a placeholder (code symbols 32 bytes in a {@code .text} region,
 * data symbols 64 zero bytes in .rodata), and applies the relocations as cmd/link does:
 * R_ADDR (1) and its weak form (-32767) write the target's address + add; R_ADDROFF (5) and its weak
 * form (-32763) the offset from types; R_METHODOFF (26) the offset from types for a type, from text for
 * code. The result is a real address space the abi views can decode.
 */
public final class FixtureLinker implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    public final Map<String, Long> addresses = new LinkedHashMap<>();
    public final Module module;
    public final FileMemory space;

    public FixtureLinker(Map<String, SrodataFixture.Symbol> syms) {
        Map<String, Boolean> external = new LinkedHashMap<>(); // name -> is code
        long ro = 8; // nothing at offset 0: nameOff/typeOff 0 mean "none"
        Map<String, Long> roOff = new LinkedHashMap<>();
        for (SrodataFixture.Symbol s : syms.values()) {
            ro = (ro + 7) & -8;
            roOff.put(s.name(), ro);
            ro += s.size();
            for (SrodataFixture.Reloc r : s.relocs()) {
                if (!syms.containsKey(r.target())) {
                    external.put(r.target(), !r.target().startsWith("type.") && !r.target().startsWith("runtime.gcbits.")
                            && !r.target().endsWith("·f"));
                }
            }
        }
        long text = 0;
        Map<String, Long> textOff = new LinkedHashMap<>();
        for (Map.Entry<String, Boolean> e : external.entrySet()) {
            if (e.getValue()) {
                textOff.put(e.getKey(), text);
                text += 32;
            } else {
                ro = (ro + 7) & -8;
                roOff.put(e.getKey(), ro);
                ro += 64;
            }
        }
        MemorySegment rodata = arena.allocate(ro, 4096);
        MemorySegment textSeg = arena.allocate(Math.max(text, 32), 4096);
        roOff.forEach((n, o) -> addresses.put(n, rodata.address() + o));
        textOff.forEach((n, o) -> addresses.put(n, textSeg.address() + o));
        for (SrodataFixture.Symbol s : syms.values()) {
            long base = roOff.get(s.name());
            MemorySegment.copy(MemorySegment.ofArray(s.bytes()), 0, rodata, base, s.size());
            for (SrodataFixture.Reloc r : s.relocs()) {
                long target = addresses.get(r.target()) + r.add();
                boolean code = textOff.containsKey(r.target());
                long at = base + r.off();
                switch (r.type()) {
                    case 1, -32767 -> rodata.set(ValueLayout.JAVA_LONG_UNALIGNED, at, target);
                    case 5, -32763 -> rodata.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) (target - rodata.address()));
                    case 26 -> rodata.set(ValueLayout.JAVA_INT_UNALIGNED, at,
                            (int) (target - (code ? textSeg.address() : rodata.address())));
                    default -> throw new IllegalArgumentException("relocation kind t=" + r.type() + " in " + s.name());
                }
            }
        }
        space = new FileMemory("linked fixture", List.of(new FileMemory.Region(".rodata", rodata.address(), rodata),
                new FileMemory.Region(".text", textSeg.address(), textSeg)));
        module = new Module(space, rodata.address(), rodata.address() + rodata.byteSize(),
                textSeg.address(), textSeg.address() + textSeg.byteSize());
    }

    public long addr(String symbol) {
        Long a = addresses.get(symbol);
        if (a == null) {
            throw new IllegalArgumentException("no symbol " + symbol);
        }
        return a;
    }

    @Override
    public void close() {
        arena.close();
    }
}
