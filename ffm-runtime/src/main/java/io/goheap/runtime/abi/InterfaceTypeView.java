package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;

import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.name;
import io.goheap.layouts.go119.slice;

import java.util.ArrayList;
import java.util.List;

/** A {@code runtime.interfacetype}: package path and the sorted {@code imethod}s. */
public record InterfaceTypeView(Module module, long address) {
    /** One interface method: its name and func type. */
    public record IMethod(NameView name, TypeView type) {
    }

    /** The type header. */
    public TypeView type() {
        return new TypeView(module, address);
    }

    /** The package path of unexported methods, or "" (interfacetype.pkgpath is a name pointer). */
    public String pkgPath() {
        long p = module.space().u64(address + interfacetype.pkgpath$offset() + name.bytes$offset());
        return p == 0 ? "" : new NameView(module.space(), p).name();
    }

    /** How many methods (the length of {@code mhdr}), without decoding them. */
    public int methodCount() {
        return TypeView.checkCount(module.space().u64(address + interfacetype.mhdr$offset() + slice.len$offset()));
    }

    /** The methods, in the order itabs use for {@code fun[k]}. */
    public List<IMethod> methods() {
        GoMemory s = module.space();
        long hdr = address + interfacetype.mhdr$offset();
        long array = s.u64(hdr + slice.array$offset());
        int n = TypeView.checkCount(s.u64(hdr + slice.len$offset()));
        List<IMethod> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long m = array + i * imethod.sizeof();
            out.add(new IMethod(module.name(s.u32(m + imethod.name$offset())), module.type(s.u32(m + imethod.ityp$offset()))));
        }
        return out;
    }
}
