package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;

import java.util.List;

/**
 * The assertion entry points the compiler calls (iface.go {@code assertE2I}, {@code assertE2I2},
 * {@code assertI2I}, {@code assertI2I2}) and a type switch as the compiler emits it: compare the
 * dynamic type's hash (from the itab of a non-empty interface, from the type of an empty one) with
 * each case's, and only on a hash match the type pointer.
 */
public final class Assert {
    private final Itabs itabs;
    private final Module module;

    public Assert(Itabs itabs, Module module) {
        this.itabs = itabs;
        this.module = module;
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
        return type == 0 ? 0 : itabs.getitab(inter, type, true);
    }

    /** {@code assertI2I}: {@code i.(I)} from another non-empty interface; {@code tab} is its itab word. */
    public long assertI2I(long inter, long tab) {
        if (tab == 0) {
            throw new TypeAssertionError.Nil(interString(inter));
        }
        if (word(tab + ItabDescriptor.INTER_OFFSET) == inter) {
            return tab;
        }
        return itabs.getitab(inter, word(tab + ItabDescriptor.TYPE_OFFSET), false);
    }

    /** {@code assertI2I2}: {@code v, ok := i.(I)}; 0 for not ok. */
    public long assertI2I2(long inter, long tab) {
        if (tab == 0) {
            return 0;
        }
        if (word(tab + ItabDescriptor.INTER_OFFSET) == inter) {
            return tab;
        }
        return itabs.getitab(inter, word(tab + ItabDescriptor.TYPE_OFFSET), true);
    }

    /**
     * A type switch over concrete case types on a non-empty interface value with itab {@code tab}:
     * the index of the matching case, or -1 (default). Compares {@code itab.hash} first (static itabs
     * carry the type's hash; the compiler emits one for every pair a switch can meet), then the type.
     */
    public int typeSwitchI(long tab, List<Long> caseTypes) {
        if (tab == 0) {
            return -1;
        }
        int hash = module.space().u32(tab + ItabDescriptor.HASH_OFFSET);
        long type = word(tab + ItabDescriptor.TYPE_OFFSET);
        return match(hash, type, caseTypes);
    }

    /** A type switch on an empty interface value whose type word is {@code type}. */
    public int typeSwitchE(long type, List<Long> caseTypes) {
        if (type == 0) {
            return -1;
        }
        return match(module.typeAt(type).hash(), type, caseTypes);
    }

    private int match(int hash, long type, List<Long> caseTypes) {
        for (int i = 0; i < caseTypes.size(); i++) {
            TypeView c = module.typeAt(caseTypes.get(i));
            if (c.hash() == hash && caseTypes.get(i) == type) {
                return i;
            }
        }
        return -1;
    }

    private String interString(long inter) {
        return module.typeAt(inter).string();
    }

    private long word(long addr) {
        return module.space().u64(addr);
    }
}
