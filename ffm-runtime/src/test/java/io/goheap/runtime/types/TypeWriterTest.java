package io.goheap.runtime.types;

import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.SrodataFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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

    /**
     * Compiles {@code src} and prints every symbol's listing, as {@code goheap image} does, under a
     * generous hang guard; prints and returns the symbols.
     */
    private static List<ObjSym> compileTimed(String what, String src) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            long t0 = System.nanoTime();
            List<ObjSym> syms = PackageImage.compile(GoSource.parse("big.go", src));
            long chars = 0;
            for (ObjSym s : syms) {
                chars += PackageImage.listing(s).length();
            }
            System.out.printf("image of %s: %d symbols, %d listing chars in %d ms%n", what, syms.size(), chars,
                    (System.nanoTime() - t0) / 1_000_000);
            return syms;
        }, what + ": image took over 20 s (quadratic or worse?)");
    }

    @Test
    void aMegabyteTypeNameIsWrittenInLinearTime() {
        String name = "A" + "a".repeat((1 << 20) - 1);
        List<ObjSym> syms = compileTimed("a 1 MiB type name", "package main\ntype " + name + " int\n");
        ObjSym str = syms.stream().filter(s -> s.name().equals("type..namedata.*main." + name + ".")).findFirst().orElseThrow();
        assertEquals(1 + 3 + "*main.".length() + (1 << 20), str.size(), "flags, a 3-byte varint, the name");
    }

    @Test
    void aHundredThousandFieldsAreWrittenInLinearTime() {
        StringBuilder src = new StringBuilder("package main\ntype T struct {\n");
        for (int i = 0; i < 100_000; i++) {
            src.append("\tf").append(i).append(" *int\n");
        }
        src.append("}\n");
        List<ObjSym> syms = compileTimed("a struct of 100,000 fields", src.toString());
        ObjSym t = syms.stream().filter(s -> s.name().equals("type.main.T")).findFirst().orElseThrow();
        assertEquals(48 + 8 + 24 + 16 + 100_000 * 24, t.size(), "structtype, uncommontype, then 24 bytes a field");
        assertEquals(2 * 100_000 + 7, t.relocs().size(), "name and type of each field; equal, gcdata, str, ptrToThis, pkgpath, fields, uncommon pkgpath");
    }

    @Test
    void thousandsOfMethodsAreMatchedInLinearTime() {
        int n = 20_000;
        StringBuilder src = new StringBuilder("package main\ntype T struct{ x int }\ntype I interface {\n");
        for (int i = 0; i < n; i++) {
            src.append("\tM").append(i).append("() int\n");
        }
        src.append("}\n");
        for (int i = 0; i < n; i++) {
            src.append("func (T) M").append(i).append("() int { return 0 }\n");
        }
        src.append("var v I = T{}\n");
        List<ObjSym> syms = compileTimed("20,000 methods and a 20,000-method itab", src.toString());
        ObjSym itab = syms.stream().filter(s -> s.name().equals("go.itab.main.T,main.I")).findFirst().orElseThrow();
        assertEquals(24 + 8L * n, itab.size());
    }

    @Test
    void structsHoldingThePreviousTwiceAreNotWalkedExponentially() {
        // T40 holds 2^40 copies of T0: asking each field again for ptrdata, equality or map-key flags would never end
        StringBuilder src = new StringBuilder("package main\ntype T0 struct{ x int; f float64 }\n");
        for (int i = 1; i <= 40; i++) {
            src.append("type T").append(i).append(" struct{ a, b T").append(i - 1).append(" }\n");
        }
        src.append("type M map[T40]int\n");
        List<ObjSym> syms = compileTimed("40 levels of doubling structs and a map keyed by the last", src.toString());
        assertTrue(syms.stream().anyMatch(s -> s.name().equals("type.main.M")));
    }

    private static ObjSym sym(Map<String, ObjSym> syms, String name) {
        ObjSym s = syms.get(name);
        assertTrue(s != null, "no symbol " + name + " in " + new TreeSet<>(syms.keySet()));
        return s;
    }

    private static String gcdata(ObjSym type) {
        return type.relocs().stream().filter(r -> r.off() == 32).findFirst().orElseThrow().target();
    }

    @Test
    void aGcProgramPast16384PointerWordsAsGo119WritesIt() {
        // go build -gcflags=-S of native/fixtures/gcprog: [16384]*int still has a 2048-byte mask,
        // [16385]*int has type..gcprog (kind | kindGCProg 0x40), and so has T of two 10000-pointer arrays
        Pkg main = Pkg.MAIN;
        GoType ptr = new GoType.Pointer(GoType.Basic.of("int"));
        GoType.Named maskMax = new GoType.Named(main, "MaskMax").underlying(new GoType.Array(ptr, 16384));
        GoType.Named progMin = new GoType.Named(main, "ProgMin").underlying(new GoType.Array(ptr, 16385));
        GoType.Named t = new GoType.Named(main, "T").underlying(new GoType.Struct(List.of(
                new GoType.Field("a", new GoType.Array(ptr, 10000), false, "", main),
                new GoType.Field("b", new GoType.Array(ptr, 10000), false, "", main))));
        TypeWriter w = new TypeWriter(main);
        List.of(maskMax, progMin, t).forEach(w::writeType);
        Map<String, ObjSym> syms = w.symbols();

        ObjSym mm = sym(syms, "type.main.MaskMax");
        assertEquals("runtime.gcbits." + "ff".repeat(2048), gcdata(mm));
        assertEquals(0x11, mm.bytes()[23], "kind array, no kindGCProg");

        ObjSym pm = sym(syms, "type.main.ProgMin");
        assertEquals("type..gcprog.main.ProgMin", gcdata(pm));
        assertEquals(0x51, pm.bytes()[23], "kind array | kindGCProg");
        assertEquals(16385 * 8, java.nio.ByteBuffer.wrap(pm.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8), "ptrdata");
        // 4-byte length 7; 1 literal bit (1); repeat the last 1 bit 16384 times; end
        assertEquals("070000000101818080" + "0100", HexFormat.of().formatHex(sym(syms, "type..gcprog.main.ProgMin").bytes()));

        ObjSym ts = sym(syms, "type.main.T");
        assertEquals("type..gcprog.main.T", gcdata(ts));
        assertEquals(0x59, ts.bytes()[23], "kind struct | kindGCProg");
        assertEquals("0b0000000101818f4e0101818f4e00", HexFormat.of().formatHex(sym(syms, "type..gcprog.main.T").bytes()));
        assertEquals("runtime.gcbits." + "ff".repeat(1250), gcdata(sym(syms, "type.[10000]*int")), "each array alone fits a mask");
    }

    @Test
    void aGcProgramWithoutArraysToRepeatIsRefusedByName() {
        // T(n) holds T(n-1) twice and no array: 2^n pointers, each a literal bit of the program
        StringBuilder src = new StringBuilder("package main\ntype T0 struct{ p *int }\n");
        for (int i = 1; i <= 30; i++) {
            src.append("type T").append(i).append(" struct{ a, b T").append(i - 1).append(" }\n");
        }
        String msg = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(RuntimeException.class,
                () -> PackageImage.compile(GoSource.parse("t.go", src.toString()))).getMessage());
        assertEquals("t.go:26:6: unsupported: GC program of main.T24: more than 16777216 steps to write "
                + "(its pointers are not in arrays goheap can repeat)", msg);
    }

    @Test
    void aGeneratedKeyHasherBringsTheClosuresOfItsFields() {
        // go1.19 -S of: type A [100]*int; type B struct{ a A; s string }; type M map[B]int
        // emits type..hashfunc800 (memhash_varlen over A's 800 bytes) beside type..hashfunc.main.B
        Map<String, ObjSym> syms = new java.util.HashMap<>();
        PackageImage.compile(GoSource.parse("t.go", "package main\ntype A [100]*int\ntype B struct{ a A; s string }\ntype M map[B]int\n"))
                .forEach(x -> syms.put(x.name(), x));
        assertEquals(List.of("type..hashfunc.main.B", "type..hashfunc800"),
                syms.keySet().stream().filter(n -> n.startsWith("type..hashfunc")).sorted().toList());
        assertEquals("0000000000000000" + "2003000000000000", HexFormat.of().formatHex(syms.get("type..hashfunc800").bytes()));
    }

    @Test
    void theSupportedReleasesInWords() {
        assertEquals(TypeWriter.text(TypeWriter.SUPPORTED), TypeWriter.SUPPORTED_TEXT);
        assertEquals("Go 1.19", TypeWriter.text(List.of(new GoRelease(19))));
        assertEquals("Go 1.19 and 1.21", TypeWriter.text(List.of(new GoRelease(19), new GoRelease(21))));
        assertEquals("Go 1.19, 1.21 to 1.23 and 1.25", TypeWriter.text(List.of(new GoRelease(19), new GoRelease(21),
                new GoRelease(22), new GoRelease(23), new GoRelease(25))));
    }

    @Test
    void aReleaseTheImageDoesNotFollowIsRefusedByName() {
        for (int minor : new int[] {18, 20, 28}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new TypeWriter(Pkg.MAIN, false, new GoRelease(minor)));
            assertEquals("goheap's type image follows Go 1.19 and 1.21 to 1.27, not Go 1." + minor, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> PackageImage.compile(
                    GoSource.parse("t.go", "package main\ntype T int\n"), new GoRelease(minor)));
        }
    }

    @Test
    void eachReleaseSpellsTheSameItab() {
        // one program, every release: the itab's name, hash and kinds as that release writes them
        GoSource.Package p = GoSource.parse("t.go", "package main\ntype I interface{ M() }\ntype T struct{ p *int }\n"
                + "func (T) M() {}\nvar sink I = T{}\n");
        for (GoRelease r : TypeWriter.SUPPORTED) {
            String itab = SymbolNames.of(r).itab("main.T", "main.I");
            ObjSym s = PackageImage.compile(p, r).stream().filter(x -> x.name().equals(itab)).findFirst().orElseThrow();
            int hash = (s.bytes()[16] & 0xff) | (s.bytes()[17] & 0xff) << 8 | (s.bytes()[18] & 0xff) << 16 | (s.bytes()[19] & 0xff) << 24;
            assertEquals(io.goheap.runtime.abi.TypeHash.of(r, "main.T"), hash, r + " " + itab);
            assertEquals(r.minor() >= 27 ? 8 : 0, s.align(), r + " declares the alignment from 1.27");
        }
    }

    @Test
    void goOneTwentySevenNamesClosuresByTheEqualitySignature() {
        // signatures seen in 1.27's -S listings of native/fixtures (type:.eqfunc.SIG, type:.hashfunc.SIG)
        TypeWriter w = TypeWriter.any(Pkg.MAIN, false, new GoRelease(27));
        GoType str = GoType.Basic.of("string");
        GoType intT = GoType.Basic.of("int");
        GoType any = new GoType.Interface(List.of());
        assertEquals("SM8", EqSignature.of(w, new GoType.Struct(List.of(new GoType.Field("Name", str, false, "", Pkg.MAIN),
                new GoType.Field("N", intT, false, "", Pkg.MAIN)))));
        assertEquals("SS", EqSignature.of(w, new GoType.Array(str, 2)), "two strings make one unrolled loop: written out");
        assertEquals("[10000EE]", EqSignature.of(w, new GoType.Array(any, 20000)), "32 bytes of interfaces a turn");
        assertEquals("M4K4SEM8", EqSignature.of(w, new GoType.Struct(List.of(
                new GoType.Field("a", GoType.Basic.of("int32"), false, "", Pkg.MAIN),
                new GoType.Field("_", GoType.Basic.of("int32"), false, "", Pkg.MAIN),
                new GoType.Field("s", str, false, "", Pkg.MAIN), new GoType.Field("e", any, false, "", Pkg.MAIN),
                new GoType.Field("n", intT, false, "", Pkg.MAIN)))), "a blank field is skipped");
        assertEquals("M16", EqSignature.of(w, new GoType.Array(intT, 2)), "an array of plain memory is one run");
    }
}
