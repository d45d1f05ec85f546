package io.goheap.runtime.gosrc;

import io.goheap.runtime.types.GoType;
import io.goheap.runtime.types.Pkg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A front end for the subset of Go that describes types: the package clause; type declarations
 * (defined types over basic types, pointers, arrays, slices, maps, chans, funcs, structs with tags and
 * embedded fields, interfaces with embedded interfaces); method declarations (bodies skipped); plain
 * functions (skipped); and
 * package-level {@code var X I = T{...}} / {@code &T{...}} / {@code T(...)} conversions to an interface
 * type, which give static itabs (a blank {@code var _ I = ...} gives none, as in Go: without side
 * effects the compiler drops it).
 *
 * <p>Array lengths are integer constant expressions over literals and the package's constants
 * ({@code [N*2]T}, {@code [1 << 10]T}, iota), evaluated as Go does ({@link ConstExpr}); a const
 * declaration is kept as tokens until a length uses it.
 *
 * <p>Everything else is refused with {@code file:line:col: unsupported ...} ({@link GoSyntaxException}):
 * imports other than "unsafe", generics, aliases, constants other than integers. The package is compiled in
 * module mode as {@code main} (path and name {@code main}) unless it is not package main, in which case
 * its path is its name.
 */
public final class GoSource {
    /** A compile-time conversion of a concrete type to an interface type, held in variable {@code var}. */
    public record Conversion(String var, GoType concrete, GoType iface) {
    }

    /** The package: its imports, its named types in declaration order and its static conversions. */
    public record Package(Pkg pkg, List<String> imports, List<GoType.Named> types, List<Conversion> conversions) {
    }

    private GoSource() {
    }

    /** Parses one file of a package. @throws GoSyntaxException for anything outside the subset */
    public static Package parse(String file, String src) {
        return parse(Map.of(file, src));
    }

    /**
     * Parses the files of one package (file name to source, in iteration order).
     *
     * @throws GoSyntaxException for anything outside the subset, or files of different packages
     */
    public static Package parse(Map<String, String> files) {
        return parse(files, null, Map.of());
    }

    /**
     * Parses the files of one package whose imports are {@code deps} (by import path).
     *
     * @param path the package's import path, or null to use its name ({@code main} for package main)
     * @throws GoSyntaxException for anything outside the subset, or an import not in {@code deps}
     */
    public static Package parse(Map<String, String> files, String path, Map<String, Package> deps) {
        Parser p = new Parser();
        p.path = path;
        p.deps = deps;
        files.forEach((f, src) -> p.parseFile(f, new Lexer(f, src).tokens()));
        return p.resolve();
    }

    /** The import paths a file names (a cheap scan of its import declarations). */
    static List<String> importsOf(String file, String src) {
        List<Lexer.Token> toks = new Lexer(file, src).tokens();
        List<String> out = new ArrayList<>();
        for (int k = 0; k < toks.size(); k++) {
            if (toks.get(k).is("import")) {
                int j = k + 1;
                boolean group = toks.get(j).is("(");
                if (group) {
                    j++;
                }
                while (j < toks.size()) {
                    Lexer.Token t = toks.get(j);
                    if (t.kind() == Lexer.Kind.STRING) {
                        out.add(t.text().substring(1, t.text().length() - 1));
                        if (!group) {
                            break;
                        }
                    } else if (group && t.is(")")) {
                        break;
                    } else if (!group && t.kind() != Lexer.Kind.IDENT) {
                        break;
                    }
                    j++;
                }
            }
        }
        return out;
    }

    /** A type expression with its position, resolved after all declarations are known. */
    sealed interface TExpr permits TName, TPtr, TFunc, TStruct, TInterface, TSlice, TArray, TChan, TMap {
    }

    record TMap(TExpr key, TExpr elem, Lexer.Token at) implements TExpr {
    }

    record TSlice(TExpr elem) implements TExpr {
    }

    /** {@code [len]elem}: the length is a constant expression, evaluated when the type is resolved. */
    record TArray(ConstExpr.Expr len, TExpr elem, Lexer.Token at) implements TExpr {
    }

    /**
     * A const spec: its names, type tokens (null: untyped), one expression's tokens per name, and iota
     * (the spec's index in its group).
     */
    record ConstSpec(List<Lexer.Token> names, List<Lexer.Token> type, List<List<Lexer.Token>> exprs, int iota) {
    }

    record TChan(int dir, TExpr elem) implements TExpr {
    }

    record TName(String name, Lexer.Token at) implements TExpr {
    }

    record TPtr(TExpr elem) implements TExpr {
    }

    record TParam(String name, TExpr type, boolean variadic) {
    }

    record TFunc(List<TParam> params, List<TParam> results) implements TExpr {
    }

    record TField(String name, TExpr type, boolean embedded, String tag, Lexer.Token at) {
    }

    record TStruct(List<TField> fields) implements TExpr {
    }

    record TMethodSpec(String name, TFunc sig, Lexer.Token at) {
    }

    record TInterface(List<TMethodSpec> methods, List<TName> embedded) implements TExpr {
    }

