package io.goheap.runtime.types;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The methods of a named type with those promoted from embedded fields (typecheck.CalcMethods /
 * expandmeth): breadth first by embedding depth; a name found at a shallower depth hides deeper ones;
 * a name found twice at the same depth is ambiguous and left out.
 *
 * <p>Which receiver a method needs: a declared method with a pointer receiver, or one promoted from an
 * embedded value whose method has a pointer receiver, is only in {@code *T}'s set; one promoted through
 * an embedded pointer, or from an embedded interface, is in {@code T}'s set too.
 */
final class MethodSet {
    record Entry(String name, GoType.Func sig, boolean valueApplicable) {
        boolean exported() {
            return !name.isEmpty() && Character.isUpperCase(name.codePointAt(0));
        }
    }

    private MethodSet() {
    }

    /** The method set of {@code n} and {@code *n}, each entry marked with whether {@code n} itself has it. */
    static List<Entry> of(GoType.Named n) {
        Map<String, Entry> found = new LinkedHashMap<>();
        for (GoType.Method m : n.methods()) {
            found.put(m.name(), new Entry(m.name(), m.sig(), !m.pointerReceiver()));
        }
        // each level: the embedded fields of the structs reached so far, and whether reached through a pointer
        record Path(GoType type, boolean viaPointer) {
        }
        List<Path> level = new ArrayList<>();
        level.add(new Path(n, false));
        Set<String> seen = new HashSet<>();
        while (!level.isEmpty()) {
            List<Path> next = new ArrayList<>();
            Map<String, Entry> atDepth = new LinkedHashMap<>();
            Set<String> ambiguous = new HashSet<>();
            for (Path p : level) {
                if (!(p.type().underlying() instanceof GoType.Struct st)) {
                    continue;
                }
                for (GoType.Field f : st.fields()) {
                    if (!f.embedded()) {
                        continue;
                    }
                    boolean viaPtr = p.viaPointer() || f.type() instanceof GoType.Pointer;
                    GoType base = f.type() instanceof GoType.Pointer ptr ? ptr.elem() : f.type();
                    if (!seen.add(base.symbol() + viaPtr)) {
                        continue;
                    }
                    List<Entry> promoted = new ArrayList<>();
                    if (base.underlying() instanceof GoType.Interface it) {
                        it.methods().forEach(m -> promoted.add(new Entry(m.name(), m.sig(), true)));
                    } else if (base instanceof GoType.Named bn) {
                        bn.methods().forEach(m -> promoted.add(new Entry(m.name(), m.sig(), viaPtr || !m.pointerReceiver())));
                    }
                    for (Entry e : promoted) {
                        if (found.containsKey(e.name())) {
                            continue; // hidden by a shallower one
                        }
                        if (atDepth.putIfAbsent(e.name(), e) != null) {
                            ambiguous.add(e.name());
                        }
                    }
                    next.add(new Path(base, viaPtr));
                }
            }
            atDepth.forEach((name, e) -> {
                if (!ambiguous.contains(name)) {
                    found.put(name, e);
                }
            });
            ambiguous.forEach(name -> found.putIfAbsent(name, null));
            level = next;
        }
        List<Entry> out = new ArrayList<>();
        found.values().forEach(e -> {
            if (e != null) {
                out.add(e);
            }
        });
        return out;
    }
}
