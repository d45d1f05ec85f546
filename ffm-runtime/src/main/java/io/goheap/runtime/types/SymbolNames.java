package io.goheap.runtime.types;

import io.goheap.runtime.abi.GoRelease;

/**
 * How one release's compiler spells the symbols of the type image. Go 1.19 writes {@code type.main.T},
 * {@code go.itab.*main.T,main.I}, {@code type..namedata.*main.T.} and {@code type..importpath.p.}; from
 * Go 1.21 (1.20 was not measured) the separator after the prefix is a colon: {@code type:main.T},
 * {@code go:itab.*main.T,main.I}, {@code type:.namedata.*main.T.}, {@code type:.importpath.p.}. The
 * symbols of package runtime ({@code runtime.gcbits.*}, {@code runtime.memequal64·f}) keep their dot.
 * Immutable.
 *
 * @param release the compiler's release
 */
public record SymbolNames(GoRelease release) {
    /** The names {@code release}'s compiler writes. @throws NullPointerException if null */
    public SymbolNames {
        java.util.Objects.requireNonNull(release, "release");
    }

    /** The names of {@code release}'s compiler. */
    public static SymbolNames of(GoRelease release) {
        return new SymbolNames(release);
    }

    /** Whether the compiler separates its pseudo-packages with a colon ({@code type:}, {@code go:}): Go 1.20 on. */
    public boolean colon() {
        return release.minor() >= 20;
    }

    /** {@code type.} or {@code type:}: the prefix of every type-descriptor symbol and its helpers. */
    public String typePrefix() {
        return colon() ? "type:" : "type.";
    }

    /** The symbol of the descriptor of the type whose link string is {@code linkString}. */
    public String type(String linkString) {
        return typePrefix() + linkString;
    }

    /** {@code go.itab.} or {@code go:itab.}. */
    public String itabPrefix() {
        return colon() ? "go:itab." : "go.itab.";
    }

    /** The static itab of concrete type {@code typeLink} for interface {@code ifaceLink} (link strings). */
    public String itab(String typeLink, String ifaceLink) {
        return itabPrefix() + typeLink + "," + ifaceLink;
    }

    /** The prefix of the compiler's helper symbols of types: {@code type..} or {@code type:.}. */
    public String helperPrefix() {
        return typePrefix() + ".";
    }

    /**
     * A helper symbol of the compiler's type pseudo-package: {@code helper("eqfunc24")} is
     * {@code type..eqfunc24} in Go 1.19, {@code type:.eqfunc24} from 1.21 (so are {@code eq.T}, {@code hashfunc.T},
     * {@code hash.T}, {@code gcprog.T}, {@code gcmask.T}).
     */
    public String helper(String what) {
        return helperPrefix() + what;
    }

    /** {@code type..namedata.} or {@code type:.namedata.}. */
    public String namedataPrefix() {
        return helperPrefix() + "namedata.";
    }

    /** {@code type..importpath.} or {@code type:.importpath.}. */
    public String importpathPrefix() {
        return helperPrefix() + "importpath.";
    }

    /** Whether {@code sym} is a type descriptor (not a helper such as namedata, an eq func or a GC program). */
    public boolean isType(String sym) {
        return sym.startsWith(typePrefix()) && !sym.startsWith(helperPrefix());
    }

    /** Whether {@code sym} is a static itab. */
    public boolean isItab(String sym) {
        return sym.startsWith(itabPrefix());
    }

    /** Whether {@code sym} is name data (namedata or an import path): byte data the linker does not align. */
    public boolean isNameData(String sym) {
        return sym.startsWith(namedataPrefix()) || sym.startsWith(importpathPrefix());
    }

    /**
     * What follows the prefix of a type symbol: its link string, with {@code noalg.} where the compiler
     * put it. @throws IllegalArgumentException if {@code sym} is not a type symbol of this release
     */
    public String afterTypePrefix(String sym) {
        if (!isType(sym)) {
            throw new IllegalArgumentException(sym + " is not a " + release + " type symbol");
        }
        return sym.substring(typePrefix().length());
    }
}