    static final class Parser {
        private String file;
        private List<Lexer.Token> toks;
        private int i;
        /** the import path (null: the package name) and the packages it may import, by path */
        String path;
        Map<String, Package> deps = Map.of();
        /** imported packages by the name this file refers to them with */
        private final Map<String, Package> importedAs = new LinkedHashMap<>();
        private Pkg pkg;
        private final Map<String, TExpr> typeDecls = new LinkedHashMap<>();
        private final Map<String, ConstSpec> consts = new LinkedHashMap<>();
        /** the package's variables and functions: names an array length may not use */
        private final java.util.Set<String> values = new java.util.HashSet<>();
        /** constants evaluated so far, and those being evaluated (a cycle is Go's initialization loop) */
        private final Map<String, ConstExpr.Value> constValues = new java.util.HashMap<>();
        private final java.util.Set<String> constInProgress = new java.util.LinkedHashSet<>();
        private final Map<String, Lexer.Token> typeAt = new LinkedHashMap<>();
        private final List<Object[]> methodDecls = new ArrayList<>(); // {recvType, pointer, name, TFunc, token}
        private final List<Object[]> varDecls = new ArrayList<>();    // {name, TExpr type, concrete TExpr, pointer, token}
        private final Map<String, GoType.Named> named = new LinkedHashMap<>();
        private final List<String> imports = new ArrayList<>();
        private final Map<TExpr, GoType> resolving = new java.util.IdentityHashMap<>();

        void parseFile(String f, List<Lexer.Token> tokens) {
            this.file = f;
            this.toks = tokens;
            this.i = 0;
            expect("package");
            Lexer.Token at = peek();
            String name = ident();
            Pkg p = name.equals("main") ? Pkg.MAIN : new Pkg(path != null ? path : name, name);
            if (pkg != null && !pkg.equals(p)) {
                throw error(at, "package " + name + "; expected " + pkg.name());
            }
            pkg = p;
            semi();
            while (!peek().kind().equals(Lexer.Kind.EOF)) {
                Lexer.Token t = peek();
                if (t.is("import")) {
                    next();
                    group(this::importSpec);
                } else if (t.is("type")) {
                    next();
                    group(this::typeSpec);
                } else if (t.is("func")) {
                    funcDecl();
                } else if (t.is("var")) {
                    next();
                    group(this::varSpec);
                } else if (t.is("const")) {
                    next();
                    constDecl();
                } else {
                    throw error(t, "unexpected " + show(t) + " at package level");
                }
                semi();
            }
        }

        // ---- declarations ----

        private void group(Runnable spec) {
            if (peek().is("(")) {
                next();
                while (!peek().is(")")) {
                    spec.run();
                    if (!peek().is(")")) {
                        semi();
                    }
                }
                next();
            } else {
                spec.run();
            }
        }

        /**
         * {@code import "path"} or {@code import name "path"}: "unsafe" (for unsafe.Pointer), or a package
         * given in {@code deps} (the other packages of the module); anything else is refused.
         */
        private void importSpec() {
            String alias = null;
            if (peek().kind() == Lexer.Kind.IDENT) {
                alias = ident();
            }
            Lexer.Token at = peek();
            if (at.kind() != Lexer.Kind.STRING) {
                throw error(at, "expected import path, found " + show(at));
            }
            String ip = unquote(at);
            next();
            if (!ip.equals("unsafe")) {
                Package dep = deps.get(ip);
                if (dep == null) {
                    throw unsupported(at, "import \"" + ip + "\" (only unsafe and the packages of the module being read)");
                }
                importedAs.put(alias != null ? alias : dep.pkg().name(), dep);
            }
            if (!imports.contains(ip)) {
                imports.add(ip);
            }
        }

        /**
         * A const declaration, one spec or a group. Only the tokens are kept: a constant is evaluated when
         * an array length needs it, so constants goheap cannot evaluate (strings, floats, calls) do no
         * harm unless used there. In a group, a spec without {@code = ...} repeats the previous spec's
         * type and expressions with its own iota, as in Go.
         */
        private void constDecl() {
            if (!peek().is("(")) {
                constSpec(0, null);
                return;
            }
            next();
            ConstSpec previous = null;
            for (int iota = 0; !peek().is(")"); iota++) {
                previous = constSpec(iota, previous);
                if (!peek().is(")")) {
                    semi();
                }
            }
            next();
        }

        /** {@code IdentifierList}: one or more identifiers separated by commas; their tokens. */
        private List<Lexer.Token> identList() {
            List<Lexer.Token> names = new ArrayList<>();
            names.add(peek());
            ident();
            while (peek().is(",")) {
                next();
                names.add(peek());
                ident();
            }
            return names;
        }

