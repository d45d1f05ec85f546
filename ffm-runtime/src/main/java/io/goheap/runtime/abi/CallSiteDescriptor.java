package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;

/**
 * Offsets, sizes and the probe of the call-site structs of Go 1.22 and later ({@code internal/abi/switch.go}):
 * {@code abi.TypeAssert} and {@code abi.InterfaceSwitch}, which the compiler emits per call site into
 * {@code .data}, and the caches {@code abi.TypeAssertCache} / {@code abi.InterfaceSwitchCache} the runtime
 * builds for them. A value taken from one release's {@link Abi}, as {@link PDescriptor} is: the layouts are
 * the same from 1.22 to 1.27 (ptype-o-1.N.txt), Go 1.21 and older have none.
 * <pre>
 *   TypeAssert (24 B)                     InterfaceSwitch (24 + 8*(NCases-1) B)
 *   0          8          16       17  24 0          8          16                      16 + 8*NCases
 *   +----------+----------+--------+---+  +----------+----------+----------+-- ... --+
 *   | Cache    | Inter    |CanFail | _ |  | Cache    | NCases   | Cases[0] | Cases[1] ...
 *   | *Cache   | *itype   | bool   |pad|  | *Cache   | int      | *itype   |          |
 *   +----------+----------+--------+---+  +----------+----------+----------+-- ... --+
 *
 *   TypeAssertCache (8 + 16*(Mask+1) B)   InterfaceSwitchCache (8 + 24*(Mask+1) B)
 *   0          8          16         24   0          8          16         24         32
 *   +----------+----------+----------+--  +----------+----------+----------+----------+--
 *   | Mask     | Typ      | Itab     | .. | Mask     | Typ      | Case     | Itab     | ..
 *   | uintptr  | *_type   | *itab    |    | uintptr  | *_type   | int      | *itab    |
 *   +----------+----------+----------+--  +----------+----------+----------+----------+--
 *              \___ Entries[0] ___/                  \_______ Entries[0] ________/
 * </pre>
 * {@code Mask} is a power of two minus one (0 for the one-entry {@code runtime.empty*Cache}); an entry with
 * {@code Typ} 0 is empty and ends a probe. A cache is filled before it is published and never written
 * after: at most half its entries are used (so a probe always meets an empty one). {@code Itab} 0 in a
 * {@code TypeAssert} entry is a cached failure of a {@code CanFail} site; {@code Case == NCases} with
 * {@code Itab} 0 a switch that matched no case. If a layout changes, this diagram and
 * native/include/goheap/go1_22_amd64.h (and its successors) change together.
 *
 * <p>Immutable and thread-safe.
 */
public final class CallSiteDescriptor {
    /** The first release with call-site caches. */
    public static final GoRelease FIRST = new GoRelease(22);

    /** {@code TypeAssert.Cache}: {@code *TypeAssertCache}, written by the runtime with CAS. */
    public final long assertCache;
    /** {@code TypeAssert.Inter}: the asserted {@code *InterfaceType} (non-empty). */
    public final long assertInter;
    /** {@code TypeAssert.CanFail}: a bool, true for the {@code v, ok :=} form. */
    public final long assertCanFail;
    /** sizeof(TypeAssert). */
    public final long assertSize;
    /** {@code InterfaceSwitch.Cache}: {@code *InterfaceSwitchCache}. */
    public final long switchCache;
    /** {@code InterfaceSwitch.NCases}: int, the interface cases (1 or more). */
    public final long switchNCases;
    /** {@code InterfaceSwitch.Cases}: {@code [NCases]*InterfaceType}, really; the struct declares one. */
    public final long switchCases;
    /** sizeof(InterfaceSwitch) as declared: one case. */
    public final long switchSize;
    /** {@code TypeAssertCache.Mask} and {@code .Entries}, and the struct's declared size (one entry). */
    public final long assertCacheMask;
    /** {@code TypeAssertCache.Entries}. */
    public final long assertCacheEntries;
    /** sizeof(TypeAssertCache) as declared: one entry (also {@code runtime.emptyTypeAssertCache}'s size). */
    public final long assertCacheSize;
    /** sizeof(TypeAssertCacheEntry). */
    public final long assertEntrySize;
    /** {@code TypeAssertCacheEntry.Typ}. */
    public final long assertEntryTyp;
    /** {@code TypeAssertCacheEntry.Itab}. */
    public final long assertEntryItab;
    /** {@code InterfaceSwitchCache.Mask}. */
    public final long switchCacheMask;
    /** {@code InterfaceSwitchCache.Entries}. */
    public final long switchCacheEntries;
    /** sizeof(InterfaceSwitchCache) as declared (also {@code runtime.emptyInterfaceSwitchCache}'s size). */
    public final long switchCacheSize;
    /** sizeof(InterfaceSwitchCacheEntry). */
    public final long switchEntrySize;
    /** {@code InterfaceSwitchCacheEntry.Typ}. */
    public final long switchEntryTyp;
    /** {@code InterfaceSwitchCacheEntry.Case}. */
    public final long switchEntryCase;
    /** {@code InterfaceSwitchCacheEntry.Itab}. */
    public final long switchEntryItab;

