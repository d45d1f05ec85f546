package io.goheap.runtime.iface;

import io.goheap.runtime.abi.InterfaceTypeView;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.NameView;
import io.goheap.runtime.abi.TFlags;
import io.goheap.runtime.abi.TypeDescriptor;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.abi.UncommonTypeView;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.sys.SysStat;

import java.util.List;

/**
 * {@code getitab}, {@code itab.init} and {@code itabsinit} (iface.go) over a linked module, with the
 * {@link ItabTable}.
 *
 * <p>Thread-safe: the hit path is {@link ItabTable#find} (lock-free); a miss takes {@code itabLock},
 * looks again, builds the itab in persistentalloc memory ({@code 24 + 8*ni} bytes, as Go's
 * {@code persistentalloc(..., &memstats.other_sys)}), fills it with {@link #init} and adds it. A failed
 * match is cached too ({@code fun[0] == 0}), as in Go, so a repeated failing assertion finds it.
 */
public final class Itabs {
    private static final long MHDR_LEN = TypeDescriptor.INTERFACETYPE_MHDR_LEN_OFFSET;
    private static final long TFLAG = TypeDescriptor.TFLAG_OFFSET;

    private final Module module;
    private final GoMemory mem;
    private final ItabTable table;
    private final PersistentAlloc persistent;
    /** Go 1.23 on: itabInit writes only when firstTime */
    private final boolean writeOnlyFirstTime;

    /** getitab over {@code module}'s types, {@code table} and {@code persistent}, all in {@code table.memory()}. */
    public Itabs(Module module, ItabTable table, PersistentAlloc persistent) {
        this.module = module;
        this.mem = table.memory();
        this.table = table;
        this.persistent = persistent;
        this.writeOnlyFirstTime = module.abi().release().minor() >= 23;
    }

    /**
     * {@code itabsinit}: adds every itab of the module's itablinks to the table, as the runtime does at
     * start-up.
     */
    public void itabsinit(List<Long> itablinks) {
        table.lockItabs();
        try {
            for (long m : itablinks) {
                table.add(m);
            }
        } finally {
            table.unlockItabs();
        }
    }

    /**
     * {@code getitab(inter, typ, canfail)}: the itab of (inter, typ), found or built.
     *
     * @return the itab's address, or 0 if {@code typ} does not implement {@code inter} and {@code canfail}
     * @throws TypeAssertionError if it does not and not {@code canfail}
     * @throws GoThrow if {@code inter} has no methods (Go: "internal error - misuse of itab")
     */
    public long getitab(long inter, long typ, boolean canfail) {
        // the fast path reads words in place (no views, no allocation), as Go's getitab does
        long ni = mem.u64(inter + MHDR_LEN);
        if (ni == 0) {
            throw GoThrow.of("internal error - misuse of itab");
        }
        if ((mem.u8(typ + TFLAG) & TFlags.UNCOMMON) == 0) {
            if (canfail) {
                return 0;
            }
            InterfaceTypeView iv = new InterfaceTypeView(module, inter);
            throw new TypeAssertionError(module.typeAt(typ).string(), iv.type().string(), iv.methods().getFirst().name().name());
        }
        long m = table.find(inter, typ);
        if (m == 0) {
            table.lockItabs();
            try {
                m = table.find(inter, typ);
                if (m == 0) {
                    m = persistent.alloc(ItabDescriptor.sizeOf((int) ni), 0, SysStat.OTHER_SYS);
                    mem.setU64(m + ItabDescriptor.INTER_OFFSET, inter);
                    mem.setU64(m + ItabDescriptor.TYPE_OFFSET, typ);
                    // hash 0: only static itabs carry the type's hash (type switches on them use it)
                    init(m, true);
                    table.add(m);
                }
            } finally {
                table.unlockItabs();
            }
        }
        if (mem.u64(m + ItabDescriptor.funOffset(0)) != 0) {
            return m;
        }
        if (canfail) {
            return 0;
        }
        throw new TypeAssertionError(module.typeAt(typ).string(), new InterfaceTypeView(module, inter).type().string(), init(m, false));
    }