        /** One const spec; {@code previous} is the spec it repeats when it has no expressions. */
        private ConstSpec constSpec(int iota, ConstSpec previous) {
            List<Lexer.Token> names = identList();
            List<Lexer.Token> type = null;
            if (!peek().is("=") && !endOfSpec()) {
                type = new ArrayList<>();
                while (!peek().is("=") && !endOfSpec()) {
                    type.add(next());
                }
            }
            List<List<Lexer.Token>> exprs;
            if (peek().is("=")) {
                next();
                exprs = new ArrayList<>();
                List<Lexer.Token> cur = new ArrayList<>();
                int nest = 0;
                while (nest > 0 || !endOfSpec()) {
                    Lexer.Token t = next();
                    if (t.kind() == Lexer.Kind.EOF) {
                        break;
                    }
                    if (t.is("(") || t.is("[") || t.is("{")) {
                        nest++;
                    } else if (t.is(")") || t.is("]") || t.is("}")) {
                        nest--;
                    }
                    if (nest == 0 && t.is(",")) {
                        exprs.add(cur);
                        cur = new ArrayList<>();
                    } else {
                        cur.add(t);
                    }
                }
                exprs.add(cur);
            } else if (type == null && previous != null) {
                type = previous.type();
                exprs = previous.exprs();
            } else {
                exprs = List.of(); // Go: missing init expr (reported if the constant is used)
            }
            ConstSpec spec = new ConstSpec(names, type, exprs, iota);
            for (Lexer.Token n : names) {
                if (n.text().equals("_")) {
                    continue;
                }
                if (consts.containsKey(n.text())) {
                    throw error(n, n.text() + " redeclared in this block");
                }
                consts.put(n.text(), spec);
            }
            return spec;
        }

        private boolean endOfSpec() {
            Lexer.Token t = peek();
            return t.kind() == Lexer.Kind.SEMI || t.kind() == Lexer.Kind.EOF || t.is(")");
        }

        private void typeSpec() {
            Lexer.Token at = peek();
            String name = ident();
            if (peek().is("[") && typeParams()) {
                throw unsupported(peek(), "generic type " + name);
            }
            if (peek().is("=")) {
                throw unsupported(peek(), "type alias " + name);
            }
            if (typeDecls.containsKey(name)) {
                throw error(at, name + " redeclared in this block");
            }
            typeDecls.put(name, type());
            typeAt.put(name, at);
        }

        /**
         * At {@code [} after a declared type's name: whether a type parameter list follows rather than an
         * array length, by go/parser's rule. A name followed by anything but {@code ]} ({@code [P any]},
         * {@code [P interface{...}]}, {@code [P []int]}), or {@code name * X} followed by a comma, starts
         * type parameters; anything else ({@code [N]}, {@code [N*2]}, {@code [1 << 40]}) is an array.
         */
        private boolean typeParams() {
            if (peekAt(1).kind() != Lexer.Kind.IDENT) {
                return false;
            }
            if (peekAt(2).is("[")) {
                return true;
            }
            ConstExpr.Parser p = new ConstExpr.Parser(toks, i + 1);
            ConstExpr.Expr x;
            try {
                x = p.expr();
            } catch (GoSyntaxException e) {
                return false; // not an expression either: parsed as an array, the length reports it
            }
            Lexer.Token after = p.peek();
            if (x instanceof ConstExpr.Name) {
                return !after.is("]");
            }
            return x instanceof ConstExpr.Binary b && b.op().is("*") && b.x() instanceof ConstExpr.Name && after.is(",");
        }

        private void funcDecl() {
            Lexer.Token at = expect("func");
            if (peek().is("(")) {
                next();
                if (peek().kind() == Lexer.Kind.IDENT && !peekAt(1).is(")")) {
                    next(); // receiver name
                }
                boolean pointer = false;
                if (peek().is("*")) {
                    next();
                    pointer = true;
                }
                Lexer.Token recvAt = peek();
                String recv = ident();
                if (peek().is("[")) {
                    throw unsupported(peek(), "generic receiver");
                }
                expect(")");
                Lexer.Token nameAt = peek();
                String name = ident();
                TFunc sig = signature();
                methodDecls.add(new Object[] {recv, pointer, name, sig, nameAt, recvAt});
            } else {
                values.add(ident());
                if (peek().is("[")) {
                    throw unsupported(peek(), "generic function");
                }
                signature();
            }
            if (peek().is("{")) {
                skipBalanced();
            }
            if (at == null) {
                throw new IllegalStateException();
            }
        }

        private void varSpec() {
            Lexer.Token at = peek();
            String name = ident();
            values.add(name);
            if (peek().is(",")) {
                throw unsupported(peek(), "several variables in one var spec");
            }
            TExpr type = null;
            if (!peek().is("=") && !peek().kind().equals(Lexer.Kind.SEMI) && !peek().is(")")) {
                type = type();
            }
            if (!peek().is("=")) {
                return;
            }
            next();
            boolean pointer = false;
            if (peek().is("&")) {
                next();
                pointer = true;
            }
            TExpr concrete = null;
            if (peek().is("new") && peekAt(1).is("(")) {
                next();
                next();
                concrete = new TPtr(type()); // new(T) is a *T
                expect(")");
            } else if (peek().kind() == Lexer.Kind.IDENT && (peekAt(1).is("{") || peekAt(1).is("("))) {
                concrete = new TName(peek().text(), peek());
                next();
                skipBalanced();
            } else if (type != null) {
                throw unsupported(peek(), "initializer of " + name + " (write T{...}, &T{...} or T(...))");
            }
            skipToEndOfSpec();
            if (type != null && concrete != null) {
                varDecls.add(new Object[] {name, type, concrete, pointer, at});
            }
        }

