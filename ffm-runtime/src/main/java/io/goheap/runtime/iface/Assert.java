package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.mem.GoMemory;


/**
 * The assertion entry points the compiler calls (iface.go {@code assertE2I}, {@code assertE2I2},
 * {@code assertI2I}, {@code assertI2I2}) and a type switch as the compiler emits it: compare the
 * dynamic type's hash (from the itab of a non-empty interface, from the type of an empty one) with
 * each case's, and only on a hash match the type pointer.
 */
public final class Assert {
    private static final long TYPE_HASH = io.goheap.runtime.abi.ItabProbe.TYPE_HASH;
    private final Itabs itabs;
    private final Module module;
    private final GoMemory mem;

    /** The assertions over {@code itabs}, with the types of {@code module}; {@link io.goheap.runtime.GoRuntime#asserts()} makes the runtime's. */
    public Assert(Itabs itabs, Module module) {
        this.itabs = itabs;
        this.module = module;
        this.mem = module.space();
    }

    /** {@code assertE2I}: {@code any(x).(I)}; {@code type} is the eface's type word. */
    public long assertE2I(long inter, long type) {
        if (type == 0) {
            throw new TypeAssertionError.Nil(interString(inter));
        }
        return itabs.getitab(inter, type, false);
    }

    /** {@code assertE2I2}: {@code v, ok := any(x).(I)}; 0 for not ok. */
    public long assertE2I2(long inter, long type) {
        if (type == 0) {
            mem.ensureOpen();
            return 0;
        }
        return itabs.getitab(inter, type, true);
    }

    /** {@code assertI2I}: {@code i.(I)} from another non-empty interface; {@code tab} is its itab word. */
    public long assertI2I(long inter, long tab) {
        if (tab == 0) {
            throw new TypeAssertionError.Nil(interString(inter));
        }
        if (mem.u64(tab + ItabDescriptor.INTER_OFFSET) == inter) {
            return tab;
        }
        return itabs.getitab(inter, mem.u64(tab + ItabDescriptor.TYPE_OFFSET), false);
    }

    /** {@code assertI2I2}: {@code v, ok := i.(I)}; 0 for not ok. */
    public long assertI2I2(long inter, long tab) {
        if (tab == 0) {
            mem.ensureOpen();
            return 0;
        }
        if (mem.u64(tab + ItabDescriptor.INTER_OFFSET) == inter) {
            return tab;
        }
        return itabs.getitab(inter, mem.u64(tab + ItabDescriptor.TYPE_OFFSET), true);
    }

    /**
     * A type switch over concrete case types on a non-empty interface value with itab {@code tab}:
     * the index of the matching case, or -1 (default). Compares {@code itab.hash} first (static itabs
     * carry the type's hash; the compiler emits one for every pair a switch can meet), then the type.
     * Allocation-free: the case types are the addresses of their {@code _type}s.
     */
    public int typeSwitchI(long tab, long... caseTypes) {
        if (tab == 0) {
            mem.ensureOpen();
            return -1;
        }
        return match(mem.u32(tab + ItabDescriptor.HASH_OFFSET), mem.u64(tab + ItabDescriptor.TYPE_OFFSET), caseTypes);
    }

    /** A type switch on an empty interface value whose type word is {@code type}; as {@link #typeSwitchI}. */
    public int typeSwitchE(long type, long... caseTypes) {
        if (type == 0) {
            mem.ensureOpen();
            return -1;
        }
        return match(mem.u32(type + TYPE_HASH), type, caseTypes);
    }

    private int match(int hash, long type, long[] caseTypes) {
        for (int i = 0; i < caseTypes.length; i++) {
            long c = caseTypes[i];
            if (mem.u32(c + TYPE_HASH) == hash && c == type) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A type switch as the compiler emits it for one {@code switch x.(type)} statement: the case types'
     * hashes are read once here, as the compiler writes them into the instructions as constants, so a
     * switch reads only the dynamic type's hash (one word) and compares it with each case's, then the
     * type pointer on a hash match. Allocation-free per switch.
     *
     * @throws io.goheap.runtime.mem.BadAddressException if a case type is not readable
     */
    public TypeSwitch typeSwitch(long... caseTypes) {
        int[] hashes = new int[caseTypes.length];
        for (int i = 0; i < caseTypes.length; i++) {
            hashes[i] = mem.u32(caseTypes[i] + TYPE_HASH);
        }
        return new TypeSwitch(mem, caseTypes.clone(), hashes);
    }

    /** One compiled type switch over concrete case types (see {@link Assert#typeSwitch}). Immutable, thread-safe. */
    public static final class TypeSwitch {
        private final GoMemory mem;
        private final long[] types;
        private final int[] hashes;

        private TypeSwitch(GoMemory mem, long[] types, int[] hashes) {
            this.mem = mem;
            this.types = types;
            this.hashes = hashes;
        }

        /** The matching case for an empty interface whose type word is {@code type}, or -1 (default, or nil). */
        public int onEface(long type) {
            if (type == 0) {
                mem.ensureOpen();
                return -1;
            }
            return match(mem.u32(type + TYPE_HASH), type);
        }

        /** The matching case for a non-empty interface whose itab word is {@code tab}: the hash comes from the itab. */
        public int onIface(long tab) {
            if (tab == 0) {
                mem.ensureOpen();
                return -1;
            }
            return match(mem.u32(tab + ItabDescriptor.HASH_OFFSET), mem.u64(tab + ItabDescriptor.TYPE_OFFSET));
        }

        private int match(int hash, long type) {
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] == hash && types[i] == type) {
                    return i;
                }
            }
            return -1;
        }
    }

    private String interString(long inter) {
        return module.typeAt(inter).string();
    }
}
