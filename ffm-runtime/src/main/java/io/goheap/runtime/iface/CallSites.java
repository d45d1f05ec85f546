package io.goheap.runtime.iface;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.CallSiteDescriptor;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.MCache;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.Procs;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.mem.LiveMemory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The call-site caches of Go 1.22 and later: a type assertion to a non-empty interface
 * ({@link TypeAssert}) and a type switch with interface cases ({@link InterfaceSwitch}), each as the
 * compiler lays out its descriptor and compiles its fast path, and as the runtime's {@code typeAssert} /
 * {@code interfaceSwitch} (iface.go) fill its cache.
 *
 * <h2 id="threads">Thread safety</h2>
 * Every method is thread-safe. The fast paths ({@link TypeAssert#onEface}, {@link TypeAssert#onIface},
 * {@link InterfaceSwitch#onEface}, {@link InterfaceSwitch#onIface} on a hit) take no lock and allocate
 * nothing, on the Java heap or the Go heap: an acquire load of the site's {@code Cache} word, then plain
 * loads of the cache. A miss runs the runtime's slow path: {@code getitab} (lock-free on a hit, see
 * {@link Itabs}), then, about once in 1024 calls and less often as the cache grows, a new cache from the
 * Go heap published by CAS. Caches are never written after their publication and never freed (goheap has
 * no collector; a cache a CAS replaced, or one that lost its CAS, stays in the heap unreachable, as it
 * would until Go's next GC).
 *
 * <h2 id="sites">Sites</h2>
 * {@link #typeAssert(long, boolean)} and {@link #interfaceSwitch(long...)} define a site in the image as
 * the compiler does: a LOCAL {@code main..typeAssert.N} / {@code main..interfaceSwitch.N} in {@code .data},
 * numbered in creation order, its {@code Cache} first pointing at {@code runtime.emptyTypeAssertCache} /
 * {@code runtime.emptyInterfaceSwitchCache} (in {@code .noptrbss}, defined by the constructor: Mask 0 and
 * one empty entry, so the first probe misses at once). The {@code InHeap} variants put the descriptor in
 * the Go heap instead, for tests that make one per trial (jcstress).
 *
 * <h2 id="rand">The rebuild gates</h2>
 * The runtime rebuilds only if {@code cheaprand() & 1023 == 0}, then only if
 * {@code cheaprand() & uint32(oldCache.Mask) == 0}. The random numbers come from a {@link CheapRand}:
 * Go's per-thread wyrand for the runtime's own instance ({@code GoRuntime.callSites()}),
 * {@link CheapRand#ZERO} through {@link #withRand} to rebuild on every slow path. The CAS makes any
 * choice safe: only the rate of rebuilds depends on it.
 *
 * <h2 id="example">Example</h2>
 * {@snippet :
 * CallSites cs = rt.callSites().withRand(CheapRand.ZERO);       // a Go 1.22+ runtime, a package linked
 * CallSites.TypeAssert site = cs.typeAssert(stringer, true);     // main..typeAssert.0, e.g. at 0x7f0c2a900000
 * long tab = site.onEface(point);    // miss: getitab, a 2-slot cache published; go:itab.main.Point,main.Stringer
 * tab = site.onEface(point);         // hit: read from the cache, no call into the runtime
 * }
 */
public final class CallSites {
    /** The package the sites' symbols are named after ({@code main..typeAssert.0}). */
    public static final String PKG = "main";

    private final Shared shared;
    private final CheapRand rand;
    private final LiveMemory mem; // the final class: its checks inline without a type test
    private final CallSiteDescriptor d;

    /** What every {@link #withRand} view shares: the runtime's parts, the empty caches, the counters. */
    private static final class Shared {
        final Image image;
        final Heap heap;
        final Procs procs;
        final Itabs itabs;
        final Module module;
        final CallSiteDescriptor d;
        final Symbol emptyAssert;
        final Symbol emptySwitch;
        /** the compiler's typeAssertGen and interfaceSwitchGen; guarded by this */
        int assertGen;
        int switchGen;
        final AtomicLong slowPaths = new AtomicLong();
        final AtomicLong rebuilds = new AtomicLong();
        final AtomicLong lostCas = new AtomicLong();

        Shared(Image image, Heap heap, Procs procs, Itabs itabs, Module module, CallSiteDescriptor d) {
            this.image = image;
            this.heap = heap;
            this.procs = procs;
            this.itabs = itabs;
            this.module = module;
            this.d = d;
            // Mask 0 and Entries[0].Typ 0, as zeroed .noptrbss: the first probe of any site misses at once
            this.emptyAssert = image.define(Section.NOPTRBSS, "runtime.emptyTypeAssertCache", d.assertCacheSize, Abi.PTR_SIZE);
            this.emptySwitch = image.define(Section.NOPTRBSS, "runtime.emptyInterfaceSwitchCache", d.switchCacheSize, Abi.PTR_SIZE);
        }
    }

    /**
     * The call sites of a runtime of {@code abi}'s release, over {@code itabs} and the types of
     * {@code module}, with caches from {@code heap} on the calling thread's P of {@code procs};
     * defines {@code runtime.emptyTypeAssertCache} and {@code runtime.emptyInterfaceSwitchCache} in
     * {@code image}. Rebuild gates from {@link CheapRand#perThread()}.
     * {@link io.goheap.runtime.GoRuntime#callSites()} makes the runtime's.
     *
     * @throws IllegalArgumentException if the release is older than Go 1.22, or the image already holds
     *                                  the empty caches
     */
    public CallSites(Image image, Heap heap, Procs procs, Itabs itabs, Module module, Abi abi) {
        this(new Shared(image, heap, procs, itabs, module, new CallSiteDescriptor(abi)), CheapRand.perThread());
    }

    private CallSites(Shared shared, CheapRand rand) {
        this.shared = shared;
        this.rand = rand;
        this.mem = shared.image.sys().memory();
        this.d = shared.d;
    }

    /**
     * These call sites with the rebuild gates drawn from {@code rand}: the same image, empty caches and
     * symbol numbering; sites made through the view use {@code rand} on their slow paths.
     */
    public CallSites withRand(CheapRand rand) {
        return new CallSites(shared, Objects.requireNonNull(rand, "rand"));
    }

    /** The offsets of the call-site structs. */
    public CallSiteDescriptor descriptor() {
        return d;
    }

    /** {@code runtime.emptyTypeAssertCache}: every new {@link TypeAssert}'s first cache. */
    public Symbol emptyTypeAssertCache() {
        return shared.emptyAssert;
    }

    /** {@code runtime.emptyInterfaceSwitchCache}: every new {@link InterfaceSwitch}'s first cache. */
    public Symbol emptyInterfaceSwitchCache() {
        return shared.emptySwitch;
    }

    /** Calls into the runtime's {@code typeAssert}/{@code interfaceSwitch} so far (the fast path missed). */
    public long slowPaths() {
        return shared.slowPaths.get();
    }

    /** Caches built (both gates passed), whether or not their CAS won. */
    public long rebuilds() {
        return shared.rebuilds.get();
    }

    /** Built caches whose CAS lost (another thread had published a cache since this one loaded its old one). */
    public long lostCas() {
        return shared.lostCas.get();
    }

    // ---- sites ----

    /**
     * A {@code x.(I)} site ({@code v, ok := x.(I)} with {@code canFail}), defined as the compiler does:
     * {@code main..typeAssert.N} in {@code .data}, {@code {Cache = &emptyTypeAssertCache, Inter = inter, CanFail}}.
     *
     * @throws IllegalArgumentException if {@code inter} is not a non-empty interface type of the module
     *                                  (the compiler asserts to {@code any} inline, without a site)
     */
    public TypeAssert typeAssert(long inter, boolean canFail) {
        checkInterface("inter", inter);
        Symbol s;
        synchronized (shared) {
            s = shared.image.define(Section.DATA, PKG + "..typeAssert." + shared.assertGen, d.assertSize, Abi.PTR_SIZE);
            shared.assertGen++;
        }
        return new TypeAssert(s, s.address(), inter, canFail);
    }

    /**
     * A {@code TypeAssert} descriptor in the Go heap rather than the image (no symbol): for tests that
     * need a fresh site per trial without filling {@code .data}.
     *
     * @throws IllegalArgumentException as {@link #typeAssert(long, boolean)}
     */
    public TypeAssert typeAssertInHeap(long inter, boolean canFail) {
        checkInterface("inter", inter);
        return new TypeAssert(null, malloc(d.assertSize, false), inter, canFail);
    }

    /**
     * A {@code switch x.(type)} with interface cases {@code cases}, in case order, defined as the
     * compiler does: {@code main..interfaceSwitch.N} in {@code .data},
     * {@code {Cache = &emptyInterfaceSwitchCache, NCases, Cases}}. (The compiler handles concrete cases and a last
     * {@code any} case inline: only non-empty interface cases reach a site.)
     *
     * @throws IllegalArgumentException if there is no case, or a case is not a non-empty interface type
     */
    public InterfaceSwitch interfaceSwitch(long... cases) {
        checkCases(cases);
        Symbol s;
        synchronized (shared) {
            s = shared.image.define(Section.DATA, PKG + "..interfaceSwitch." + shared.switchGen, d.switchSizeOf(cases.length),
                    Abi.PTR_SIZE);
            shared.switchGen++;
        }
        return new InterfaceSwitch(s, s.address(), cases);
    }

    /** An {@code InterfaceSwitch} descriptor in the Go heap (see {@link #typeAssertInHeap}). */
    public InterfaceSwitch interfaceSwitchInHeap(long... cases) {
        checkCases(cases);
        return new InterfaceSwitch(null, malloc(d.switchSizeOf(cases.length), false), cases);
    }

    /** The result of an interface switch: the case taken and the itab of (case interface, type). Not thread-safe: one per thread. */
    public static final class Match {
        private int kase;
        private long itab;

        /** An empty result, to pass to the switches and reuse. */
        public Match() {
        }

        /** The case index taken; the switch's {@code NCases} if none matched. */
        public int kase() {
            return kase;
        }

        /** The itab for the value in the matched case's interface; 0 if none matched. */
        public long itab() {
            return itab;
        }

        void set(int kase, long itab) {
            this.kase = kase;
            this.itab = itab;
        }
    }

    /**
     * One {@code abi.TypeAssert} site: the compiled code of {@code x.(I)} ({@link #onEface},
     * {@link #onIface}) and the runtime function it calls on a miss ({@link #typeAssert}). Immutable; the
     * cache it points at changes (see {@link CallSites}).
     */
    public final class TypeAssert {
        private final Symbol symbol;
        private final long address;
        private final long inter;
        private final boolean canFail;

        private TypeAssert(Symbol symbol, long address, long inter, boolean canFail) {
            this.symbol = symbol;
            this.address = address;
            this.inter = inter;
            this.canFail = canFail;
            // plain stores: the descriptor is written before this object exists, and reaches other threads
            // only through a safe publication of it (a final field, a thread start), which orders them
            mem.setU64(address + d.assertCache, shared.emptyAssert.address());
            mem.setU64(address + d.assertInter, inter);
            mem.setU8(address + d.assertCanFail, canFail ? 1 : 0);
        }

        /** The site's symbol, {@code main..typeAssert.N}; null for a site in the heap. */
        public Symbol symbol() {
            return symbol;
        }

        /** The descriptor's address. */
        public long address() {
            return address;
        }

        /** {@code Inter}: the asserted interface type. */
        public long inter() {
            return inter;
        }

        /** {@code CanFail}: the {@code v, ok :=} form. */
        public boolean canFail() {
            return canFail;
        }

        /**
         * The current cache: an acquire load of {@code Cache}. A reader that sees a cache this way sees its
         * mask and every entry, written before the CAS that published it.
         */
        public long cache() {
            return mem.u64Acquire(address + d.assertCache);
        }

        /**
         * {@code x.(I)} on an empty interface whose type word is {@code typ}, as compiled: a nil check
         * ({@code panicnildottype}, or 0 for {@code CanFail}), the cache probe with {@code typ.Hash}, and on
         * a miss {@link #typeAssert}. Allocation-free on a hit.
         *
         * @return the itab for the result, or 0 if {@code CanFail} and {@code typ} does not implement
         *         {@code Inter} (or is nil)
         * @throws TypeAssertionError if not {@code CanFail} and {@code typ} is nil or does not implement {@code Inter}
         */
        public long onEface(long typ) {
            if (typ == 0) {
                return nil();
            }
            return probe(typ, Integer.toUnsignedLong(mem.u32(typ + ItabProbe.TYPE_HASH)));
        }

        /**
         * {@code x.(I)} on a non-empty interface whose itab word is {@code tab}, as compiled: the type from
         * {@code tab.Type}, the probe's start from {@code tab.Hash} (the type's hash in a static itab, 0 in
         * one {@code getitab} built: then the probe starts at entry 0 and may miss an entry that is
         * cached further on, and the runtime answers instead, as in Go).
         *
         * @return as {@link #onEface}
         * @throws TypeAssertionError as {@link #onEface}
         */
        public long onIface(long tab) {
            if (tab == 0) {
                return nil();
            }
            return probe(mem.u64(tab + ItabDescriptor.TYPE_OFFSET), Integer.toUnsignedLong(mem.u32(tab + ItabDescriptor.HASH_OFFSET)));
        }

        private long probe(long typ, long hash) {
            // acquire: pairs with the publishing CAS in typeAssert; the cache's mask and entries are
            // then visible to the plain loads of the probe (the compiler's AtomicLoadPtr, a MOVQ on amd64)
            long c = mem.u64Acquire(address + d.assertCache);
            long e = d.findAssert(mem, c, typ, hash);
            if (e != 0) {
                return mem.u64(e + d.assertEntryItab);
            }
            return typeAssert(typ);
        }

        private long nil() {
            if (canFail) {
                mem.ensureOpen();
                return 0;
            }
            throw new TypeAssertionError.Nil(typeString(inter));
        }

        /**
         * The runtime's {@code typeAssert(s, t)}: {@code getitab(Inter, t, CanFail)}, then maybe a new
         * cache holding every entry of the current one plus (t, itab), published by CAS.
         *
         * <p>For {@code t} nil (which compiled code never passes) this throws as Go does when not
         * {@code CanFail}, and otherwise returns 0 without touching the cache (Go would go on and, once in
         * 1024 calls, fault reading the nil type's hash).
         *
         * @return the itab, or 0 (a {@code CanFail} site whose type does not implement {@code Inter})
         * @throws TypeAssertionError if not {@code CanFail} and {@code t} is nil or does not implement {@code Inter}
         */
        public long typeAssert(long t) {
            shared.slowPaths.incrementAndGet();
            if (t == 0) {
                return nil();
            }
            long tab = shared.itabs.getitab(inter, t, canFail);
            if ((rand.next() & 1023) != 0) {
                return tab; // ~1023 calls in 1024 leave the cache as it is
            }
            maybeRebuild(address + d.assertCache, d.assertCacheMask, oldC -> buildAssert(oldC, t, tab));
            return tab;
        }

        @Override
        public String toString() {
            return (symbol != null ? symbol.name() : "typeAssert") + String.format("@0x%x", address);
        }
    }

    /**
     * One {@code abi.InterfaceSwitch} site: the compiled code of a {@code switch x.(type)}'s interface
     * cases ({@link #onEface}, {@link #onIface}) and the runtime function it calls on a miss
     * ({@link #interfaceSwitch}). Immutable; the cache it points at changes (see {@link CallSites}).
     */
    public final class InterfaceSwitch {
        private final Symbol symbol;
        private final long address;
        private final int ncases;

        private InterfaceSwitch(Symbol symbol, long address, long[] cases) {
            this.symbol = symbol;
            this.address = address;
            this.ncases = cases.length;
            // plain stores, published with this object (see TypeAssert)
            mem.setU64(address + d.switchCache, shared.emptySwitch.address());
            mem.setU64(address + d.switchNCases, cases.length);
            for (int i = 0; i < cases.length; i++) {
                mem.setU64(address + d.switchCases + (long) i * Abi.PTR_SIZE, cases[i]);
            }
        }

        /** The site's symbol, {@code main..interfaceSwitch.N}; null for a site in the heap. */
        public Symbol symbol() {
            return symbol;
        }

        /** The descriptor's address. */
        public long address() {
            return address;
        }

        /** {@code NCases}. */
        public int ncases() {
            return ncases;
        }

        /** {@code Cases[i]}, read from the descriptor. */
        public long caseAt(int i) {
            Objects.checkIndex(i, ncases);
            return mem.u64(address + d.switchCases + (long) i * Abi.PTR_SIZE);
        }

        /** The current cache (an acquire load of {@code Cache}; see {@link TypeAssert#cache()}). */
        public long cache() {
            return mem.u64Acquire(address + d.switchCache);
        }

        /**
         * The switch on an empty interface whose type word is {@code typ}, as compiled: the cache probe
         * with {@code typ.Hash}, on a hit {@code Case} and {@code Itab} from the entry, on a miss
         * {@link #interfaceSwitch}. A nil value never reaches the site (the compiled code sends it to the
         * {@code case nil} or default branch first): {@code NCases} and itab 0. Allocation-free on a hit.
         *
         * @param out receives the case and the itab (may be null when only the case is wanted)
         * @return the index of the first case whose interface {@code typ} implements, or {@code NCases}
         */
        public int onEface(long typ, Match out) {
            if (typ == 0) {
                return nil(out);
            }
            return probe(typ, Integer.toUnsignedLong(mem.u32(typ + ItabProbe.TYPE_HASH)), out);
        }

        /** The switch on a non-empty interface whose itab word is {@code tab}: type and probe start from the itab (see {@link TypeAssert#onIface}). */
        public int onIface(long tab, Match out) {
            if (tab == 0) {
                return nil(out);
            }
            return probe(mem.u64(tab + ItabDescriptor.TYPE_OFFSET), Integer.toUnsignedLong(mem.u32(tab + ItabDescriptor.HASH_OFFSET)), out);
        }

        private int nil(Match out) {
            mem.ensureOpen();
            if (out != null) {
                out.set(ncases, 0);
            }
            return ncases;
        }

        private int probe(long typ, long hash, Match out) {
            // acquire: pairs with the publishing CAS in interfaceSwitch (see TypeAssert.probe)
            long c = mem.u64Acquire(address + d.switchCache);
            long e = d.findSwitch(mem, c, typ, hash);
            if (e == 0) {
                return interfaceSwitch(typ, out);
            }
            int kase = (int) mem.u64(e + d.switchEntryCase);
            if (out != null) {
                out.set(kase, mem.u64(e + d.switchEntryItab));
            }
            return kase;
        }

        /**
         * The runtime's {@code interfaceSwitch(s, t)}: the first case {@code i} with
         * {@code getitab(Cases[i], t, true) != nil}, else {@code NCases} and itab 0; then maybe a new cache
         * with (t, case, itab) added, published by CAS. For {@code t} nil (never passed by compiled code):
         * {@code NCases}, itab 0, the cache untouched.
         *
         * @param out receives the case and the itab (may be null)
         * @return the case index, or {@code NCases}
         */
        public int interfaceSwitch(long t, Match out) {
            shared.slowPaths.incrementAndGet();
            if (t == 0) {
                return nil(out);
            }
            int kase = ncases;
            long tab = 0;
            for (int i = 0; i < ncases; i++) {
                // Cases are plain loads: written once before the site was published
                tab = shared.itabs.getitab(mem.u64(address + d.switchCases + (long) i * Abi.PTR_SIZE), t, true);
                if (tab != 0) {
                    kase = i;
                    break;
                }
            }
            if (out != null) {
                out.set(kase, tab);
            }
            if ((rand.next() & 1023) != 0) {
                return kase; // ~1023 calls in 1024 leave the cache as it is
            }
            int k = kase;
            long itab = tab;
            maybeRebuild(address + d.switchCache, d.switchCacheMask, oldC -> buildSwitch(oldC, t, k, itab));
            return kase;
        }

        @Override
        public String toString() {
            return (symbol != null ? symbol.name() : "interfaceSwitch") + String.format("@0x%x", address);
        }
    }

    /**
     * The part of the runtime's {@code typeAssert} and {@code interfaceSwitch} after the first gate (the
     * caller's {@code cheaprand() & 1023}, so that this, and the lambda, run about once in 1024 slow
     * paths): the second gate, {@code cheaprand() & Mask} of the current cache (a bigger cache is rebuilt
     * less often: its cost grows with Mask), then a new cache from {@code build} published over the
     * current one by CAS.
     *
     * @param cacheField the address of the site's {@code Cache} word
     * @param maskOff    the offset of {@code Mask} in the site's kind of cache
     * @param build      the new cache from the current one (every entry of it plus the new one)
     */
    private void maybeRebuild(long cacheField, long maskOff, java.util.function.LongUnaryOperator build) {
        // acquire: the cache we copy from was filled before its publication
        long oldC = mem.u64Acquire(cacheField);
        if ((rand.next() & (int) mem.u64(oldC + maskOff)) != 0) {
            return;
        }
        long newC = build.applyAsLong(oldC);
        shared.rebuilds.incrementAndGet();
        // CAS (volatile, so a release): a probe whose acquire load returns newC sees its mask and entries
        // written by build. Failure means another thread published a cache since our load; Go ignores it
        // (at least one update sticks) and so does this; newC stays unreachable.
        if (!mem.casU64(cacheField, oldC, newC)) {
            shared.lostCas.incrementAndGet();
        }
    }

    // ---- building caches (the runtime's buildTypeAssertCache / buildInterfaceSwitchCache) ----

    /**
     * A new cache with {@code oldC}'s entries and (typ, tab): {@code 2 * (entries + 1)} slots rounded up to a
     * power of two (at most half full, so every probe ends at an empty slot), from {@code mallocgc} as
     * noscan (the entries are uintptrs: the types and itabs live outside the heap). Private until the CAS:
     * plain stores. {@code oldC} is immutable once published: plain loads.
     */
    private long buildAssert(long oldC, long typ, long tab) {
        return build(oldC, d.assertCacheMask, d.assertCacheEntries, d.assertEntrySize, d.assertEntryTyp, d::assertCacheSizeOf, typ,
                new long[] {d.assertEntryItab}, new long[] {tab});
    }

    /** As {@link #buildAssert}, entries {Typ, Case, Itab}. */
    private long buildSwitch(long oldC, long typ, int kase, long tab) {
        return build(oldC, d.switchCacheMask, d.switchCacheEntries, d.switchEntrySize, d.switchEntryTyp, d::switchCacheSizeOf, typ,
                new long[] {d.switchEntryCase, d.switchEntryItab}, new long[] {kase, tab});
    }

    /**
     * Both kinds of cache: the new table ({@code sizeOf} bytes for its slot count) gets every entry of
     * {@code oldC} (word by word: an entry is its Typ key and uintptr words), each at the first free slot
     * of its key's probe, then the new entry: {@code typ}, and {@code values} at {@code offsets}.
     */
    private long build(long oldC, long maskOff, long entriesOff, long entrySize, long typOff, java.util.function.LongUnaryOperator sizeOf,
                       long typ, long[] offsets, long[] values) {
        long oldMask = mem.u64(oldC + maskOff);
        long n = 1 + used(oldC + entriesOff, oldMask, entrySize, typOff);
        long newN = slots(n);
        long c = malloc(sizeOf.applyAsLong(newN), true);
        mem.setU64(c + maskOff, newN - 1);
        for (long i = 0; i <= oldMask; i++) {
            long e = oldC + entriesOff + i * entrySize;
            long t = mem.u64(e + typOff);
            if (t != 0) {
                long slot = freeSlot(c + entriesOff, newN - 1, entrySize, typOff, t);
                for (long w = 0; w < entrySize; w += Abi.PTR_SIZE) {
                    mem.setU64(slot + w, mem.u64(e + w));
                }
            }
        }
        long slot = freeSlot(c + entriesOff, newN - 1, entrySize, typOff, typ);
        mem.setU64(slot + typOff, typ);
        for (int k = 0; k < offsets.length; k++) {
            mem.setU64(slot + offsets[k], values[k]);
        }
        return c;
    }

    /** Entries with a non-zero Typ among {@code mask + 1} at {@code entries}. */
    private long used(long entries, long mask, long entrySize, long typOff) {
        long n = 0;
        for (long i = 0; i <= mask; i++) {
            if (mem.u64(entries + i * entrySize + typOff) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Slots for {@code n} entries: {@code 2n} rounded up to a power of two ({@code 1 << Len64(2n - 1)}). */
    static long slots(long n) {
        return 1L << (Long.SIZE - Long.numberOfLeadingZeros(2 * n - 1));
    }

    /** The first empty slot from {@code typ.Hash & mask} on, stepping by one (the table is at most half full). */
    private long freeSlot(long entries, long mask, long entrySize, long typOff, long typ) {
        long h = Integer.toUnsignedLong(mem.u32(typ + ItabProbe.TYPE_HASH)) & mask;
        while (mem.u64(entries + h * entrySize + typOff) != 0) {
            h = (h + 1) & mask;
        }
        return entries + h * entrySize;
    }

    private long malloc(long size, boolean noscan) {
        P p = shared.procs.current();
        MCache c = p == null ? null : p.mcache();
        return shared.heap.mallocgc(c, size, noscan, true);
    }

    private void checkInterface(String what, long inter) {
        TypeView t;
        try {
            t = shared.module.typeAt(inter);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(String.format("%s=0x%x is not a type of the module", what, inter), e);
        }
        if (!t.kindName().equals("interface") || t.asInterface().methodCount() == 0) {
            throw new IllegalArgumentException(String.format("%s=0x%x (%s) is not a non-empty interface type", what, inter, t.string()));
        }
    }

    private void checkCases(long[] cases) {
        if (cases.length == 0) {
            throw new IllegalArgumentException("cases.length=0 (a switch site has at least one interface case)");
        }
        for (int i = 0; i < cases.length; i++) {
            checkInterface("cases[" + i + "]", cases[i]);
        }
    }

    private String typeString(long t) {
        return shared.module.typeAt(t).string();
    }
}
