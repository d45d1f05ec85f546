package io.goheap.runtime.types;

/** A Go package: its import path (in symbols and hashes) and its name (in type strings). */
public record Pkg(String path, String name) {
    /** The main package of a module-mode build: path and name both {@code main}. */
    public static final Pkg MAIN = new Pkg("main", "main");
    /** The universe block's pseudo-package: {@code error} lives here (type strings show no qualifier). */
    public static final Pkg BUILTIN = new Pkg("", "");
}