    /**
     * {@code getitab} on typed handles: the itab of interface type {@code inter} for concrete type
     * {@code typ}, found or built (as {@link #getitab(long, long, boolean)} with {@code canfail} false).
     *
     * @throws TypeAssertionError if {@code typ} does not implement {@code inter}, with Go's message
     * @throws IllegalArgumentException if {@code inter} is not an interface type
     */
    public io.goheap.runtime.abi.ItabView getitab(TypeView inter, TypeView typ) {
        if (inter.kind() != io.goheap.runtime.abi.Kinds.INTERFACE) {
            throw new IllegalArgumentException(inter.string() + " is a " + inter.kindName() + ", not an interface type");
        }
        return new io.goheap.runtime.abi.ItabView(module, getitab(inter.address(), typ.address(), false));
    }

    /**
     * {@code itab.init} (Go 1.19 to 1.22) and {@code itabInit(m, firstTime)} (Go 1.23 on): fills fun[] by
     * walking the interface's and the type's sorted method lists in lock step (O(ni + nt)); a method
     * matches on the same func type (typeOff identity), the same name, and being exported or of the
     * interface's package. fun[0] is written last, so a nonzero fun[0] means a complete itab.
     * <p>The releases differ in what a call writes: up to Go 1.22 every call writes fun[] again and a
     * miss stores fun[0] = 0; from Go 1.23 only the first call writes (fun[k], then fun[0]; a miss writes
     * nothing, the persistentalloc'd fun[0] being 0 already), and the later call that only looks for the
     * missing method's name ({@code firstTime} false) writes nothing, so it cannot race with readers of a
     * published itab (Go issue 65962).
     *
     * @param firstTime true for the call that builds the itab, false for the one after a failed lookup
     * @return the name of the first missing method, or "" if all were found
     */
    String init(long m, boolean firstTime) {
        boolean write = firstTime || !writeOnlyFirstTime;
        InterfaceTypeView iv = new InterfaceTypeView(module, mem.u64(m + ItabDescriptor.INTER_OFFSET));
        TypeView tv = module.typeAt(mem.u64(m + ItabDescriptor.TYPE_OFFSET));
        UncommonTypeView x = tv.uncommon();
        List<InterfaceTypeView.IMethod> imethods = iv.methods();
        List<UncommonTypeView.Method> tmethods = x.methods();
        long fun0 = 0;
        int j = 0;
        outer:
        for (int k = 0; k < imethods.size(); k++) {
            InterfaceTypeView.IMethod im = imethods.get(k);
            String iname = im.name().name();
            String ipkg = pkgPath(im.name());
            if (ipkg.isEmpty()) {
                ipkg = iv.pkgPath();
            }
            for (; j < tmethods.size(); j++) {
                UncommonTypeView.Method tm = tmethods.get(j);
                if (tm.type() != null && im.type() != null && tm.type().address() == im.type().address()
                        && tm.name().name().equals(iname)) {
                    String pkgPath = pkgPath(tm.name());
                    if (pkgPath.isEmpty()) {
                        pkgPath = x.pkgPath();
                    }
                    if (tm.name().isExported() || pkgPath.equals(ipkg)) {
                        if (k == 0) {
                            fun0 = tm.ifn(); // fun[0] is set last: a nonzero fun[0] means the itab is complete
                        } else if (write) {
                            mem.setU64(m + ItabDescriptor.funOffset(k), tm.ifn());
                        }
                        continue outer;
                    }
                }
            }
            if (!writeOnlyFirstTime) {
                mem.setU64(m + ItabDescriptor.funOffset(0), 0);
            }
            return iname;
        }
        if (write) {
            mem.setU64(m + ItabDescriptor.funOffset(0), fun0);
        }
        return "";
    }

    private String pkgPath(NameView n) {
        NameView p = module.name(n.pkgPathOff());
        return p == null ? "" : p.name();
    }

    /** The table. */
    public ItabTable table() {
        return table;
    }
}