    /**
     * The call-site structs of {@code abi}'s release.
     *
     * @throws IllegalArgumentException if the release is older than Go 1.22 (it has no call-site caches)
     */
    public CallSiteDescriptor(Abi abi) {
        if (abi.release().compareTo(FIRST) < 0) {
            throw new IllegalArgumentException(abi.release() + " has no call-site caches: they came with " + FIRST);
        }
        assertCache = abi.offsetOf("typeAssert", "Cache");
        assertInter = abi.offsetOf("typeAssert", "Inter");
        assertCanFail = abi.offsetOf("typeAssert", "CanFail");
        assertSize = abi.sizeOf("typeAssert");
        switchCache = abi.offsetOf("interfaceSwitch", "Cache");
        switchNCases = abi.offsetOf("interfaceSwitch", "NCases");
        switchCases = abi.offsetOf("interfaceSwitch", "Cases");
        switchSize = abi.sizeOf("interfaceSwitch");
        assertCacheMask = abi.offsetOf("typeAssertCache", "Mask");
        assertCacheEntries = abi.offsetOf("typeAssertCache", "Entries");
        assertCacheSize = abi.sizeOf("typeAssertCache");
        assertEntrySize = abi.sizeOf("typeAssertCacheEntry");
        assertEntryTyp = abi.offsetOf("typeAssertCacheEntry", "Typ");
        assertEntryItab = abi.offsetOf("typeAssertCacheEntry", "Itab");
        switchCacheMask = abi.offsetOf("interfaceSwitchCache", "Mask");
        switchCacheEntries = abi.offsetOf("interfaceSwitchCache", "Entries");
        switchCacheSize = abi.sizeOf("interfaceSwitchCache");
        switchEntrySize = abi.sizeOf("interfaceSwitchCacheEntry");
        switchEntryTyp = abi.offsetOf("interfaceSwitchCacheEntry", "Typ");
        switchEntryCase = abi.offsetOf("interfaceSwitchCacheEntry", "Case");
        switchEntryItab = abi.offsetOf("interfaceSwitchCacheEntry", "Itab");
    }

    /** The bytes of an {@code InterfaceSwitch} with {@code ncases} cases, as the compiler sizes it. */
    public long switchSizeOf(int ncases) {
        if (ncases < 1) {
            throw new IllegalArgumentException("ncases=" + ncases + " (a switch site has at least one interface case)");
        }
        return switchSize + (ncases - 1) * (long) Abi.PTR_SIZE;
    }

    /** The bytes of a {@code TypeAssertCache} of {@code n} entries ({@code n} a power of two). */
    public long assertCacheSizeOf(long n) {
        return assertCacheSize + (n - 1) * assertEntrySize;
    }

    /** The bytes of an {@code InterfaceSwitchCache} of {@code n} entries. */
    public long switchCacheSizeOf(long n) {
        return switchCacheSize + (n - 1) * switchEntrySize;
    }

    /**
     * The probe the compiled code runs over a {@code TypeAssertCache}: the entry whose {@code Typ} is
     * {@code typ}, starting at {@code hash & Mask} and stepping by one, or 0 at the first empty entry.
     * {@code hash} is what the code loads: {@code typ.Hash} from an empty interface, {@code itab.Hash}
     * from a non-empty one (0 in an itab {@code getitab} built: the probe then starts at entry 0).
     *
     * <p>Ordering (live memory): the caller loaded {@code cache} with acquire from the site's
     * {@code Cache} word (on amd64 the compiler's {@code AtomicLoadPtr} is a plain {@code MOVQ}: x86
     * loads are acquire); the cache was filled before the CAS that published it and is never written
     * again, so these plain loads see its mask and entries. Allocation-free. A cache without an empty
     * entry (Go never builds one) ends the probe after {@code Mask + 1} entries, a miss.
     *
     * @return the entry's address, or 0 (also for {@code typ} 0: compiled code tests for nil first)
     */
    public long findAssert(GoMemory mem, long cache, long typ, long hash) {
        return find(mem, cache, typ, hash, assertCacheMask, assertCacheEntries, assertEntrySize, assertEntryTyp);
    }

    /** The same probe over an {@code InterfaceSwitchCache} (entries of 24 bytes); see {@link #findAssert}. */
    public long findSwitch(GoMemory mem, long cache, long typ, long hash) {
        return find(mem, cache, typ, hash, switchCacheMask, switchCacheEntries, switchEntrySize, switchEntryTyp);
    }

    private static long find(GoMemory mem, long cache, long typ, long hash, long maskOff, long entriesOff, long entrySize, long typOff) {
        if (typ == 0) {
            return 0;
        }
        long mask = mem.u64(cache + maskOff);
        long entries = cache + entriesOff;
        for (long i = 0; i <= mask; i++) {
            long e = entries + ((hash + i) & mask) * entrySize;
            long t = mem.u64(e + typOff);
            if (t == typ) {
                return e;
            }
            if (t == 0) {
                return 0;
            }
        }
        return 0;
    }
}
