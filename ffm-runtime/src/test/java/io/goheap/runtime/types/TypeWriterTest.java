package io.goheap.runtime.types;

import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * goheap's TypeWriter against the Go 1.19 compiler, symbol for symbol: for the Xer/data program
 * (native/fixtures/xer), the same set of type.*, namedata, importpath, gcbits and go.itab symbols,
 * each with the same bytes and the same relocations.
 */
class TypeWriterTest {
    static Map<String, ObjSym> xer() {
        Pkg main = Pkg.MAIN;
        GoType.Basic intT = GoType.Basic.of("int");
        GoType.Func fInt = new GoType.Func(List.of(), List.of(intT), false);
        GoType.Named data = new GoType.Named(main, "data").underlying(new GoType.Struct(List.of(
                new GoType.Field("x", intT, false, "", main), new GoType.Field("y", intT, false, "", main))));
        data.method("A", fInt, false).method("B", fInt, false);
        GoType.Named xer = new GoType.Named(main, "Xer").underlying(new GoType.Interface(List.of(
                new GoType.IMethod("B", fInt, main), new GoType.IMethod("A", fInt, main))));
        TypeWriter w = new TypeWriter(main);
        w.writeItab(data, xer);
        return w.symbols();
    }

    @Test
    void xerDataEqualsTheCompilerSymbolForSymbol() throws Exception {
        Map<String, SrodataFixture.Symbol> go = SrodataFixture.parse(NativeDir.get().resolve("fixtures/xer.srodata.txt"));
        Map<String, ObjSym> ours = xer();
        assertEquals(new TreeSet<>(go.keySet()), new TreeSet<>(ours.keySet()), "the set of symbols");
        List<String> diffs = new ArrayList<>();
        for (SrodataFixture.Symbol g : go.values()) {
            ObjSym o = ours.get(g.name());
            byte[] ob = java.util.Arrays.copyOf(o.bytes(), o.size()); // the fixture parser zero-fills to size
            if (g.size() != o.size() || !HexFormat.of().formatHex(g.bytes()).equals(HexFormat.of().formatHex(ob))) {
                diffs.add(g.name() + " bytes\n  go:     " + HexFormat.of().formatHex(g.bytes()) + "\n  goheap: " + HexFormat.of().formatHex(o.bytes()));
            }
            List<String> gr = g.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.type() + " " + r.target() + "+" + r.add()).sorted().toList();
            List<String> or = o.relocs().stream().map(r -> r.off() + "+" + r.size() + " t=" + r.kind().t + " " + r.target() + "+" + r.add()).sorted().toList();
            if (!gr.equals(or)) {
                diffs.add(g.name() + " relocs\n  go:     " + gr + "\n  goheap: " + or);
            }
        }
        assertEquals(List.of(), diffs, String.join("\n", diffs));
        System.out.printf("TypeWriter vs go1.19 -S for xer: %d symbols compared, %d equal%n", go.size(), go.size() - diffs.size());
    }

    @Test
    void missingMethodIsNamed() {
        Pkg main = Pkg.MAIN;
        GoType.Func f = new GoType.Func(List.of(), List.of(), false);
        GoType.Named t = new GoType.Named(main, "T").underlying(new GoType.Struct(List.of()));
        GoType.Named i = new GoType.Named(main, "I").underlying(new GoType.Interface(List.of(new GoType.IMethod("M", f, main))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TypeWriter(main).writeItab(t, i));
        assertTrue(e.getMessage().contains("missing method M"), e.getMessage());
    }
}