        // ---- types ----

        private int depth;

        TExpr type() {
            if (++depth > 200) {
                throw error(peek(), "type nesting too deep (more than 200 levels)");
            }
            try {
                return type0();
            } finally {
                depth--;
            }
        }

        private TExpr type0() {
            Lexer.Token t = peek();
            if (t.is("*")) {
                next();
                return new TPtr(type());
            }
            if (t.is("(")) {
                next();
                TExpr e = type();
                expect(")");
                return e;
            }
            if (t.is("func")) {
                next();
                return signature();
            }
            if (t.is("struct")) {
                next();
                return struct();
            }
            if (t.is("interface")) {
                next();
                return iface();
            }
            if (t.is("[")) {
                next();
                if (peek().is("]")) {
                    next();
                    return new TSlice(type());
                }
                if (peek().is("...")) {
                    throw error(peek(), "invalid use of [...] array (outside a composite literal)");
                }
                ConstExpr.Parser lp = new ConstExpr.Parser(toks, i);
                ConstExpr.Expr len = lp.expr();
                i = lp.pos;
                if (!peek().is("]")) {
                    throw error(peek(), "array length " + ConstExpr.render(len) + ": expected ], found " + show(peek()));
                }
                next();
                return new TArray(len, type(), t);
            }
            if (t.is("map")) {
                next();
                expect("[");
                TExpr k = type();
                expect("]");
                return new TMap(k, type(), t);
            }
            if (t.is("<-")) {
                next();
                expect("chan");
                return new TChan(GoType.Chan.RECV, type());
            }
            if (t.is("chan")) {
                next();
                if (peek().is("<-")) {
                    next();
                    return new TChan(GoType.Chan.SEND, type());
                }
                return new TChan(GoType.Chan.BOTH, type());
            }
            if (t.kind() == Lexer.Kind.IDENT) {
                next();
                if (peek().is(".")) {
                    next();
                    String sel = ident();
                    if (t.text().equals("unsafe") && sel.equals("Pointer")) {
                        return new TName("unsafe.Pointer", t);
                    }
                    if (!importedAs.containsKey(t.text())) {
                        throw error(t, "undefined: " + t.text());
                    }
                    return new TName(t.text() + "." + sel, t);
                }
                if (peek().is("[")) {
                    throw unsupported(peek(), "generic type instantiation");
                }
                return new TName(t.text(), t);
            }
            throw error(t, "expected type, found " + show(t));
        }

        private TFunc signature() {
            List<TParam> params = params();
            List<TParam> results = List.of();
            if (peek().is("(")) {
                results = params();
            } else if (startsType(peek())) {
                results = List.of(new TParam("", type(), false));
            }
            return new TFunc(params, results);
        }

        private boolean startsType(Lexer.Token t) {
            return t.kind() == Lexer.Kind.IDENT || t.is("*") || t.is("[") || t.is("<-");
        }

        /** A parameter list: either all named ({@code a, b int}) or all types ({@code int, string}). */
        private List<TParam> params() {
            expect("(");
            List<Object[]> items = new ArrayList<>(); // {name or null, type or null, variadic}
            while (!peek().is(")")) {
                String nm = null;
                if (peek().kind() == Lexer.Kind.IDENT && !peek().is("func") && !peek().is("struct") && !peek().is("interface")
                        && !peek().is("map") && !peek().is("chan") && !peekAt(1).is(",") && !peekAt(1).is(")") && !peekAt(1).is(".")) {
                    nm = ident();
                }
                boolean variadic = false;
                if (peek().is("...")) {
                    next();
                    variadic = true;
                }
                TExpr pt = type();
                items.add(new Object[] {nm, variadic ? new TSlice(pt) : pt, variadic});
                if (!peek().is(")")) {
                    expect(",");
                }
            }
            next();
            boolean anyNamed = items.stream().anyMatch(x -> x[0] != null);
            List<TParam> out = new ArrayList<>();
            if (!anyNamed) {
                for (Object[] x : items) {
                    out.add(new TParam("", (TExpr) x[1], (Boolean) x[2]));
                }
                return out;
            }
            // grouped names: a lone identifier "a" in "a, b int" was parsed as a type name
            List<String> pending = new ArrayList<>();
            for (Object[] x : items) {
                if (x[0] == null) {
                    if (!(x[1] instanceof TName n)) {
                        throw error(peek(), "mixed named and unnamed parameters");
                    }
                    pending.add(n.name());
                } else {
                    for (String p : pending) {
                        out.add(new TParam(p, (TExpr) x[1], (Boolean) x[2]));
                    }
                    pending.clear();
                    out.add(new TParam((String) x[0], (TExpr) x[1], (Boolean) x[2]));
                }
            }
            if (!pending.isEmpty()) {
                throw error(peek(), "mixed named and unnamed parameters");
            }
            return out;
        }

