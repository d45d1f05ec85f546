package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;

import io.goheap.layouts.go119.method;
import io.goheap.layouts.go119.uncommontype;

import java.util.ArrayList;
import java.util.List;

/** A {@code runtime.uncommontype} and its {@code [mcount]method} array. */
public record UncommonTypeView(Module module, long address) {
    /** One method: name, func type (without receiver), the code called through an interface and directly. */
    public record Method(NameView name, TypeView type, long ifn, long tfn) {
    }

    /** {@code uncommontype.pkgpath}: a nameOff, 0 without a package path. */
    public int pkgPathOff() {
        return module.space().u32(address + uncommontype.pkgpath$offset());
    }

    /** The package path, or "" without one. */
    public String pkgPath() {
        NameView n = module.name(pkgPathOff());
        return n == null ? "" : n.name();
    }

    /** {@code uncommontype.mcount}: the number of methods. */
    public int mcount() {
        return module.space().u16(address + uncommontype.mcount$offset());
    }

    /** {@code uncommontype.xcount}: the number of exported methods. */
    public int xcount() {
        return module.space().u16(address + uncommontype.xcount$offset());
    }

    /** {@code uncommontype.moff}: the methods' offset from this uncommontype. */
    public long moff() {
        return Integer.toUnsignedLong(module.space().u32(address + uncommontype.moff$offset()));
    }

    /** Every method, in the stored (sorted) order. */
    public List<Method> methods() {
        int n = TypeView.checkCount(mcount());
        long base = address + moff();
        List<Method> out = new ArrayList<>(n);
        GoMemory s = module.space();
        for (int i = 0; i < n; i++) {
            long m = base + i * method.sizeof();
            out.add(new Method(module.name(s.u32(m + method.name$offset())), module.type(s.u32(m + method.mtyp$offset())),
                    module.textAddr(s.u32(m + method.ifn$offset())), module.textAddr(s.u32(m + method.tfn$offset()))));
        }
        return out;
    }
}
