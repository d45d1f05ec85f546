package io.goheap.runtime.inspect;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Named addresses of an inspected program: an executable's {@code .symtab}, the symbols note of a
 * goheap dump, or a live image's symbols. Lookup by name is a hash map; by address, a binary search
 * over the symbols sorted by address (for naming code addresses when there is no pclntab).
 */
public class SymbolTable {
    /** One symbol. */
    public record Sym(String name, long address, long size) {
    }

    private final Map<String, Sym> byName;
    private final Sym[] byAddress;

    /**
     * A table read only when first needed: {@link #get} answers through {@code quick} until then (one
     * lookup by name costs a scan, not the decoding of every symbol); {@link #at} loads it.
     */
    static SymbolTable lazy(java.util.function.Supplier<List<Sym>> all, java.util.function.Function<String, Sym> quick, boolean empty) {
        return new Lazy(all, quick, empty);
    }

    private static final class Lazy extends SymbolTable {
        private final java.util.function.Supplier<List<Sym>> all;
        private final java.util.function.Function<String, Sym> quick;
        private final boolean empty;
        private volatile SymbolTable loaded;

        Lazy(java.util.function.Supplier<List<Sym>> all, java.util.function.Function<String, Sym> quick, boolean empty) {
            super(List.of());
            this.all = all;
            this.quick = quick;
            this.empty = empty;
        }

        private SymbolTable table() {
            SymbolTable t = loaded;
            if (t == null) {
                t = new SymbolTable(all.get());
                loaded = t; // racy but benign: every thread loads an equal table
            }
            return t;
        }

        @Override
        public Sym get(String name) {
            SymbolTable t = loaded;
            return t != null ? t.get(name) : quick.apply(name);
        }

        @Override
        public boolean isEmpty() {
            return empty;
        }

        @Override
        public int size() {
            return table().size();
        }

        @Override
        public Sym at(long addr) {
            return table().at(addr);
        }

        @Override
        public List<Sym> matching(java.util.function.Predicate<String> name) {
            return table().matching(name);
        }
    }

    /** A table of {@code syms}; of two symbols with one name, the first is found by name. */
    public SymbolTable(List<Sym> syms) {
        Map<String, Sym> m = new HashMap<>();
        for (Sym s : syms) {
            m.putIfAbsent(s.name(), s);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.byAddress = syms.toArray(new Sym[0]);
        Arrays.sort(byAddress, (a, b) -> Long.compareUnsigned(a.address(), b.address()));
    }

    /** No symbols (a stripped binary). */
    public static SymbolTable empty() {
        return new SymbolTable(List.of());
    }

    /** The symbol named {@code name}, or null. */
    public Sym get(String name) {
        return byName.get(name);
    }

    /** Whether there are no symbols. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The number of distinct names. */
    public int size() {
        return byName.size();
    }

    /** The symbols whose name passes {@code name}, in address order. */
    public List<Sym> matching(java.util.function.Predicate<String> name) {
        return Arrays.stream(byAddress).filter(s -> name.test(s.name())).toList();
    }

    /** The symbol whose {@code [address, address + max(size, 1))} holds {@code addr}, or null. */
    public Sym at(long addr) {
        int best = io.goheap.runtime.mem.Floor.index(byAddress.length, k -> byAddress[k].address(), addr);
        if (best < 0) {
            return null;
        }
        Sym s = byAddress[best];
        return Long.compareUnsigned(addr - s.address(), Math.max(s.size(), 1)) < 0 ? s : null;
    }
}