        private TStruct struct() {
            expect("{");
            List<TField> fields = new ArrayList<>();
            while (!peek().is("}")) {
                Lexer.Token at = peek();
                if (peek().is("*") || (peek().kind() == Lexer.Kind.IDENT && (peekAt(1).kind() == Lexer.Kind.SEMI
                        || peekAt(1).kind() == Lexer.Kind.STRING || peekAt(1).is("}") || peekAt(1).is(".")))) {
                    TExpr t = type(); // embedded field: T, *T, pkg.T or *pkg.T
                    TExpr base = t instanceof TPtr p ? p.elem() : t;
                    if (!(base instanceof TName bn) || bn.name().equals("unsafe.Pointer")) {
                        throw error(at, "embedded field type must be a type name");
                    }
                    String nm = bn.name();
                    fields.add(new TField(nm.contains(".") ? nm.substring(nm.indexOf('.') + 1) : nm, t, true, tag(), at));
                } else {
                    List<Lexer.Token> names = identList();
                    TExpr t = type();
                    String tag = tag();
                    for (Lexer.Token n : names) {
                        fields.add(new TField(n.text(), t, false, tag, n));
                    }
                }
                if (!peek().is("}")) {
                    semi();
                }
            }
            next();
            return new TStruct(fields);
        }

        private String tag() {
            if (peek().kind() != Lexer.Kind.STRING) {
                return "";
            }
            return unquote(next());
        }

        private TInterface iface() {
            expect("{");
            List<TMethodSpec> methods = new ArrayList<>();
            List<TName> embedded = new ArrayList<>();
            while (!peek().is("}")) {
                Lexer.Token at = peek();
                if (peek().kind() == Lexer.Kind.IDENT && peekAt(1).is("(")) {
                    String nm = ident();
                    methods.add(new TMethodSpec(nm, signature(), at));
                } else if (peek().kind() == Lexer.Kind.IDENT && (peekAt(1).kind() == Lexer.Kind.SEMI || peekAt(1).is("}"))) {
                    embedded.add(new TName(ident(), at));
                } else if (peek().kind() == Lexer.Kind.IDENT && peekAt(1).is(".") && peekAt(2).kind() == Lexer.Kind.IDENT
                        && (peekAt(3).kind() == Lexer.Kind.SEMI || peekAt(3).is("}"))) {
                    embedded.add((TName) type());
                } else {
                    throw unsupported(at, "interface element " + show(at) + " (type sets and constraints)");
                }
                if (!peek().is("}")) {
                    semi();
                }
            }
            next();
            return new TInterface(methods, embedded);
        }

        // ---- resolution ----

        /** 1 while a declared type's underlying type is being resolved, 2 once it is */
        private final Map<String, Integer> state = new java.util.HashMap<>();

        /**
         * Resolves the underlying type of declared type {@code name} (forward references allowed). Its
         * size must be known where a value of it is embedded (struct field, array element), so meeting it
         * again while it is in progress is Go's "invalid recursive type".
         */
        private void ensure(String name, Lexer.Token at) {
            int st = state.getOrDefault(name, 0);
            if (st == 2) {
                return;
            }
            if (st == 1) {
                throw error(at, "invalid recursive type " + name);
            }
            state.put(name, 1);
            Lexer.Token declAt = typeAt.get(name);
            try {
                named.get(name).underlying(resolveType(typeDecls.get(name), name));
            } catch (UnsupportedOperationException e) {
                throw error(declAt, "unsupported: " + e.getMessage());
            } catch (IllegalArgumentException | ArithmeticException | IllegalStateException e) {
                throw error(declAt, e.getMessage());
            }
            state.put(name, 2);
        }

