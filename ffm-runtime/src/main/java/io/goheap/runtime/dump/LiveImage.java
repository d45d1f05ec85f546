package io.goheap.runtime.dump;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.inspect.SymbolTable;
import io.goheap.runtime.inspect.Target;
import io.goheap.runtime.sys.Mapping;

import java.util.ArrayList;
import java.util.List;

/**
 * A live {@link GoRuntime} read through the inspector's code, as its dump is: for comparing a dump with
 * what it was taken from. The runtime's mappings are the areas, its image's symbols the symbols, the
 * Go version it simulates the release.
 */
public final class LiveImage {
    private LiveImage() {
    }

    /**
     * The runtime's memory as a {@link GoImage}.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public static GoImage of(GoRuntime rt) {
        List<GoImage.Area> areas = new ArrayList<>();
        for (Mapping m : rt.sys().mappings()) {
            areas.add(new GoImage.Area(m.purpose(), m.address(), m.size(), true));
        }
        List<SymbolTable.Sym> syms = new ArrayList<>();
        for (Symbol s : rt.image().symbols()) {
            syms.add(new SymbolTable.Sym(s.name(), s.address(), s.size()));
        }
        return GoImage.of(Target.live(rt.sys().memory(), areas, new SymbolTable(syms), rt.goVersion()), null);
    }
}
