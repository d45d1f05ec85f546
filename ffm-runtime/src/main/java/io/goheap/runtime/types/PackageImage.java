package io.goheap.runtime.types;

import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.gosrc.GoSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the compiler emits for a package's types: the descriptor of every declared named type (and all
 * they need), and a static itab {@code go.itab.T,I} for every compile-time conversion, as symbols in
 * {@code .rodata} ({@link ObjSym}, the {@code -S} listing's data blocks).
 */
public final class PackageImage {
    private PackageImage() {
    }

    /** The symbols of {@code p} as Go 1.19's compiler emits them, sorted by name. */
    public static List<ObjSym> compile(GoSource.Package p) {
        return compile(p, new GoRelease(19));
    }

    /**
     * The symbols of {@code p} as {@code release}'s compiler emits them, sorted by name.
     *
     * @throws IllegalArgumentException if the type image does not follow that release yet (by name)
     */
    public static List<ObjSym> compile(GoSource.Package p, GoRelease release) {
        return compileAny(p, TypeWriter.checkSupported(release));
    }

    /** {@link #compile(GoSource.Package, GoRelease)} for any release with layouts (the fixture tests measure the others). */
    static List<ObjSym> compileAny(GoSource.Package p, GoRelease release) {
        TypeWriter w = TypeWriter.any(p.pkg(), false, release);
        if (release.minor() <= 21) {
            // WriteImportStrings: up to Go 1.21 the compiler writes the path of every import; from 1.22 only
            // those a descriptor refers to
            for (String imp : p.imports()) {
                w.importPath(new Pkg(imp, imp.substring(imp.lastIndexOf('/') + 1)));
            }
        }
        for (GoType.Named t : p.types()) {
            w.writeType(t);
            w.writeType(new GoType.Pointer(t)); // *T of every declared T, also when T is a pointer type
        }
        for (GoSource.Conversion c : p.conversions()) {
            w.writeItab(c.concrete(), c.iface());
        }
        Map<String, ObjSym> syms = w.symbols();
        List<ObjSym> out = new ArrayList<>(syms.values());
        out.sort(Comparator.comparing(ObjSym::name));
        return out;
    }

    /**
     * The symbols of every package of a module (dependencies first), as a build of the whole module
     * emits them: a symbol two packages both emit (dupok: an unnamed type, a namedata) must be the same.
     *
     * @throws IllegalStateException if two packages emit different bytes under one name
     */
    public static List<ObjSym> compileAll(List<GoSource.Package> packages) {
        return compileAll(packages, new GoRelease(19));
    }

    /**
     * {@link #compileAll(List)} as {@code release}'s compiler emits the symbols.
     *
     * @throws IllegalStateException if two packages emit different bytes under one name
     * @throws IllegalArgumentException if the type image does not follow that release yet (by name)
     */
    public static List<ObjSym> compileAll(List<GoSource.Package> packages, GoRelease release) {
        return compileAllAny(packages, TypeWriter.checkSupported(release));
    }

    /** {@link #compileAll(List, GoRelease)} for any release with layouts (the fixture tests measure the others). */
    static List<ObjSym> compileAllAny(List<GoSource.Package> packages, GoRelease release) {
        Map<String, ObjSym> all = new java.util.TreeMap<>();
        for (GoSource.Package p : packages) {
            for (ObjSym s : compileAny(p, release)) {
                ObjSym old = all.putIfAbsent(s.name(), s);
                if (old != null && (!java.util.Arrays.equals(old.bytes(), s.bytes()) || !old.relocs().equals(s.relocs()))) {
                    throw new IllegalStateException("packages disagree on " + s.name());
                }
            }
        }
        return List.copyOf(all.values());
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** One symbol as {@code go build -gcflags=-S} prints it: header, hex rows with ASCII, relocations. */
    public static String listing(ObjSym s) {
        StringBuilder b = new StringBuilder();
        b.append(s.name()).append(" SRODATA ").append(s.dupok() ? "dupok " : "").append("size=").append(s.size()).append('\n');
        byte[] d = s.bytes();
        // hex by hand, not String.format per byte: a symbol may be megabytes (a long type name)
        StringBuilder ascii = new StringBuilder(16);
        for (int row = 0; row < d.length; row += 16) {
            String off = Integer.toHexString(row);
            b.append("\t0x").repeat('0', Math.max(0, 4 - off.length())).append(off).append(' ');
            ascii.setLength(0);
            for (int k = 0; k < 16; k++) {
                if (row + k < d.length) {
                    int v = d[row + k] & 0xff;
                    b.append(HEX[v >>> 4]).append(HEX[v & 0xf]).append(' ');
                    ascii.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    b.append("   ");
                }
            }
            b.append(' ').append(ascii).append('\n');
        }
        for (ObjSym.Reloc r : s.relocs()) {
            b.append("\trel ").append(r.off()).append('+').append(r.size()).append(" t=").append(r.kind().t).append(' ')
                    .append(r.target()).append('+').append(r.add()).append('\n');
        }
        return b.toString();
    }
}