        Package resolve() {
            for (Map.Entry<String, TExpr> e : typeDecls.entrySet()) {
                named.put(e.getKey(), new GoType.Named(pkg, e.getKey()));
            }
            for (String name : typeDecls.keySet()) {
                ensure(name, typeAt.get(name));
            }
            // per receiver: the names taken by its methods and fields (a set each, not a scan per method)
            Map<String, java.util.Set<String>> taken = new java.util.HashMap<>();
            Map<String, java.util.Set<String>> fieldNames = new java.util.HashMap<>();
            for (Object[] m : methodDecls) {
                String recv = (String) m[0];
                GoType.Named n = named.get(recv);
                Lexer.Token recvAt = (Lexer.Token) m[5];
                if (n == null) {
                    throw error(recvAt, "undefined: " + recv);
                }
                if (n.underlying() instanceof GoType.Interface || n.underlying() instanceof GoType.Pointer) {
                    throw error(recvAt, "invalid receiver type " + recv);
                }
                String name = (String) m[2];
                if (!taken.computeIfAbsent(recv, k -> new java.util.HashSet<>()).add(name)) {
                    throw error((Lexer.Token) m[4], "method " + recv + "." + name + " already declared");
                }
                if (n.underlying() instanceof GoType.Struct st && fieldNames.computeIfAbsent(recv, k -> {
                    java.util.Set<String> fs = new java.util.HashSet<>();
                    st.fields().forEach(f -> fs.add(f.name()));
                    return fs;
                }).contains(name)) {
                    throw error((Lexer.Token) m[4], "field and method with the same name " + name);
                }
                n.method(name, (GoType.Func) resolveType((TFunc) m[3], null), (Boolean) m[1]);
            }
            // one writer for every check: a type already written is not written again for the next one
            io.goheap.runtime.types.TypeWriter checker = new io.goheap.runtime.types.TypeWriter(pkg);
            for (GoType.Named n : named.values()) {
                try {
                    // lay the type out once: what the writer cannot do is reported at the declaration
                    checker.writeType(n);
                } catch (UnsupportedOperationException e) {
                    throw error(typeAt.get(n.name()), "unsupported: " + e.getMessage());
                } catch (ArithmeticException e) {
                    throw error(typeAt.get(n.name()), "type too large: " + e.getMessage());
                }
            }
            List<Conversion> convs = new ArrayList<>();
            for (Object[] v : varDecls) {
                String var = (String) v[0];
                GoType target = resolveType((TExpr) v[1], null);
                if (!(target.underlying() instanceof GoType.Interface it) || it.methods().isEmpty() || var.equals("_")) {
                    continue; // no itab: not a non-empty interface, or a blank var the compiler drops
                }
                GoType concrete = resolveType((TExpr) v[2], null);
                if (concrete.underlying() instanceof GoType.Interface) {
                    continue; // an interface-to-interface conversion makes no static itab
                }
                if ((Boolean) v[3]) {
                    concrete = new GoType.Pointer(concrete);
                }
                try {
                    checker.writeItab(concrete, target); // does concrete implement it?
                } catch (IllegalArgumentException | UnsupportedOperationException e) {
                    throw error((Lexer.Token) v[4], "cannot use " + concrete + " as " + target + " in " + var + ": " + e.getMessage());
                }
                convs.add(new Conversion(var, concrete, target));
            }
            return new Package(pkg, List.copyOf(imports), List.copyOf(named.values()), convs);
        }

        /** marker for resolveType: the type's size is needed (its named types must be resolved first) */
        private static final String SIZED = "";

        private GoType resolveType(TExpr e, String declaring) {
            if (e instanceof TName n) {
                GoType.Named d = named.get(n.name());
                if (d != null) {
                    if (declaring != null) {
                        ensure(n.name(), n.at()); // its size is needed here (field, element, map key, embedded interface)
                    }
                    return d;
                }
                int dot = n.name().indexOf('.');
                if (dot > 0 && importedAs.containsKey(n.name().substring(0, dot))) {
                    String sel = n.name().substring(dot + 1);
                    Package dep = importedAs.get(n.name().substring(0, dot));
                    return dep.types().stream().filter(x -> x.name().equals(sel)).findFirst()
                            .filter(x -> Character.isUpperCase(sel.codePointAt(0)))
                            .orElseThrow(() -> error(n.at(), "undefined: " + n.name()));
                }
                if (n.name().equals("error")) {
                    return GoType.Named.universeError();
                }
                if (n.name().equals("any")) {
                    return new GoType.Interface(List.of());
                }
                try {
                    return GoType.Basic.of(n.name());
                } catch (IllegalArgumentException x) {
                    throw error(n.at(), "undefined: " + n.name());
                }
            }
            if (e instanceof TPtr p) {
                return new GoType.Pointer(resolveType(p.elem(), null)); // a pointer needs no size of its elem
            }
            if (e instanceof TFunc f) {
                List<GoType> ps = new ArrayList<>();
                boolean variadic = false;
                for (int k = 0; k < f.params().size(); k++) {
                    TParam x = f.params().get(k);
                    if (x.variadic() && k != f.params().size() - 1) {
                        throw unsupported(peek(), "... on a parameter that is not the last");
                    }
                    variadic |= x.variadic();
                    ps.add(resolveType(x.type(), null));
                }
                List<GoType> rs = new ArrayList<>();
                for (TParam x : f.results()) {
                    rs.add(resolveType(x.type(), null));
                }
                return new GoType.Func(ps, rs, variadic);
            }
            if (e instanceof TSlice sl) {
                return new GoType.Slice(resolveType(sl.elem(), null));
            }
            if (e instanceof TArray ar) {
                long len = arrayLength(ar.len());
                GoType elem = resolveType(ar.elem(), SIZED);
                try {
                    return new GoType.Array(elem, len);
                } catch (ArithmeticException | IllegalArgumentException x) {
                    throw error(ar.at(), x.getMessage());
                } catch (UnsupportedOperationException x) {
                    throw error(ar.at(), "unsupported: " + x.getMessage());
                }
            }
            if (e instanceof TChan ch) {
                return new GoType.Chan(resolveType(ch.elem(), null), ch.dir());
            }
            if (e instanceof TMap mp) {
                try {
                    return new GoType.MapType(resolveType(mp.key(), SIZED), resolveType(mp.elem(), null));
                } catch (IllegalArgumentException x) {
                    throw error(mp.at(), x.getMessage());
                }
            }
            if (e instanceof TStruct s) {
                List<GoType.Field> fs = new ArrayList<>();
                java.util.Set<String> names = new java.util.HashSet<>();
                for (TField f : s.fields()) {
                    if (!f.name().equals("_") && !names.add(f.name())) {
                        throw error(f.at(), "duplicate field " + f.name());
                    }
                    GoType ft = resolveType(f.type(), SIZED);
                    fs.add(new GoType.Field(f.name(), ft, f.embedded(), f.tag(), pkg));
                }
                try {
                    return new GoType.Struct(fs);
                } catch (ArithmeticException x) {
                    throw error(s.fields().isEmpty() ? peek() : s.fields().getFirst().at(), "type too large");
                }
            }
            TInterface i = (TInterface) e;
            Map<String, GoType.IMethod> ms = new LinkedHashMap<>();
            for (TMethodSpec m : i.methods()) {
                if (ms.put(m.name(), new GoType.IMethod(m.name(), (GoType.Func) resolveType(m.sig(), null), pkg)) != null) {
                    throw error(m.at(), "duplicate method " + m.name());
                }
            }
            for (TName emb : i.embedded()) {
                GoType t = resolveType(emb, SIZED);
                if (!(t.underlying() instanceof GoType.Interface ei)) {
                    throw error(emb.at(), emb.name() + " is not an interface");
                }
                for (GoType.IMethod m : ei.methods()) {
                    GoType.IMethod old = ms.putIfAbsent(m.name(), m);
                    if (old != null && !old.sig().equals(m.sig())) {
                        throw error(emb.at(), "duplicate method " + m.name());
                    }
                }
            }
            return new GoType.Interface(List.copyOf(ms.values()));
        }

