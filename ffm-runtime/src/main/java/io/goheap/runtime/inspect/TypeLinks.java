package io.goheap.runtime.inspect;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119.maptype;
import io.goheap.runtime.abi.InterfaceTypeView;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.abi.UncommonTypeView;

import java.util.ArrayList;
import java.util.List;

/** The types one type descriptor points at: what the reachability walk of {@link GoImage#types} follows. */
final class TypeLinks {
    private TypeLinks() {
    }

    /** Element, key, fields, parameters and results, methods' and interface methods' func types, ptrToThis. */
    static List<Long> children(Module module, long addr) {
        TypeView t = module.typeAt(addr);
        List<Long> out = new ArrayList<>();
        int k = t.kind();
        if (k == Go119.GO_KIND_PTR() || k == Go119.GO_KIND_SLICE() || k == Go119.GO_KIND_ARRAY() || k == Go119.GO_KIND_CHAN()
                || k == Go119.GO_KIND_MAP()) {
            add(out, t.elem());
        }
        if (k == Go119.GO_KIND_MAP()) {
            out.add(module.space().u64(addr + maptype.key$offset()));
        }
        if (k == Go119.GO_KIND_FUNC()) {
            t.in().forEach(x -> add(out, x));
            t.out().forEach(x -> add(out, x));
        }
        if (k == Go119.GO_KIND_STRUCT()) {
            t.fields().forEach(f -> add(out, f.type()));
        }
        if (k == Go119.GO_KIND_INTERFACE()) {
            for (InterfaceTypeView.IMethod m : t.asInterface().methods()) {
                add(out, m.type());
            }
        }
        UncommonTypeView u = t.uncommon();
        if (u != null) {
            for (UncommonTypeView.Method m : u.methods()) {
                add(out, m.type());
            }
        }
        add(out, module.type(t.ptrToThis()));
        return out;
    }

    private static void add(List<Long> out, TypeView t) {
        if (t != null) {
            out.add(t.address());
        }
    }
}
