package io.goheap.runtime.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code runtime.itab}: interface, concrete type, hash and {@code fun[]} (one word per interface
 * method; see {@link ItabDescriptor}).
 */
public record ItabView(Module module, long address) {
    /** {@code itab.inter}: the interface type. */
    public InterfaceTypeView inter() {
        return new InterfaceTypeView(module, module.space().u64(address + ItabDescriptor.INTER_OFFSET));
    }

    /** {@code itab._type}: the concrete type. */
    public TypeView type() {
        return module.typeAt(module.space().u64(address + ItabDescriptor.TYPE_OFFSET));
    }

    /** {@code itab.hash}: a copy of {@code _type.hash}. */
    public int hash() {
        return module.space().u32(address + ItabDescriptor.HASH_OFFSET);
    }

    /** {@code fun[k]}. */
    public long fun(int k) {
        return module.space().u64(address + ItabDescriptor.funOffset(k));
    }

    /** Every {@code fun} word: as many as the interface has methods. */
    public List<Long> funs() {
        int n = inter().methodCount();
        List<Long> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            out.add(fun(k));
        }
        return out;
    }
}