        // ---- constants ----

        /** The value of an array length: a constant expression that fits an int and is not negative. */
        private long arrayLength(ConstExpr.Expr len) {
            String shown = ConstExpr.render(len);
            ConstExpr.Value v;
            try {
                v = ConstExpr.eval(len, n -> constant(n, null));
            } catch (ConstExpr.EvalException x) {
                throw error(x.at, "array length " + shown + ": " + x.getMessage());
            }
            if (v.v().signum() < 0) {
                throw error(len.at(), "array length " + shown + ": invalid array length " + v.v() + " (negative)");
            }
            if (v.v().bitLength() > Long.SIZE - 1) {
                throw error(len.at(), "array length " + shown + ": " + v.v() + " overflows int");
            }
            return v.v().longValueExact();
        }

        /** The most constants one evaluation may pass through (each naming the next). */
        private static final int MAX_CONST_CHAIN = 1000;

        /**
         * The value of name {@code n} in a constant expression: {@code iota} (inside a const spec whose
         * iota is {@code iota}), or a constant of the package, evaluated once.
         */
        private ConstExpr.Value constant(ConstExpr.Name n, Integer iota) {
            String name = n.at().text();
            if (name.equals("iota")) {
                if (iota == null) {
                    throw new ConstExpr.EvalException(n.at(), "cannot use iota outside constant declaration");
                }
                return ConstExpr.Value.untyped(java.math.BigInteger.valueOf(iota));
            }
            ConstSpec c = consts.get(name);
            if (c == null) {
                if (name.equals("true") || name.equals("false")) {
                    throw new ConstExpr.EvalException(n.at(), "unsupported: boolean constant " + name);
                }
                if (typeDecls.containsKey(name) || isPredeclaredType(name)) {
                    throw new ConstExpr.EvalException(n.at(), name + " (type) is not an expression");
                }
                throw new ConstExpr.EvalException(n.at(), values.contains(name) || name.equals("nil") ? name + " is not a constant"
                        : "undefined: " + name);
            }
            ConstExpr.Value known = constValues.get(name);
            if (known != null) {
                return known;
            }
            Lexer.Token decl = c.names().stream().filter(x -> x.text().equals(name)).findFirst().orElseThrow();
            if (constInProgress.contains(name)) {
                throw new ConstExpr.EvalException(decl, "initialization loop for " + name);
            }
            if (constInProgress.size() >= MAX_CONST_CHAIN) {
                throw new ConstExpr.EvalException(decl, "constant " + name + ": more than " + MAX_CONST_CHAIN + " constants each defined by the next");
            }
            constInProgress.add(name);
            try {
                int k = c.names().indexOf(decl);
                if (k >= c.exprs().size()) {
                    throw new ConstExpr.EvalException(decl, "missing init expr for " + name);
                }
                List<Lexer.Token> ts = new ArrayList<>(c.exprs().get(k));
                Lexer.Token last = ts.isEmpty() ? decl : ts.getLast();
                ts.add(new Lexer.Token(Lexer.Kind.EOF, "", last.line(), last.col() + last.text().length(), last.file()));
                ConstExpr.Parser p = new ConstExpr.Parser(ts, 0);
                ConstExpr.Expr x = p.expr();
                if (p.peek().kind() != Lexer.Kind.EOF) {
                    throw new ConstExpr.EvalException(p.peek(), "unsupported: " + show(p.peek()) + " in constant " + name);
                }
                ConstExpr.Value v = ConstExpr.eval(x, m -> constant(m, c.iota()));
                if (c.type() != null) {
                    v = typed(c.type(), v, name, decl);
                }
                constValues.put(name, v);
                return v;
            } finally {
                constInProgress.remove(name);
            }
        }

