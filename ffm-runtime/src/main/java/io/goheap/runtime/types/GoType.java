package io.goheap.runtime.types;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.Kinds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Go types as cmd/compile sees them when it writes type descriptors: predeclared basic types, named
 * types with methods, pointers, funcs, structs and interfaces. Each knows its size, alignment,
 * pointer prefix ({@code ptrdata}), pointer bitmap, kind, string and link string, with Go 1.19's
 * rules for linux/amd64.
 *
 * <p>Two types are the same type when their link strings are equal (the compiler's type symbols are
 * named by them), which is how {@link TypeWriter} deduplicates.
 */
public abstract sealed class GoType permits GoType.Basic, GoType.Named, GoType.Pointer, GoType.Func, GoType.Struct,
        GoType.Interface, GoType.Slice, GoType.Array, GoType.Chan, GoType.MapType {
    static final int PTR = Abi.PTR_SIZE;

    /** Only the nested kinds extend it. */
    GoType() {
    }
    /**
     * cmd/compile's MaxWidth on amd64, 1<<50: an array's length may be at most (MaxWidth-1)/elemSize
     * ("larger than address space"), a struct's fields must end below it ("too large").
     */
    static final long MAX_SIZE = 1L << 50;

    /** Bytes of a value. */
    public abstract long size();

    /** Alignment of a value (and as a field: they are equal on amd64). */
    public abstract int align();

    /** Bytes of the prefix that can hold pointers (0 for pointer-free types). */
    public abstract long ptrdata();

    /** Marks in {@code bits} (one per word from {@code word}) the words of a value that hold pointers. */
    abstract void pointerWords(boolean[] bits, int word);

    /** The kind, GO_KIND_*. */
    public abstract int kind();

    /** The type as Go prints it, package names as qualifiers ({@code main.data}, {@code func() int}). */
    public abstract String string();

    /** The type's identity string, package paths as qualifiers: what type symbols and hashes use. */
    public abstract String linkString();

    /** Whether a value fits the interface data word directly (pointer-shaped). */
    public boolean directIface() {
        return false;
    }

    /** compare.IsRegularMemory: == and hash may treat the value as size bytes. */
    public abstract boolean regularMemory();

    /** Whether values can be compared with == (funcs cannot). */
    public abstract boolean comparable();

    /** The type underneath a name (itself for unnamed types). */
    public GoType underlying() {
        return this;
    }

    /** The compiler's symbol for the descriptor: {@code type.} + link string (+ {@code noalg.} for noalg types). */
    public String symbol() {
        return "type." + linkString();
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof GoType t && t.symbol().equals(symbol());
    }

    @Override
    public final int hashCode() {
        return symbol().hashCode();
    }

    @Override
    public String toString() {
        return string();
    }

    /** {@code []elem}: a 24-byte header whose first word points at the elements. */
    public static final class Slice extends GoType {
        private final GoType elem;

        /** {@code []elem}. */
        public Slice(GoType elem) {
            this.elem = elem;
        }

        /** The element type. */
        public GoType elem() { return elem; }

        @Override public long size() { return 3L * PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return PTR; }
        @Override void pointerWords(boolean[] bits, int word) { bits[word] = true; }
        @Override public int kind() { return Kinds.SLICE; }
        @Override public String string() { return "[]" + elem.string(); }
        @Override public String linkString() { return "[]" + elem.linkString(); }
        @Override public boolean regularMemory() { return false; }
        @Override public boolean comparable() { return false; }
    }

    /** {@code [len]elem}; a noalg array (a map bucket's keys/elems) has no equality and links as {@code noalg.[N]T}. */
    public static final class Array extends GoType {
        private final GoType elem;
        private final long len;
        private final boolean noalg;

        /** {@code [len]elem}. @throws ArithmeticException if the array is larger than the address space */
        public Array(GoType elem, long len) {
            this(elem, len, false);
        }

        Array(GoType elem, long len, boolean noalg) {
            if (len < 0) {
                throw new IllegalArgumentException("len=" + len);
            }
            if (elem.size() != 0 && len > (MAX_SIZE - 1) / elem.size()) {
                throw new ArithmeticException("type [" + len + "]" + elem.string() + " larger than address space");
            }
            this.elem = elem;
            this.len = len;
            this.noalg = noalg;
        }

        /** Whether the compiler gives it no equality function (a compiler-made array such as a map bucket's). */
        public boolean noalg() { return noalg; }

        /** The element type. */
        public GoType elem() { return elem; }
        /** The length. */
        public long len() { return len; }

        @Override public long size() { return Math.multiplyExact(len, elem.size()); }
        @Override public int align() { return elem.align(); }
        @Override public long ptrdata() { return len == 0 || elem.ptrdata() == 0 ? 0 : (len - 1) * elem.size() + elem.ptrdata(); }
        @Override void pointerWords(boolean[] bits, int word) {
            if (elem.ptrdata() > 0) {
                for (long i = 0; i < len; i++) {
                    elem.pointerWords(bits, word + (int) (i * elem.size() / PTR));
                }
            }
        }
        @Override public int kind() { return Kinds.ARRAY; }
        @Override public String string() { return "[" + len + "]" + elem.string(); }
        @Override public String linkString() { return "[" + len + "]" + elem.linkString(); }
        /** TypeSymName: a noalg type gets a symbol of its own, {@code type.noalg.[N]T} (hash and strings omit it). */
        @Override public String symbol() { return "type." + (noalg ? "noalg." : "") + linkString(); }
        @Override public boolean directIface() { return len == 1 && elem.directIface(); }
        @Override public boolean regularMemory() { return !noalg && elem.regularMemory(); }
        @Override public boolean comparable() { return !noalg && elem.comparable(); }
    }

    /** {@code chan elem}, {@code <-chan elem} (receive only) or {@code chan<- elem} (send only). */
    public static final class Chan extends GoType {
        /** reflect.ChanDir values, as chantype.dir stores them. */
        public static final int RECV = 1;
        /** Send only: {@code chan<- elem}. */
        public static final int SEND = 2;
        /** Both directions: {@code chan elem}. */
        public static final int BOTH = 3;

        private final GoType elem;
        private final int dir;

        /** A channel of {@code elem} in direction {@code dir} ({@link #RECV}, {@link #SEND} or {@link #BOTH}). */
        public Chan(GoType elem, int dir) {
            if (dir < RECV || dir > BOTH) {
                throw new IllegalArgumentException("dir=" + dir);
            }
            this.elem = elem;
            this.dir = dir;
        }

        /** The element type. */
        public GoType elem() { return elem; }
        /** The direction: {@link #RECV}, {@link #SEND} or {@link #BOTH}. */
        public int dir() { return dir; }

        @Override public long size() { return PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return PTR; }
        @Override void pointerWords(boolean[] bits, int word) { bits[word] = true; }
        @Override public int kind() { return Kinds.CHAN; }
        @Override public String string() { return render(elem.string()); }
        @Override public String linkString() { return render(elem.linkString()); }
        @Override public boolean directIface() { return true; }
        @Override public boolean regularMemory() { return true; }
        @Override public boolean comparable() { return true; }

        private String render(String e) {
            return switch (dir) {
                case RECV -> "<-chan " + e;
                case SEND -> "chan<- " + e;
                default -> elem instanceof Chan c && c.dir == RECV ? "chan (" + e + ")" : "chan " + e;
            };
        }
    }

    /** {@code map[key]elem}: a pointer to the runtime's hmap; its buckets have their own struct type. */
    public static final class MapType extends GoType {
        /** reflectdata MAXKEYSIZE / MAXELEMSIZE: larger keys and elems are stored indirectly. */
        public static final long MAX_INLINE = 128;
        /** BUCKETSIZE: slots per bucket. */
        public static final int BUCKET_SIZE = 8;
        /** abi.SwissMapGroupSlots (1.24, 1.25), abi.MapGroupSlots (1.26 on): slots per group. */
        public static final int GROUP_SLOTS = 8;

        private final GoType key;
        private final GoType elem;
        private Struct bucket;
        private Struct group;

        /** {@code map[key]elem}. */
        public MapType(GoType key, GoType elem) {
            if (!key.comparable()) {
                throw new IllegalArgumentException("invalid map key type " + key.string());
            }
            this.key = key;
            this.elem = elem;
        }

        /** The key type. */
        public GoType key() { return key; }
        /** The value type. */
        public GoType elem() { return elem; }

        /** MapBucketType: {topbits [8]uint8; keys noalg [8]K; elems noalg [8]V; overflow unsafe.Pointer or uintptr}. */
        public Struct bucket() {
            if (bucket == null) {
                GoType k = key.size() > MAX_INLINE ? new Pointer(key) : key;
                GoType v = elem.size() > MAX_INLINE ? new Pointer(elem) : elem;
                GoType overflow = Basic.of(k.ptrdata() == 0 && v.ptrdata() == 0 ? "uintptr" : "unsafe.Pointer");
                Pkg none = Pkg.BUILTIN;
                bucket = new Struct(List.of(
                        new Field("topbits", new Array(Basic.of("uint8"), BUCKET_SIZE), false, "", none),
                        new Field("keys", new Array(k, BUCKET_SIZE, true), false, "", none),
                        new Field("elems", new Array(v, BUCKET_SIZE, true), false, "", none),
                        new Field("overflow", overflow, false, "", none)), true, this, "bucket");
            }
            return bucket;
        }

        /**
         * Go 1.24 on (swiss maps; SwissMapGroupType, 1.26 MapGroupType): {@code {ctrl uint64; slots noalg [8]noalg
         * struct {key K; elem V}}}, itself noalg and printed {@code map.group[K]V}; a key or elem of more than
         * {@link #MAX_INLINE} bytes is stored as a pointer. (1.27's split layout, GOEXPERIMENT=mapsplitgroup, is off
         * by default and not modelled.)
         */
        public Struct group() {
            if (group == null) {
                GoType k = key.size() > MAX_INLINE ? new Pointer(key) : key;
                GoType v = elem.size() > MAX_INLINE ? new Pointer(elem) : elem;
                Pkg none = Pkg.BUILTIN;
                Struct slot = new Struct(List.of(new Field("key", k, false, "", none), new Field("elem", v, false, "", none)),
                        true, null, null);
                group = new Struct(List.of(
                        new Field("ctrl", Basic.of("uint64"), false, "", none),
                        new Field("slots", new Array(slot, GROUP_SLOTS, true), false, "", none)), true, this, "group");
            }
            return group;
        }

        @Override public long size() { return PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return PTR; }
        @Override void pointerWords(boolean[] bits, int word) { bits[word] = true; }
        @Override public int kind() { return Kinds.MAP; }
        @Override public String string() { return "map[" + key.string() + "]" + elem.string(); }
        @Override public String linkString() { return "map[" + key.linkString() + "]" + elem.linkString(); }
        @Override public boolean directIface() { return true; }
        @Override public boolean regularMemory() { return false; }
        @Override public boolean comparable() { return false; }
    }

    /** A predeclared type of the universe block (int, string, ...): emitted by package runtime only. */
    public static final class Basic extends GoType {
        private final String name;
        private final int kind;
        private final long size;
        private final int align;

        private Basic(String name, int kind, long size, int align) {
            this.name = name;
            this.kind = kind;
            this.size = size;
            this.align = align;
        }

        /** The predeclared type {@code name}. @throws IllegalArgumentException if there is none */
        public static Basic of(String name) {
            return switch (name) {
                case "bool" -> new Basic(name, Kinds.BOOL, 1, 1);
                case "int" -> new Basic(name, Kinds.INT, 8, 8);
                case "int8" -> new Basic(name, Kinds.INT8, 1, 1);
                case "int16" -> new Basic(name, Kinds.INT16, 2, 2);
                case "int32", "rune" -> new Basic("int32", Kinds.INT32, 4, 4);
                case "int64" -> new Basic(name, Kinds.INT64, 8, 8);
                case "uint" -> new Basic(name, Kinds.UINT, 8, 8);
                case "uint8", "byte" -> new Basic("uint8", Kinds.UINT8, 1, 1);
                case "uint16" -> new Basic(name, Kinds.UINT16, 2, 2);
                case "uint32" -> new Basic(name, Kinds.UINT32, 4, 4);
                case "uint64" -> new Basic(name, Kinds.UINT64, 8, 8);
                case "uintptr" -> new Basic(name, Kinds.UINTPTR, 8, 8);
                case "float32" -> new Basic(name, Kinds.FLOAT32, 4, 4);
                case "float64" -> new Basic(name, Kinds.FLOAT64, 8, 8);
                case "complex64" -> new Basic(name, Kinds.COMPLEX64, 8, 4);
                case "complex128" -> new Basic(name, Kinds.COMPLEX128, 16, 8);
                case "string" -> new Basic(name, Kinds.STRING, 16, 8);
                case "unsafe.Pointer" -> new Basic(name, Kinds.UNSAFE_POINTER, 8, 8);
                default -> throw new IllegalArgumentException("not a predeclared type: " + name);
            };
        }

        @Override public long size() { return size; }
        @Override public int align() { return align; }
        @Override public long ptrdata() { return pointerShaped() ? PTR : 0; }
        @Override void pointerWords(boolean[] bits, int word) {
            if (pointerShaped()) {
                bits[word] = true;
            }
        }
        @Override public int kind() { return kind; }
        @Override public String string() { return name; }
        @Override public String linkString() { return name; }
        @Override public boolean directIface() { return kind == Kinds.UNSAFE_POINTER; }
        @Override public boolean regularMemory() {
            return kind != Kinds.STRING && kind != Kinds.FLOAT32 && kind != Kinds.FLOAT64
                    && kind != Kinds.COMPLEX64 && kind != Kinds.COMPLEX128;
        }
        @Override public boolean comparable() { return true; }

        private boolean pointerShaped() {
            return kind == Kinds.STRING || kind == Kinds.UNSAFE_POINTER;
        }
    }

    /** A defined (named) type of a package, with its methods. */
    public static final class Named extends GoType {
        private final Pkg pkg;
        private final String name;
        private GoType underlying;
        private final List<Method> methods = new ArrayList<>();

        /** The named type {@code pkg.name}, its underlying type and methods set later. */
        public Named(Pkg pkg, String name) {
            this.pkg = pkg;
            this.name = name;
        }

        /** The universe block's {@code error}: {@code interface { Error() string }}, emitted by package runtime. */
        public static Named universeError() {
            Named err = new Named(Pkg.BUILTIN, "error");
            err.underlying(new Interface(List.of(new IMethod("Error", new Func(List.of(), List.of(Basic.of("string")), false), Pkg.BUILTIN))));
            return err;
        }

        /** Sets the underlying type (after declaration, so types can refer to each other). */
        public Named underlying(GoType u) {
            if (u instanceof Named n) {
                u = n.underlying(); // type T U: T's underlying is U's
            }
            this.underlying = u;
            return this;
        }

        /** Declares a method; {@code pointerReceiver} for {@code func (t *T) M}. */
        public Named method(String mname, Func sig, boolean pointerReceiver) {
            methods.add(new Method(mname, sig, pointerReceiver));
            return this;
        }

        /** The package declaring it. */
        public Pkg pkg() { return pkg; }
        /** The name, without the package. */
        public String name() { return name; }
        /** The declared methods. */
        public List<Method> methods() { return List.copyOf(methods); }

        @Override public GoType underlying() {
            if (underlying == null) {
                throw new IllegalStateException("type " + string() + " has no underlying type yet");
            }
            return underlying;
        }
        @Override public long size() { return underlying().size(); }
        @Override public int align() { return underlying().align(); }
        @Override public long ptrdata() { return underlying().ptrdata(); }
        @Override void pointerWords(boolean[] bits, int word) { underlying().pointerWords(bits, word); }
        @Override public int kind() { return underlying().kind(); }
        @Override public String string() { return pkg.path().isEmpty() ? name : pkg.name() + "." + name; }
        @Override public String linkString() { return pkg.path().isEmpty() ? name : pkg.path() + "." + name; }
        @Override public boolean directIface() { return underlying().directIface(); }
        @Override public boolean regularMemory() { return underlying().regularMemory(); }
        @Override public boolean comparable() { return underlying().comparable(); }
    }

    /** A declared method of a named type: name, signature without receiver, receiver kind. */
    public record Method(String name, Func sig, boolean pointerReceiver) {
        /** Whether the name starts with an upper-case letter. */
        public boolean exported() {
            return !name.isEmpty() && Character.isUpperCase(name.codePointAt(0));
        }
    }

    /** {@code *elem}. */
    public static final class Pointer extends GoType {
        private final GoType elem;

        /** {@code *elem}. */
        public Pointer(GoType elem) {
            this.elem = elem;
        }

        /** The type pointed to. */
        public GoType elem() { return elem; }

        @Override public long size() { return PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return PTR; }
        @Override void pointerWords(boolean[] bits, int word) { bits[word] = true; }
        @Override public int kind() { return Kinds.PTR; }
        @Override public String string() { return "*" + elem.string(); }
        @Override public String linkString() { return "*" + elem.linkString(); }
        @Override public boolean directIface() { return true; }
        @Override public boolean regularMemory() { return true; }
        @Override public boolean comparable() { return true; }
    }

    /** {@code func(params) results}; a variadic func's last parameter is a slice ({@code ...T}). */
    public static final class Func extends GoType {
        private final List<GoType> params;
        private final List<GoType> results;
        private final boolean variadic;

        /** {@code func(params) results}; the last parameter a {@code ...T} slice if {@code variadic}. */
        public Func(List<GoType> params, List<GoType> results, boolean variadic) {
            this.params = List.copyOf(params);
            this.results = List.copyOf(results);
            this.variadic = variadic;
        }

        /** The parameter types. */
        public List<GoType> params() { return params; }
        /** The result types. */
        public List<GoType> results() { return results; }
        /** Whether the last parameter is {@code ...T}. */
        public boolean variadic() { return variadic; }

        /** The same signature with {@code recv} as first parameter (a method expression's type). */
        public Func withReceiver(GoType recv) {
            List<GoType> p = new ArrayList<>();
            p.add(recv);
            p.addAll(params);
            return new Func(p, results, variadic);
        }

        @Override public long size() { return PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return PTR; }
        @Override void pointerWords(boolean[] bits, int word) { bits[word] = true; }
        @Override public int kind() { return Kinds.FUNC; }
        @Override public String string() { return render(false); }
        @Override public String linkString() { return render(true); }
        @Override public boolean directIface() { return true; }
        @Override public boolean regularMemory() { return false; }
        @Override public boolean comparable() { return false; }

        private String render(boolean link) {
            StringBuilder b = new StringBuilder("func(");
            for (int i = 0; i < params.size(); i++) {
                b.append(i > 0 ? ", " : "");
                GoType p = params.get(i);
                if (variadic && i == params.size() - 1 && p instanceof Slice sl) {
                    b.append("...").append(link ? sl.elem().linkString() : sl.elem().string());
                } else {
                    b.append(link ? p.linkString() : p.string());
                }
            }
            b.append(')');
            if (results.size() == 1) {
                b.append(' ').append(link ? results.getFirst().linkString() : results.getFirst().string());
            } else if (results.size() > 1) {
                b.append(" (");
                for (int i = 0; i < results.size(); i++) {
                    b.append(i > 0 ? ", " : "").append(link ? results.get(i).linkString() : results.get(i).string());
                }
                b.append(')');
            }
            return b.toString();
        }
    }

    /** One struct field. {@code pkg} is the package of an unexported name. */
    public record Field(String name, GoType type, boolean embedded, String tag, Pkg pkg) {
        /** Whether the name starts with an upper-case letter. */
        public boolean exported() {
            return !name.isEmpty() && Character.isUpperCase(name.codePointAt(0));
        }
    }

    /** {@code struct { fields }}, laid out as the compiler lays it (fields at their alignment). */
    public static final class Struct extends GoType {
        private final List<Field> fields;
        private final long[] offsets;
        private final long size;
        private final int align;
        /**
         * computed once, here: a field's type is laid out before its struct, so these are known; asking
         * the fields again on every call would cost 2^depth for structs that hold the previous one twice
         */
        private final long ptrdata;
        private final boolean regularMemory;
        private final boolean comparable;
        /** a struct the compiler made without equality or hash: a map's bucket or group, or a group's slot */
        private final boolean noalg;
        /** the map whose bucket or group this is, or null */
        private final MapType mapOf;
        /** {@code bucket} or {@code group}: the struct prints as {@code map.PART[K]V} (with {@link #mapOf}) */
        private final String mapPart;

        /** {@code struct { fields }}, laid out as Go lays it out. */
        public Struct(List<Field> fields) {
            this(fields, false, null, null);
        }

        /**
         * A struct the compiler makes: {@code noalg} (no equality or hash, a symbol of its own), printed as
         * {@code map.PART[K]V} if {@code mapOf} is not null, else as any struct.
         */
        Struct(List<Field> fields, boolean noalg, MapType mapOf, String mapPart) {
            this.noalg = noalg;
            this.mapOf = mapOf;
            this.mapPart = mapPart;
            this.fields = List.copyOf(fields);
            this.offsets = new long[fields.size()];
            long off = 0;
            int a = 1;
            for (int i = 0; i < fields.size(); i++) {
                GoType t = fields.get(i).type();
                off = (off + t.align() - 1) / t.align() * t.align();
                offsets[i] = off;
                off = Math.addExact(off, t.size());
                if (off >= MAX_SIZE) {
                    throw new ArithmeticException("struct too large");
                }
                a = Math.max(a, t.align());
            }
            // a final zero-size field gets a byte of padding so &s.f is not past the object
            if (!fields.isEmpty() && fields.getLast().type().size() == 0 && off > 0) {
                off++;
            }
            this.align = a;
            this.size = (off + a - 1) / a * a;
            long p = 0;
            long end = 0;
            boolean regular = !noalg;
            boolean cmp = !noalg;
            for (int i = 0; i < this.fields.size(); i++) {
                Field f = this.fields.get(i);
                long fp = f.type().ptrdata();
                if (fp > 0) {
                    p = offsets[i] + fp;
                }
                if (regular && (!f.type().regularMemory() || f.name().equals("_") || offsets[i] != end)) {
                    regular = false;
                }
                end = offsets[i] + f.type().size();
                cmp = cmp && f.type().comparable();
            }
            this.ptrdata = p;
            this.regularMemory = regular && end == size;
            this.comparable = cmp;
        }

        /** The fields, in declaration order. */
        public List<Field> fields() { return fields; }
        /** The offset of field {@code i}. */
        public long offset(int i) { return offsets[i]; }

        @Override public long size() { return size; }
        @Override public int align() { return align; }
        @Override public long ptrdata() { return ptrdata; }
        @Override void pointerWords(boolean[] bits, int word) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).type().ptrdata() > 0) {
                    fields.get(i).type().pointerWords(bits, word + (int) (offsets[i] / PTR));
                }
            }
        }
        @Override public int kind() { return Kinds.STRUCT; }
        @Override public String string() {
            return mapOf != null ? "map." + mapPart + "[" + mapOf.key().string() + "]" + mapOf.elem().string() : render(false);
        }
        @Override public String linkString() {
            return mapOf != null ? "map." + mapPart + "[" + mapOf.key().linkString() + "]" + mapOf.elem().linkString() : render(true);
        }
        @Override public String symbol() { return "type." + (noalg ? "noalg." : "") + linkString(); }
        @Override public boolean directIface() {
            return fields.size() == 1 && fields.getFirst().type().directIface();
        }
        /** True for a struct the compiler made (a map's bucket or group, a group's slot): no equality, no typelink. */
        public boolean noalg() {
            return noalg;
        }
        @Override public boolean regularMemory() { return regularMemory; }
        @Override public boolean comparable() { return comparable; }

        private String render(boolean link) {
            if (fields.isEmpty()) {
                return "struct {}";
            }
            StringBuilder b = new StringBuilder("struct { ");
            for (int i = 0; i < fields.size(); i++) {
                Field f = fields.get(i);
                if (link && !f.exported() && !f.pkg().equals(Pkg.BUILTIN)) {
                    throw new UnsupportedOperationException("link string of an unnamed struct with unexported field " + f.name());
                }
                b.append(i > 0 ? "; " : "");
                if (!f.embedded()) {
                    b.append(f.name()).append(' ');
                }
                b.append(link ? f.type().linkString() : f.type().string());
                if (!f.tag().isEmpty()) {
                    b.append(' ').append(quote(f.tag()));
                }
            }
            return b.append(" }").toString();
        }
    }

    /** One interface method: name, signature, and the package of an unexported name. */
    public record IMethod(String name, Func sig, Pkg pkg) {
        /** Whether the name starts with an upper-case letter. */
        public boolean exported() {
            return !name.isEmpty() && Character.isUpperCase(name.codePointAt(0));
        }
    }

    /** {@code interface { methods }}; methods are kept sorted as types.Sym.Less sorts them. */
    public static final class Interface extends GoType {
        private final List<IMethod> methods;

        /** {@code interface { methods }}, the methods sorted. */
        public Interface(List<IMethod> methods) {
            List<IMethod> m = new ArrayList<>(methods);
            m.sort(Interface::less);
            this.methods = List.copyOf(m);
        }

        /** The methods, exported first, then by name. */
        public List<IMethod> methods() { return methods; }

        static int less(IMethod a, IMethod b) {
            if (a.exported() != b.exported()) {
                return a.exported() ? -1 : 1;
            }
            int c = a.name().compareTo(b.name());
            if (c != 0 || a.exported()) {
                return c;
            }
            return a.pkg().path().compareTo(b.pkg().path());
        }

        @Override public long size() { return 2L * PTR; }
        @Override public int align() { return PTR; }
        @Override public long ptrdata() { return 2L * PTR; }
        @Override void pointerWords(boolean[] bits, int word) {
            bits[word + 1] = true; // the first word (itab or type) is not a heap pointer to the collector
        }
        @Override public int kind() { return Kinds.INTERFACE; }
        @Override public String string() { return render(false); }
        @Override public String linkString() { return render(true); }
        @Override public boolean regularMemory() { return false; }
        @Override public boolean comparable() { return true; }

        private String render(boolean link) {
            if (methods.isEmpty()) {
                return "interface {}";
            }
            StringBuilder b = new StringBuilder("interface { ");
            for (int i = 0; i < methods.size(); i++) {
                IMethod m = methods.get(i);
                b.append(i > 0 ? "; " : "").append(m.name());
                String sig = link ? m.sig().linkString() : m.sig().string();
                b.append(sig.substring("func".length()));
            }
            return b.append(" }").toString();
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format(Locale.ROOT, "%02x", x & 0xff));
        }
        return s.toString();
    }
}
