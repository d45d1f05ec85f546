package io.goheap.runtime.inspect;

import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabProbe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The runtime state of a process image (a core, a goheap dump, a live runtime): the global
 * {@code itabTable} with every entry, the {@code persistentChunks} chain and each P's
 * {@code palloc} through {@code allp}. Found by the runtime's symbols; in a core of a stripped binary by
 * scans of the data: the table by a pointer to a table that holds every itab of itablinks (which
 * {@code itabsinit} put there), the Ps by a {@code []*p} whose Ps have ids 0..n-1, the chain as the
 * longest chunk chain holding every P's palloc chunk ({@link #chunksFoundBy()}, {@link #psFoundBy()}
 * say which way); what no scan finds is a finding, "not located".
 *
 * <p>Inconsistencies (a count that disagrees with the entries, an entry or chunk outside every
 * region, a chain that loops) are {@link #findings()}, never exceptions.
 */
public final class RuntimeState {
    /** One occupied slot of the table. */
    public record Entry(long slot, long itab, GoImage.ItabInfo info) {
        /** The interface's name, or null if the itab could not be decoded. */
        public String inter() {
            return info.inter();
        }

        /** The concrete type's name, or null if the itab could not be decoded. */
        public String type() {
            return info.type();
        }
    }

    /** The table: where the {@code itabTable} pointer points, its size and count, its occupied slots. */
    public record Table(long address, long size, long count, List<Entry> entries, String foundBy) {
    }

    /** {@code --verify-table}: how many entries goheap's own {@link ItabProbe#find} finds at their itab. */
    public record Verify(int found, int of, List<Integer> probeLengths) {
    }

    /** One P: its address, id, status and persistentalloc state. */
    public record PInfo(long address, int id, int status, long pallocBase, long pallocOff) {
    }

    /** {@code runtime.globalAlloc}: where it is, and its persistentAlloc's chunk and offset. */
    public record GlobalAllocInfo(long address, long base, long off) {
    }

    /**
     * One call site's cache (Go 1.22 on): a {@code pkg..typeAssert.N} ({@code abi.TypeAssert}: the
     * asserted interface, {@code CanFail}) or a {@code pkg..interfaceSwitch.N} ({@code abi.InterfaceSwitch}:
     * its case interfaces), the cache its {@code Cache} word points at ({@code runtime.emptyTypeAssertCache}
     * / {@code emptyInterfaceSwitchCache} until the runtime first fills one), and the filled entries.
     *
     * @param symbol  the site's symbol
     * @param address the site's address
     * @param kind    {@code typeAssert} or {@code interfaceSwitch}
     * @param inters  the asserted interface, or the switch's case interfaces in case order
     * @param canFail a typeAssert's {@code CanFail} (the {@code v, ok :=} form); false for a switch
     * @param cache   the {@code Cache} word
     * @param mask    the cache's {@code Mask} (0: the empty cache)
     * @param entries the non-empty entries, in slot order
     */
    public record CacheSite(String symbol, long address, String kind, List<String> inters, boolean canFail, long cache, long mask,
                            List<CacheEntry> entries) {
    }

    /**
     * One filled cache slot: the source type, for a switch the case taken ({@code -1}: none), the itab
     * the site uses (0: the assertion fails, or a switch case of no interface) and what checking it
     * against the itab table found ({@code ok}, or what disagrees).
     */
    public record CacheEntry(long slot, long typ, String type, long kase, long itab, String check) {
    }

    private static final java.lang.foreign.ValueLayout.OfLong WORD = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
    /** Longest chunk chain followed before it is taken as corrupt. */
    static final int MAX_CHUNKS = 1 << 20;

    private final GoImage image;
    private final GoMemory space;
    /** The release's offsets this reader uses ({@link GoImage#abi()}): p moved its palloc in 1.21, 1.22 and 1.23. */
    private final long pallocOff;
    private final long pIdOff;
    private final long pStatusOff;
    private final long allocBase;
    private final long allocOff;
    private final long sliceArray;
    private final long sliceLen;
    private final long sliceCap;
    private final long sliceSize;
    private final Findings findings = new Findings();
    private final Table table;
    private final List<Long> chunks;
    private final List<PInfo> ps;
    private final GlobalAllocInfo globalAlloc;
    private final List<CacheSite> caches;
    private String cachesFoundBy;
    private final java.util.function.BiConsumer<Long, Long> progress;
    private String chunksFoundBy;
    private String psFoundBy;

    public RuntimeState(GoImage image) {
        this(image, null);
    }

    /** As {@link #RuntimeState(GoImage)}, reporting {@code (slots read, table size)} to {@code progress} while the table is read. */
    public RuntimeState(GoImage image, java.util.function.BiConsumer<Long, Long> progress) {
        this.image = image;
        this.progress = progress;
        this.space = image.space();
        Abi abi = image.abi();
        this.pallocOff = abi.offsetOf("p", "palloc");
        this.pIdOff = abi.offsetOf("p", "id");
        this.pStatusOff = abi.offsetOf("p", "status");
        this.allocBase = abi.offsetOf("persistentAlloc", "base");
        this.allocOff = abi.offsetOf("persistentAlloc", "off");
        this.sliceArray = abi.offsetOf("slice", "array");
        this.sliceLen = abi.offsetOf("slice", "len");
        this.sliceCap = abi.offsetOf("slice", "cap");
        this.sliceSize = abi.sizeOf("slice");
        this.table = readTable();
        this.ps = readPs();
        this.chunks = readChunks();
        this.globalAlloc = readGlobalAlloc(abi);
        this.caches = abi.release().minor() >= 22 ? readCaches(abi) : null;
    }

    public Table table() {
        return table;
    }

    /** The chunks of {@code persistentChunks}, newest first; null if the head could not be located. */
    public List<Long> chunks() {
        return chunks;
    }

    /** The Ps of {@code allp}; null if it could not be located. */
    public List<PInfo> ps() {
        return ps;
    }

    /** {@code runtime.globalAlloc}, or null without its symbol (a stripped binary). */
    public GlobalAllocInfo globalAlloc() {
        return globalAlloc;
    }

    /**
     * The call-site type-assertion and type-switch caches (Go 1.22 on), each checked against the itab
     * table; null before Go 1.22 or when the sites could not be located (a stripped binary has no
     * symbols to name them).
     */
    public List<CacheSite> caches() {
        return caches;
    }

    /** How the cache sites were found, or null. */
    public String cachesFoundBy() {
        return cachesFoundBy;
    }

    /** How the chunk chain's head was found, or null. */
    public String chunksFoundBy() {
        return chunksFoundBy;
    }

    /** How allp was found, or null. */
    public String psFoundBy() {
        return psFoundBy;
    }

    public List<String> findings() {
        return findings.list();
    }

    /**
     * Work the scans and the verification may do, in words read: a hostile core can make each candidate
     * of a scan, or each probe, cost as much as the whole table. Past it, the work stops with a finding.
     */
    static final long BUDGET = 1L << 28;
    private long budget = BUDGET;

    /** Thrown (and caught, as a finding) when {@link #budget} runs out. */
    private static final class OutOfBudget extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfBudget() {
            super(null, null, false, false);
        }
    }

    private void spend(long words) {
        budget -= words;
        if (budget < 0) {
            throw new OutOfBudget();
        }
    }

    private void addFinding(String f) {
        findings.add(f);
    }

    /**
     * Runs {@link ItabProbe#find} (the simulator's own find) for every entry: found when it returns the
     * entry's itab. Also records each entry's probe length (slots visited).
     */
    public Verify verify() {
        if (table == null) {
            return new Verify(0, 0, List.of());
        }
        int found = 0;
        List<Integer> lengths = new ArrayList<>();
        for (Entry e : table.entries()) {
            try {
                long inter = space.u64(e.itab() + ItabDescriptor.INTER_OFFSET);
                long typ = space.u64(e.itab() + ItabDescriptor.TYPE_OFFSET);
                int length = probeLength(inter, typ, e.slot());
                // the probe visits at most the slots up to the entry's (or the table, if it is not on its path)
                spend(length > 0 ? length : table.size());
                if (ItabProbe.find(space, table.address(), inter, typ) == e.itab()) {
                    found++;
                }
                lengths.add(length);
            } catch (BadAddressException ex) {
                addFinding(String.format("verify: slot %d (itab 0x%x): %s", e.slot(), e.itab(), ex.getMessage()));
                lengths.add(-1);
            } catch (OutOfBudget ex) {
                addFinding("verify: stopped after " + lengths.size() + " of " + table.entries().size() + " entries (probe sequences too long: corrupt table?)");
                break;
            }
        }
        if (found != table.entries().size()) {
            addFinding("verify: goheap's find found " + found + " of " + table.entries().size() + " entries at their slot");
        }
        return new Verify(found, table.entries().size(), lengths);
    }

    /**
     * Each entry's probe length, in entry order (as {@link #verify} records it, without its find and
     * without findings): the slots Go's probe visits from the entry's hash to its slot, 1 when it sits
     * at its hash; -1 where the itab is unreadable, the slot is not on the entry's probe sequence, or the
     * work budget has run out. Costs a hash and a short replay per entry: the pictures colour by it
     * always.
     */
    public List<Integer> probeLengths() {
        if (table == null) {
            return List.of();
        }
        List<Integer> lengths = new ArrayList<>(table.entries().size());
        for (Entry e : table.entries()) {
            try {
                long inter = space.u64(e.itab() + ItabDescriptor.INTER_OFFSET);
                long typ = space.u64(e.itab() + ItabDescriptor.TYPE_OFFSET);
                lengths.add(probeLength(inter, typ, e.slot()));
            } catch (BadAddressException | OutOfBudget ex) {
                lengths.add(-1);
            }
        }
        return List.copyOf(lengths);
    }

    /** Slots the probe sequence visits from the hash to {@code slot}: 1 when the entry sits at its hash. */
    private int probeLength(long inter, long typ, long slot) {
        long mask = table.size() - 1;
        long h = ItabProbe.hash(space, inter, typ) & mask;
        for (int i = 1; i <= table.size(); i++) {
            if (h == slot) {
                spend(i);
                return i;
            }
            h = (h + i) & mask;
        }
        spend(table.size());
        return -1;
    }

    // ---- itabTable ----

    private Table readTable() {
        SymbolTable.Sym sym = image.symbols().get("runtime.itabTable");
        long t;
        String by;
        try {
            if (sym != null) {
                t = space.u64(sym.address());
                by = "symbol runtime.itabTable";
            } else {
                t = scanForTable();
                by = "a scan of the data for a pointer to a table holding every itab of itablinks";
                if (t == 0) {
                    addFinding("itabTable not located: no runtime.itabTable symbol (stripped binary?) and no table found by scanning");
                    return null;
                }
            }
            return decodeTable(t, by);
        } catch (BadAddressException e) {
            addFinding("itabTable unreadable: " + e.getMessage());
            return null;
        }
    }

    private Table decodeTable(long t, String by) {
        long size = space.u64(t + ItabProbe.SIZE);
        long count = space.u64(t + ItabProbe.COUNT);
        if (size <= 0 || Long.bitCount(size) != 1 || size > (1L << 30)) {
            addFinding(String.format("itabTable at 0x%x: size %d is not a power of two", t, size));
            return new Table(t, size, count, List.of(), by);
        }
        long entries = t + ItabProbe.ENTRIES;
        var seg = space.slice(entries, size * Abi.PTR_SIZE);
        List<Entry> out = new ArrayList<>();
        for (long i = 0; i < size; i++) {
            if (progress != null && (i & 0xfff) == 0) {
                progress.accept(i, size);
            }
            long m = seg.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i * Abi.PTR_SIZE);
            if (m == 0) {
                continue;
            }
            // decoded once, here: a failure is the itab's error and one of the image's findings
            GoImage.ItabInfo info = image.itab(m);
            if (!space.contains(m, ItabDescriptor.INTER_OFFSET + Abi.PTR_SIZE)) {
                addFinding(String.format("itabTable slot %d: itab pointer 0x%x is outside every region", i, m));
            }
            out.add(new Entry(i, m, info));
        }
        if (out.size() != count) {
            addFinding(String.format("itabTable at 0x%x: count %d but %d occupied slots", t, count, out.size()));
        }
        return new Table(t, size, count, List.copyOf(out), by);
    }

    /** In the module's static data ({@link GoImage#staticData}), where runtime.itabTable lives. */
    private long scanForTable() {
        List<Long> links;
        try {
            links = image.itablinks();
        } catch (BadAddressException e) {
            return 0;
        }
        java.util.Map<Long, Boolean> tried = new java.util.HashMap<>(); // many words may point at one candidate
        try {
            long at = image.scan(image.staticData(), 8, (seg, off) -> {
                long t = seg.get(WORD, off);
                return t != 0 && (t & 7) == 0;
            }, a -> cached(tried, space.u64(a), t -> holdsAll(t, links)));
            return at == 0 ? 0 : space.u64(at);
        } catch (OutOfBudget e) {
            addFinding("itabTable scan stopped: it read more than " + BUDGET + " words (corrupt data?)");
            return 0;
        }
    }

    /** {@code test(key)}, remembered for up to 65,536 keys. */
    private static <V> V cached(java.util.Map<Long, V> cache, long key, java.util.function.LongFunction<V> test) {
        V v = cache.get(key);
        if (v == null) {
            v = test.apply(key);
            if (cache.size() < (1 << 16)) {
                cache.put(key, v);
            }
        }
        return v;
    }

    private boolean holdsAll(long t, List<Long> links) {
        try {
            long size = space.u64(t + ItabProbe.SIZE);
            long count = space.u64(t + ItabProbe.COUNT);
            if (size < Abi.ITAB_INIT_SIZE || Long.bitCount(size) != 1 || count < links.size() || count > size
                    || !space.contains(t + ItabProbe.ENTRIES, size * Abi.PTR_SIZE)) {
                return false;
            }
            spend(size + 2L * links.size()); // a probe stops at an empty slot; at worst the table is read once per link
            for (long m : links) {
                long inter = space.u64(m + ItabDescriptor.INTER_OFFSET);
                long typ = space.u64(m + ItabDescriptor.TYPE_OFFSET);
                if (ItabProbe.find(space, t, inter, typ) != m) {
                    return false;
                }
            }
            return true;
        } catch (BadAddressException e) {
            return false;
        }
    }

    // ---- globalAlloc ----

    private GlobalAllocInfo readGlobalAlloc(Abi abi) {
        SymbolTable.Sym sym = image.symbols().get("runtime.globalAlloc");
        if (sym == null) {
            return null;
        }
        try {
            long pa = sym.address() + abi.offsetOf("globalAlloc", "persistentAlloc");
            return new GlobalAllocInfo(sym.address(), space.u64(pa + allocBase), space.u64(pa + allocOff));
        } catch (BadAddressException e) {
            addFinding("globalAlloc: " + e.getMessage());
            return null;
        }
    }

    // ---- call-site caches (Go 1.22 on) ----

    /** Most cache entries believed per site: the runtime doubles a table past twice its entries, from 1. */
    static final long MAX_CACHE_SLOTS = 1 << 20;

    /**
     * The offsets of Go 1.22's call-site structs ({@code abi.TypeAssert}, {@code abi.InterfaceSwitch} and
     * their caches), resolved from the release's layouts once per reading instead of once per word the
     * scan or the entry loops read.
     */
    private record SiteLayout(long assertSize, long assertCache, long assertInter, long assertCanFail, long switchCache, long switchNCases,
                              long switchCases, Cache assertCaches, Cache switchCaches) {
        static SiteLayout of(Abi abi) {
            return new SiteLayout(abi.sizeOf("typeAssert"), abi.offsetOf("typeAssert", "Cache"), abi.offsetOf("typeAssert", "Inter"),
                    abi.offsetOf("typeAssert", "CanFail"), abi.offsetOf("interfaceSwitch", "Cache"), abi.offsetOf("interfaceSwitch", "NCases"),
                    abi.offsetOf("interfaceSwitch", "Cases"), Cache.of(abi, "typeAssertCache", "typeAssertCacheEntry"),
                    Cache.of(abi, "interfaceSwitchCache", "interfaceSwitchCacheEntry"));
        }
    }

    /** One cache struct {Mask, Entries[Mask + 1]} and its entry {Typ, [Case,] Itab}; {@code kase} -1 for a TypeAssert entry. */
    private record Cache(long mask, long entries, long entrySize, long typ, long kase, long itab) {
        static Cache of(Abi abi, String cache, String entry) {
            return new Cache(abi.offsetOf(cache, "Mask"), abi.offsetOf(cache, "Entries"), abi.sizeOf(entry), abi.offsetOf(entry, "Typ"),
                    abi.offset(entry, "Case").orElse(-1), abi.offsetOf(entry, "Itab"));
        }

        long entry(long cache, long i) {
            return cache + entries + i * entrySize;
        }
    }

    private List<CacheSite> readCaches(Abi abi) {
        SiteLayout l = SiteLayout.of(abi);
        List<SymbolTable.Sym> sites = image.symbols().matching(n -> n.contains("..typeAssert.") || n.contains("..interfaceSwitch."));
        if (sites.isEmpty() && image.symbols().isEmpty()) {
            sites = scanForSites(l);
            if (sites == null) {
                return null;
            }
            cachesFoundBy = "a scan of the module's data for typeAssert and interfaceSwitch sites (no symbols: a stripped binary)";
        } else if (sites.isEmpty()) {
            addFinding("call-site caches: no typeAssert or interfaceSwitch site in the symbols");
            return List.of();
        } else {
            cachesFoundBy = "the symbols pkg..typeAssert.N and pkg..interfaceSwitch.N";
        }
        io.goheap.runtime.abi.Module module = image.module();
        List<CacheSite> out = new ArrayList<>();
        for (SymbolTable.Sym s : sites) {
            boolean isAssert = s.name().contains("typeAssert");
            try {
                out.add(isAssert ? typeAssertSite(l, module, s) : switchSite(l, module, s));
            } catch (BadAddressException | IllegalStateException | IllegalArgumentException e) {
                addFinding(String.format("%s at 0x%x: %s", s.name(), s.address(), e.getMessage()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The call sites of a stripped binary, found in the module's {@code [data, edata)} by their shape
     * (nothing else in .data has it): a {@code typeAssert} is {Cache, Inter, CanFail} with Inter an
     * interface type of the module, CanFail 0 or 1 (a bool and 7 zero bytes), and Cache a cache; an
     * {@code interfaceSwitch} is {Cache, NCases, Cases[NCases]} with 1 to 64 cases, each an interface
     * type. A cache is {Mask, Entries[Mask + 1]}, Mask 2^k - 1, readable whole, every entry's type 0 or
     * a type of the module. Named {@code typeAssert@0xADDR} / {@code interfaceSwitch@0xADDR}. Null (and
     * a finding) when the data cannot be read.
     */
    private List<SymbolTable.Sym> scanForSites(SiteLayout l) {
        io.goheap.runtime.abi.Module module = image.module();
        long data = image.moduledataWord("data");
        long edata = image.moduledataWord("edata");
        List<SymbolTable.Sym> out = new ArrayList<>();
        long assertSize = l.assertSize();
        try {
            if (Long.compareUnsigned(edata, data) <= 0 || edata - data > 1L << 32) {
                addFinding(String.format("call-site caches not located: the module's data [0x%x, 0x%x) is empty or implausible", data, edata));
                return null;
            }
            for (long a = (data + Abi.PTR_SIZE - 1) & -Abi.PTR_SIZE; Long.compareUnsigned(a + assertSize, edata) <= 0; a += Abi.PTR_SIZE) {
                spend(3);
                // the word after Cache is a TypeAssert's Inter or an InterfaceSwitch's NCases
                long cache = space.u64(a + l.assertCache());
                long second = space.u64(a + l.assertInter());
                if (isInterface(module, second)) {
                    long canFail = space.u64(a + l.assertCanFail());
                    if ((canFail == 0 || canFail == 1) && isCache(module, cache, l.assertCaches())) {
                        out.add(new SymbolTable.Sym(String.format("typeAssert@0x%x", a), a, assertSize));
                        a += assertSize - Abi.PTR_SIZE;
                    }
                } else if (second >= 1 && second <= 64) {
                    long cases = a + l.switchCases();
                    boolean all = Long.compareUnsigned(cases + second * Abi.PTR_SIZE, edata) <= 0;
                    for (long i = 0; all && i < second; i++) {
                        all = isInterface(module, space.u64(cases + i * Abi.PTR_SIZE));
                    }
                    if (all && isCache(module, space.u64(a + l.switchCache()), l.switchCaches())) {
                        long size = cases - a + second * Abi.PTR_SIZE;
                        out.add(new SymbolTable.Sym(String.format("interfaceSwitch@0x%x", a), a, size));
                        a += size - Abi.PTR_SIZE;
                    }
                }
            }
        } catch (BadAddressException e) {
            addFinding("call-site caches not located: " + e.getMessage());
            return null;
        } catch (OutOfBudget e) {
            addFinding("call-site cache scan stopped: it read more than " + BUDGET + " words (corrupt data?)");
        }
        return out;
    }

    private boolean isInterface(io.goheap.runtime.abi.Module module, long t) {
        if (!module.inTypes(t)) {
            return false;
        }
        try {
            return module.typeAt(t).kindName().equals("interface");
        } catch (BadAddressException e) {
            return false;
        }
    }

    /** {Mask, Entries[Mask + 1]}: a {@link #isMask mask}, the entries readable, each type 0 or the module's. */
    private boolean isCache(io.goheap.runtime.abi.Module module, long cache, Cache c) {
        try {
            long mask = space.u64(cache + c.mask());
            if (!isMask(mask) || !space.contains(c.entry(cache, 0), (mask + 1) * c.entrySize())) {
                return false;
            }
            spend(mask + 1);
            for (long i = 0; i <= mask; i++) {
                long typ = space.u64(c.entry(cache, i) + c.typ());
                if (typ != 0 && !module.inTypes(typ)) {
                    return false;
                }
            }
            return true;
        } catch (BadAddressException e) {
            return false;
        }
    }

    private CacheSite typeAssertSite(SiteLayout l, io.goheap.runtime.abi.Module module, SymbolTable.Sym s) {
        long inter = space.u64(s.address() + l.assertInter());
        boolean canFail = space.u8(s.address() + l.assertCanFail()) != 0;
        long cache = space.u64(s.address() + l.assertCache());
        String interName = module.typeAt(inter).string();
        Cache c = l.assertCaches();
        long mask = readMask(cache, c);
        List<CacheEntry> entries = new ArrayList<>();
        for (long i = 0; i <= mask; i++) {
            long e = c.entry(cache, i);
            long typ = space.u64(e + c.typ());
            if (typ == 0) {
                continue;
            }
            long itab = space.u64(e + c.itab());
            entries.add(new CacheEntry(i, typ, typeName(module, typ), -1, itab, check(typ, itab, inter, canFail)));
        }
        return new CacheSite(s.name(), s.address(), "typeAssert", List.of(interName), canFail, cache, mask, List.copyOf(entries));
    }

    private CacheSite switchSite(SiteLayout l, io.goheap.runtime.abi.Module module, SymbolTable.Sym s) {
        long n = space.u64(s.address() + l.switchNCases());
        if (n < 0 || n > io.goheap.runtime.abi.TypeView.MAX_ELEMS) {
            throw new IllegalStateException("implausible case count " + n);
        }
        long[] cases = new long[(int) n];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cases[i] = space.u64(s.address() + l.switchCases() + (long) i * Abi.PTR_SIZE);
            names.add(module.typeAt(cases[i]).string());
        }
        long cache = space.u64(s.address() + l.switchCache());
        Cache c = l.switchCaches();
        long mask = readMask(cache, c);
        List<CacheEntry> entries = new ArrayList<>();
        for (long i = 0; i <= mask; i++) {
            long e = c.entry(cache, i);
            long typ = space.u64(e + c.typ());
            if (typ == 0) {
                continue;
            }
            long kase = space.u64(e + c.kase());
            long itab = space.u64(e + c.itab());
            String check;
            if (kase < 0 || kase >= n) {
                check = itab == 0 ? "ok" : String.format("case %d (of %d cases) with itab 0x%x", kase, n, itab);
            } else {
                check = check(typ, itab, cases[(int) kase], false);
            }
            entries.add(new CacheEntry(i, typ, typeName(module, typ), kase, itab, check));
        }
        return new CacheSite(s.name(), s.address(), "interfaceSwitch", List.copyOf(names), false, cache, mask, List.copyOf(entries));
    }

    /** The mask of the cache at {@code cache}, which must be a {@link #isMask mask}, its entries readable. */
    private long readMask(long cache, Cache c) {
        long mask = space.u64(cache + c.mask());
        if (!isMask(mask)) {
            throw new IllegalStateException(String.format("cache mask 0x%x is not 2^k - 1 (below %d)", mask, MAX_CACHE_SLOTS));
        }
        space.slice(c.entry(cache, 0), (mask + 1) * c.entrySize());
        return mask;
    }

    /** A cache's mask: 2^k - 1 (0 for the empty cache), below {@link #MAX_CACHE_SLOTS}. */
    private static boolean isMask(long mask) {
        return mask >= 0 && mask < MAX_CACHE_SLOTS && Long.bitCount(mask + 1) == 1;
    }

    private static String typeName(io.goheap.runtime.abi.Module module, long typ) {
        try {
            return module.typeAt(typ).string();
        } catch (BadAddressException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * What an entry's itab says against the itab table: the runtime fills an entry from {@code getitab},
     * so a non-zero itab is {@code (inter, typ)}'s and is in the table; 0 means the assertion fails, which
     * only a {@code CanFail} site (or a switch falling through) caches.
     */
    private String check(long typ, long itab, long inter, boolean canFail) {
        try {
            if (itab == 0) {
                return canFail ? "ok" : "itab 0 in a site that cannot fail";
            }
            long i = space.u64(itab + ItabDescriptor.INTER_OFFSET);
            long t = space.u64(itab + ItabDescriptor.TYPE_OFFSET);
            if (i != inter || t != typ) {
                return String.format("itab 0x%x is (0x%x, 0x%x), not (0x%x, 0x%x)", itab, i, t, inter, typ);
            }
            if (table != null && ItabProbe.find(space, table.address(), inter, typ) != itab) {
                return String.format("itab 0x%x is not the itab table's entry for it", itab);
            }
            return "ok";
        } catch (BadAddressException e) {
            return e.getMessage();
        }
    }

    // ---- persistentChunks ----

    private List<Long> readChunks() {
        SymbolTable.Sym sym = image.symbols().get("runtime.persistentChunks");
        long head;
        if (sym != null) {
            try {
                head = space.u64(sym.address());
            } catch (BadAddressException e) {
                addFinding("persistentChunks: " + e.getMessage());
                return List.of();
            }
            chunksFoundBy = "symbol runtime.persistentChunks";
        } else {
            head = scanForChunks();
            if (head == 0) {
                addFinding("persistentChunks not located: no runtime.persistentChunks symbol (stripped binary?), and no chain"
                        + " through every P's palloc chunk found by scanning");
                return null;
            }
            chunksFoundBy = "a scan of the data for the longest chunk chain holding every P's palloc chunk";
        }
        return walkChunks(head);
    }

    /** Follows the chain from {@code c}: each chunk's first word links to the one before it. */
    private List<Long> walkChunks(long c) {
        List<Long> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        try {
            while (c != 0) {
                if (!seen.add(c)) {
                    addFinding(String.format("persistentChunks: chain loops back to 0x%x after %d chunks", c, out.size()));
                    break;
                }
                if (out.size() >= MAX_CHUNKS) {
                    addFinding("persistentChunks: chain longer than " + MAX_CHUNKS + " chunks; stopped");
                    break;
                }
                out.add(c);
                if (!space.contains(c, Abi.PERSISTENT_CHUNK_SIZE)) {
                    addFinding(String.format("persistentChunks: chunk 0x%x (%d KiB) is not inside one region", c,
                            Abi.PERSISTENT_CHUNK_SIZE >> 10));
                }
                c = space.u64(c); // the first word links to the previous chunk
            }
        } catch (BadAddressException e) {
            addFinding("persistentChunks: " + e.getMessage());
        }
        return List.copyOf(out);
    }

    // ---- allp ----

    private List<PInfo> readPs() {
        SymbolTable.Sym sym = image.symbols().get("runtime.allp");
        long hdr;
        if (sym != null) {
            hdr = sym.address();
            psFoundBy = "symbol runtime.allp";
        } else {
            hdr = scanForAllp();
            if (hdr == 0) {
                addFinding("allp not located: no runtime.allp symbol (stripped binary?) and no []*p found by scanning");
                return null;
            }
            psFoundBy = String.format("a scan of the data for a []*p whose Ps have ids 0..n-1 (slice header at 0x%x)", hdr);
        }
        List<PInfo> out = new ArrayList<>();
        try {
            long array = space.u64(hdr + sliceArray);
            long len = space.u64(hdr + sliceLen);
            if (len < 0 || len > MAX_PS) {
                addFinding("allp: implausible length " + len);
                return List.of();
            }
            for (long i = 0; i < len; i++) {
                long pp = space.u64(array + i * Abi.PTR_SIZE);
                try {
                    long pa = pp + pallocOff;
                    out.add(new PInfo(pp, space.u32(pp + pIdOff), space.u32(pp + pStatusOff),
                            space.u64(pa + allocBase), space.u64(pa + allocOff)));
                } catch (BadAddressException e) {
                    addFinding(String.format("allp[%d] = 0x%x: %s", i, pp, e.getMessage()));
                }
            }
        } catch (BadAddressException e) {
            addFinding("allp: " + e.getMessage());
        }
        return List.copyOf(out);
    }

    /** Most Ps believed: Go 1.19 sets no bound on GOMAXPROCS, this is far past any real machine. */
    static final int MAX_PS = 1 << 16;

    /**
     * The address of a slice header {array, len, cap} in writable data whose array holds {@code len}
     * pointers to Ps with ids 0..len-1 and valid statuses: how a stripped core's {@code runtime.allp}
     * is recognised. 0 if none.
     */
    private long scanForAllp() {
        try {
            return image.scan(image.staticData(), 8, (seg, off) -> {
                if (off + sliceSize > seg.byteSize()) {
                    return false;
                }
                long len = seg.get(WORD, off + sliceLen);
                long cap = seg.get(WORD, off + sliceCap);
                return len >= 1 && len <= MAX_PS && cap >= len && cap <= MAX_PS;
            }, a -> isAllp(space.u64(a + sliceArray), space.u64(a + sliceLen)));
        } catch (OutOfBudget e) {
            addFinding("allp scan stopped: it read more than " + BUDGET + " words (corrupt data?)");
            return 0;
        }
    }

    private boolean isAllp(long array, long len) {
        spend(len);
        try {
            for (long i = 0; i < len; i++) {
                long pp = space.u64(array + i * Abi.PTR_SIZE);
                if (pp == 0 || space.u32(pp + pIdOff) != i || Integer.toUnsignedLong(space.u32(pp + pStatusOff)) > Abi.P_DEAD
                        || Long.compareUnsigned(space.u64(pp + pallocOff + allocOff), Abi.PERSISTENT_CHUNK_SIZE) > 0) {
                    return false;
                }
            }
            return true;
        } catch (BadAddressException e) {
            return false;
        }
    }

    /**
     * A stripped core's {@code runtime.persistentChunks}: the word in writable data that starts the
     * longest well-formed chain (page-aligned chunks of 256 KiB inside the regions, ending in 0) which
     * holds every P's current palloc chunk. Without Ps or with no P holding a chunk there is nothing to
     * tell the head from any other chunk pointer: 0.
     */
    private long scanForChunks() {
        if (ps == null) {
            return 0;
        }
        Set<Long> needed = new HashSet<>();
        for (PInfo pi : ps) {
            if (pi.pallocBase() != 0) {
                needed.add(pi.pallocBase());
            }
        }
        if (needed.isEmpty()) {
            return 0;
        }
        long[] best = {0, 0}; // head, chain length
        java.util.Map<Long, Integer> tried = new java.util.HashMap<>();
        try {
            image.scanAll(image.staticData(), 8, (seg, off) -> {
                long w = seg.get(WORD, off);
                return w != 0 && (w & 0xfff) == 0;
            }, a -> {
                long w = space.u64(a);
                int n = cached(tried, w, x -> chainHolding(x, needed));
                if (n > best[1]) {
                    best[0] = w;
                    best[1] = n;
                }
                return true;
            });
        } catch (OutOfBudget e) {
            addFinding("persistentChunks scan stopped: it read more than " + BUDGET + " words (corrupt data?)");
            return 0;
        }
        return best[0];
    }

    /** The length of the well-formed chain from {@code c} if it holds every chunk of {@code needed}, else 0. */
    private int chainHolding(long c, Set<Long> needed) {
        Set<Long> seen = new HashSet<>();
        int held = 0;
        try {
            while (c != 0) {
                if ((c & 0xfff) != 0 || !seen.add(c) || seen.size() > MAX_CHUNKS || !space.contains(c, Abi.PERSISTENT_CHUNK_SIZE)) {
                    return 0;
                }
                if (needed.contains(c)) {
                    held++;
                }
                spend(1);
                c = space.u64(c);
            }
        } catch (BadAddressException e) {
            return 0;
        }
        return held == needed.size() ? seen.size() : 0;
    }

    /**
     * What the byte at {@code addr} of this image is, in Go's terms, as {@code GoRuntime.describe} says it
     * of a live runtime: a slot of the itab table, a field of a static itab or of one {@code getitab} built
     * (and in which persistent chunk), a type descriptor, a symbol ({@code runtime.staticuint64s[7]}), a
     * persistent chunk, a region of the image, or nothing the image has. Reads only what the readers
     * already decoded; a bad pointer on the way is left out, never thrown.
     */
    public String describe(long addr) {
        Table t = table();
        if (t != null) {
            long entries = t.address() + io.goheap.runtime.abi.ItabProbe.ENTRIES;
            if (Long.compareUnsigned(addr - t.address(), entries - t.address() + t.size() * Abi.PTR_SIZE) < 0) {
                return Long.compareUnsigned(addr, entries) < 0 ? String.format("the itab table (%d entries) + %d", t.size(), addr - t.address())
                        : String.format("the itab table (%d entries), entries[%d]", t.size(), (addr - entries) / Abi.PTR_SIZE);
            }
        }
        Places pl = places();
        int i = io.goheap.runtime.mem.Floor.index(pl.itabs().size(), k -> pl.itabs().get(k).start(), addr);
        if (i >= 0 && Long.compareUnsigned(addr - pl.itabs().get(i).start(), pl.itabs().get(i).size()) < 0) {
            Place p = pl.itabs().get(i);
            return "itab " + p.what() + itabField(addr - p.start()) + (p.inChunk() ? chunkOf(addr) : "");
        }
        SymbolTable.Sym sym = image.symbols().at(addr);
        if (sym != null) {
            long off = addr - sym.address();
            if (sym.name().equals("runtime.staticuint64s")) {
                return String.format("runtime.staticuint64s[%d]%s", off / 8, off % 8 == 0 ? "" : " + " + off % 8);
            }
            if (!sym.name().startsWith("type:") && !sym.name().startsWith("type.")) {
                return sym.name() + (off == 0 ? "" : String.format(" + 0x%x", off));
            }
        }
        int j = io.goheap.runtime.mem.Floor.index(pl.types().size(), k -> pl.types().get(k).start(), addr);
        if (image.module().inTypes(addr) && j >= 0 && Long.compareUnsigned(addr - pl.types().get(j).start(), pl.types().get(j).size()) < 0) {
            long off = addr - pl.types().get(j).start();
            return "type descriptor of " + pl.types().get(j).what() + (off == 0 ? "" : String.format(" + %d", off));
        }
        String chunk = chunkOf(addr);
        if (!chunk.isEmpty()) {
            return chunk.substring(" in ".length());
        }
        for (GoImage.Area a : image.areas()) {
            if (Long.compareUnsigned(addr - a.base(), a.size()) < 0) {
                return String.format("%s [0x%x, 0x%x) + 0x%x", a.name(), a.base(), a.end(), addr - a.base());
            }
        }
        return String.format("0x%x is not in %s", addr, image.description());
    }

    /** A thing {@link #describe} names: {@code [start, start + size)} and what it is; an itab of getitab's also says its chunk. */
    private record Place(long start, long size, String what, boolean inChunk) {
    }

    /** The itabs and the types {@link #describe} looks addresses up in, each sorted by address. */
    private record Places(List<Place> itabs, List<Place> types) {
    }

    /** {@link #places()}, built on the first {@link #describe}: a type walk and the itabs' decoding, once, not per address. */
    private Places places;

    private synchronized Places places() {
        if (places == null) {
            Set<Long> statics = new HashSet<>(image.itablinks());
            List<Long> all = new ArrayList<>(statics);
            if (table != null) {
                table.entries().stream().map(Entry::itab).filter(a -> !statics.contains(a)).forEach(all::add);
            }
            List<Place> itabs = new ArrayList<>();
            for (long a : all) {
                GoImage.ItabInfo info = image.itab(a);
                if (info.error() != null) {
                    continue;
                }
                long size = ItabDescriptor.sizeOf(Math.max(1, info.fun().size()));
                SymbolTable.Sym named = image.symbols().at(a);
                if (named != null && named.address() == a && (named.name().startsWith("go:itab.") || named.name().startsWith("go.itab."))) {
                    itabs.add(new Place(a, size, named.name(), false)); // the linker's name, as a live runtime says it
                } else {
                    itabs.add(new Place(a, size, info.inter() + "," + info.type() + (statics.contains(a) ? "" : " (built by getitab)"), true));
                }
            }
            List<Place> types = new ArrayList<>();
            io.goheap.runtime.abi.Module m = image.module();
            for (GoImage.TypeInfo ty : image.types(null)) {
                if (ty.error() == null) {
                    try {
                        types.add(new Place(ty.address(), m.typeAt(ty.address()).descriptorSize(), ty.name(), false));
                    } catch (BadAddressException | IllegalStateException e) {
                        // a descriptor that does not decode is no place to name
                    }
                }
            }
            java.util.Comparator<Place> byAddress = (x, y) -> Long.compareUnsigned(x.start(), y.start());
            itabs.sort(byAddress);
            types.sort(byAddress);
            places = new Places(List.copyOf(itabs), List.copyOf(types));
        }
        return places;
    }

    /** " + OFF (field)" of an itab. */
    private static String itabField(long off) {
        return String.format(" + %d (%s)", off, ItabDescriptor.fieldAt(off));
    }

    /** " in persistent chunk 0x.. + 0x..", or "" if {@code addr} is in no chunk the chain reaches. */
    private String chunkOf(long addr) {
        for (long c : chunks == null ? List.<Long>of() : chunks) { // null: none located (a binary, a stripped core)
            if (Long.compareUnsigned(addr - c, Abi.PERSISTENT_CHUNK_SIZE) < 0) {
                return String.format(" in persistent chunk 0x%x + 0x%x", c, addr - c);
            }
        }
        return "";
    }
}