        private static boolean isPredeclaredType(String name) {
            try {
                GoType.Basic.of(name);
                return true;
            } catch (IllegalArgumentException e) {
                return name.equals("error") || name.equals("any");
            }
        }

        /**
         * {@code v} as a constant of the declared type {@code type}: a predeclared integer type, or a type
         * of this package defined as one ({@code type Size int}).
         */
        private ConstExpr.Value typed(List<Lexer.Token> type, ConstExpr.Value v, String name, Lexer.Token decl) {
            String shown = type.stream().map(Lexer.Token::text).collect(java.util.stream.Collectors.joining());
            String base = null;
            if (type.size() == 1 && type.getFirst().kind() == Lexer.Kind.IDENT) {
                String t = type.getFirst().text();
                java.util.Set<String> seen = new java.util.HashSet<>();
                while (ConstExpr.range(t) == null && typeDecls.get(t) instanceof TName tn && seen.add(t)) {
                    t = tn.name(); // type Size int: Size's constants have int's range
                }
                if (ConstExpr.range(t) != null) {
                    base = t;
                }
                if (typeDecls.containsKey(type.getFirst().text())) {
                    shown = pkg.name() + "." + shown;
                }
            }
            if (base == null) {
                throw new ConstExpr.EvalException(type.getFirst(), "unsupported: constant " + name + " of type " + shown
                        + " (goheap evaluates integer constants only)");
            }
            if (v.type() != null && !v.type().equals(shown)) {
                throw new ConstExpr.EvalException(decl, "cannot use " + v.type() + " constant as " + shown + " value in " + name);
            }
            return ConstExpr.check(decl, name, v.v(), new ConstExpr.Value(v.v(), shown, base));
        }

        // ---- token helpers ----

        private Lexer.Token peek() {
            return toks.get(i);
        }

        private Lexer.Token peekAt(int k) {
            return toks.get(Math.min(i + k, toks.size() - 1));
        }

        private Lexer.Token next() {
            Lexer.Token t = toks.get(i);
            if (t.kind() != Lexer.Kind.EOF) {
                i++;
            }
            return t;
        }

        private Lexer.Token expect(String s) {
            Lexer.Token t = peek();
            if (!t.is(s)) {
                throw error(t, "expected " + s + ", found " + show(t));
            }
            return next();
        }

        private String ident() {
            Lexer.Token t = peek();
            if (t.kind() != Lexer.Kind.IDENT) {
                throw error(t, "expected name, found " + show(t));
            }
            next();
            return t.text();
        }

        private void semi() {
            Lexer.Token t = peek();
            if (t.kind() == Lexer.Kind.SEMI) {
                next();
            } else if (t.kind() != Lexer.Kind.EOF && !t.is(")") && !t.is("}")) {
                throw error(t, "expected ; or newline, found " + show(t));
            }
        }

        private void skipBalanced() {
            Lexer.Token open = next();
            String close = open.is("{") ? "}" : open.is("(") ? ")" : "]";
            int depth = 1;
            while (depth > 0) {
                Lexer.Token t = next();
                if (t.kind() == Lexer.Kind.EOF) {
                    throw error(open, "unclosed " + open.text());
                }
                if (t.is(open.text())) {
                    depth++;
                } else if (t.is(close)) {
                    depth--;
                }
            }
        }

        private void skipToEndOfSpec() {
            while (peek().kind() != Lexer.Kind.SEMI && !peek().is(")") && peek().kind() != Lexer.Kind.EOF) {
                if (peek().is("(") || peek().is("{") || peek().is("[")) {
                    skipBalanced();
                } else {
                    next();
                }
            }
        }

        private String unquote(Lexer.Token t) {
            String s = t.text();
            if (s.startsWith("`")) {
                return s.substring(1, s.length() - 1);
            }
            StringBuilder b = new StringBuilder();
            for (int k = 1; k < s.length() - 1; k++) {
                char c = s.charAt(k);
                if (c == '\\') {
                    char d = s.charAt(++k);
                    switch (d) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case '\\', '"', '\'' -> b.append(d);
                        default -> throw unsupported(t, "escape \\" + d + " in a string literal");
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private static String show(Lexer.Token t) {
            return switch (t.kind()) {
                case EOF -> "EOF";
                case SEMI -> "newline";
                default -> "'" + t.text() + "'";
            };
        }

        private GoSyntaxException error(Lexer.Token t, String msg) {
            return new GoSyntaxException(t.file(), t.line(), t.col(), msg);
        }

        private GoSyntaxException unsupported(Lexer.Token t, String what) {
            return error(t, "unsupported: " + what);
        }
    }
}
