package io.goheap.runtime.types;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Kinds;
import io.goheap.runtime.abi.NameEncoding;
import io.goheap.runtime.abi.TFlags;
import io.goheap.runtime.abi.TypeDescriptor;
import io.goheap.runtime.abi.TypeHash;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes type descriptors and static itabs as Go 1.19's cmd/compile writes them for one package
 * (reflectdata: writeType, dcommontype, dextratype, dextratypeData, dname, dimportpath, writeITab):
 * the same symbols, the same bytes, the same relocations, so the output can be compared symbol for
 * symbol with the compiler's {@code -S} listing.
 *
 * <p>Which symbols a package emits follows the compiler: a type of this package, every unnamed type it
 * needs (dupok), never a named type of another package or a predeclared one (those come from their own
 * package, e.g. {@code type.int} from runtime). Writing a type writes what it refers to: its pointer
 * type (ptrToThis, weak unless the type is named or the pointer has methods), elements, fields, params,
 * the signatures of its methods with and without receiver.
 *
 * <p>Supported now: predeclared basic types, named types with value, pointer and promoted methods,
 * pointers, funcs (variadic too), structs, interfaces, slices, arrays, chans and maps, with a pointer
 * mask or, past 16384 pointer words, a GC program ({@link GcProg}). Anything else (unexported
 * interface methods of another package) is refused naming the construct. Not thread-safe; one writer
 * per package.
 */
public final class TypeWriter {
    private static final int PTR = Abi.PTR_SIZE;
    private final Pkg local;
    private final Map<String, ObjSym> syms = new LinkedHashMap<>();
    private final Map<String, Boolean> siggen = new LinkedHashMap<>();
    /** the words each GC program written describes (its type's declared ptrdata), by symbol */
    private final Map<String, Long> gcprogWords = new java.util.HashMap<>();
    /** {@link #methods} by type symbol */
    private final Map<String, List<Sig>> methodCache = new java.util.HashMap<>();

    private final boolean runtime;
    private final GoRelease release;
    private final SymbolNames names;
    /** the release's layouts and constants: every offset and size of a descriptor comes from here */
    private final Abi abi;

    /** A writer for the symbols of package {@code local}, as Go 1.19's compiler writes them. */
    public TypeWriter(Pkg local) {
        this(local, false);
    }

    /** A writer for the symbols of package {@code local}, as Go 1.19's compiler writes them. */
    public TypeWriter(Pkg local, boolean runtime) {
        this(local, runtime, RELEASE_1_19);
    }

    /**
     * A writer for the symbols of package {@code local}.
     *
     * @param runtime true to write as package runtime does: the predeclared basic types too
     *                ({@code type.int}, ...), which every other package only refers to
     * @param release the compiler release to follow
     * @throws IllegalArgumentException if the writer does not follow {@code release}'s compiler yet
     */
    public TypeWriter(Pkg local, boolean runtime, GoRelease release) {
        this(local, runtime, checkSupported(release), null);
    }

    /** A writer for any release goheap has layouts of, supported or not: the fixture tests measure the unsupported ones. */
    static TypeWriter any(Pkg local, boolean runtime, GoRelease release) {
        return new TypeWriter(local, runtime, release, null);
    }

    private TypeWriter(Pkg local, boolean runtime, GoRelease release, Void checked) {
        this.local = local;
        this.runtime = runtime;
        this.release = release;
        this.names = SymbolNames.of(release);
        this.abi = Abi.of(release);
    }

    /**
     * The releases whose compiler this writer follows byte for byte, oldest first: each one's symbols equal, symbol
     * for symbol, what its compiler emits for the six fixture programs of native/fixtures ({@code ImageFixtureTest}).
     */
    public static final java.util.List<GoRelease> SUPPORTED = java.util.List.of(new GoRelease(19), new GoRelease(21), new GoRelease(22), new GoRelease(23), new GoRelease(24), new GoRelease(25), new GoRelease(26), new GoRelease(27));
    /** {@link #SUPPORTED}, for messages: {@code Go 1.19 and 1.21}. */
    public static final String SUPPORTED_TEXT = text(SUPPORTED);
    private static final GoRelease RELEASE_1_19 = new GoRelease(19);

    /** {@code Go 1.19}, {@code Go 1.19 and 1.21}, {@code Go 1.19, 1.21 and 1.22}. */
    private static String text(List<GoRelease> releases) {
        StringBuilder b = new StringBuilder("Go ");
        for (int i = 0; i < releases.size(); i++) {
            b.append(i == 0 ? "" : i == releases.size() - 1 ? " and " : ", ").append("1.").append(releases.get(i).minor());
        }
        return b.toString();
    }

    /**
     * {@code release}, if this writer follows its compiler.
     *
     * @throws IllegalArgumentException naming the release and the ones supported if it does not
     */
    static GoRelease checkSupported(GoRelease release) {
        if (!SUPPORTED.contains(release)) {
            throw new IllegalArgumentException("goheap's type image writes " + SUPPORTED_TEXT + "; " + release + " is not done yet");
        }
        return release;
    }

    /** The release whose compiler this writer follows. */
    public GoRelease release() {
        return release;
    }

    /**
     * {@code dimportpath}: the {@code type..importpath.P.} symbol of an imported package (the compiler
     * writes one for every import).
     */
    public String importPath(Pkg pkg) {
        return dimportpath(pkg);
    }

    /** Every symbol written so far, in writing order. */
    public Map<String, ObjSym> symbols() {
        return Map.copyOf(syms);
    }

    /** A method of a concrete type as the compiler lists it (typeSig). */
    record Sig(String name, boolean exported, GoType.Func mtype, GoType.Func type, String isym, String tsym) {
    }

    /**
     * {@code writeType}: the descriptor of {@code t} and everything it needs.
     *
     * @return the descriptor's symbol name
     */
    public String writeType(GoType t) {
        String sym = sym(t);
        if (siggen.putIfAbsent(sym, Boolean.TRUE) != null) {
            return sym;
        }
        // a pointer to a type with a name (defined or predeclared) belongs to that type's package
        GoType tbase = t instanceof GoType.Pointer p && (p.elem() instanceof GoType.Named || p.elem() instanceof GoType.Basic)
                ? p.elem() : t;
        if (!needEmit(tbase)) {
            return sym;
        }
        ObjSym s = new ObjSym(sym, !(tbase instanceof GoType.Named));
        declareAlign(s, PTR);
        syms.put(sym, s);
        int ot;
        GoType u = t.underlying();
        if (u instanceof GoType.Pointer p) {
            String elem = writeType(p.elem());
            ot = dcommontype(s, t);
            ot = s.addr(ot, elem, 0, false);
            ot = dextratype(s, ot, t, 0);
        } else if (u instanceof GoType.Func f) {
            f.params().forEach(this::writeType);
            f.results().forEach(this::writeType);
            ot = dcommontype(s, t);
            int in = f.params().size();
            int out = f.results().size();
            ot = s.u16(ot, in);
            ot = s.u16(ot, out | (f.variadic() ? 0x8000 : 0));
            ot = (int) TypeDescriptor.FUNCTYPE_SIZE; // the u16 pair is padded to pointer alignment
            ot = dextratype(s, ot, t, (in + out) * PTR);
            for (GoType x : f.params()) {
                ot = s.addr(ot, sym(x), 0, false);
            }
            for (GoType x : f.results()) {
                ot = s.addr(ot, sym(x), 0, false);
            }
        } else if (u instanceof GoType.Struct st) {
            st.fields().forEach(fl -> writeType(fl.type()));
            Pkg spkg = null;
            for (GoType.Field fl : st.fields()) {
                if (!fl.exported()) {
                    spkg = fl.pkg();
                    break;
                }
            }
            ot = dcommontype(s, t);
            ot = dgopkgpath(s, ot, spkg);
            ot = s.addr(ot, sym, ot + 3L * PTR + uncommonSize(t), false);
            ot = s.u64(ot, st.fields().size());
            ot = s.u64(ot, st.fields().size());
            ot = dextratype(s, ot, t, (int) (st.fields().size() * TypeDescriptor.STRUCTFIELD_SIZE));
            for (int i = 0; i < st.fields().size(); i++) {
                GoType.Field fl = st.fields().get(i);
                ot = s.addr(ot, dname(fl.name(), fl.tag(), fl.exported(), fl.embedded()), 0, false);
                ot = s.addr(ot, sym(fl.type()), 0, false);
                ot = s.u64(ot, st.offset(i));
            }
        } else if (u instanceof GoType.Interface it) {
            for (GoType.IMethod m : it.methods()) {
                writeType(m.sig());
            }
            ot = dcommontype(s, t);
            Pkg tpkg = t instanceof GoType.Named n ? n.pkg() : null;
            ot = dgopkgpath(s, ot, tpkg);
            ot = s.addr(ot, sym, ot + 3L * PTR + uncommonSize(t), false);
            ot = s.u64(ot, it.methods().size());
            ot = s.u64(ot, it.methods().size());
            ot = dextratype(s, ot, t, (int) (it.methods().size() * TypeDescriptor.IMETHOD_SIZE));
            for (GoType.IMethod m : it.methods()) {
                if (!m.exported() && !m.pkg().equals(tpkg)) {
                    throw new UnsupportedOperationException("unexported method " + m.name() + " of another package in " + t);
                }
                ot = s.addrOff(ot, dname(m.name(), "", m.exported(), false), false);
                ot = s.addrOff(ot, writeType(m.sig()), false);
            }
        } else if (u instanceof GoType.Slice sl) {
            String elem = writeType(sl.elem());
            ot = dcommontype(s, t);
            ot = s.addr(ot, elem, 0, false);
            ot = dextratype(s, ot, t, 0);
        } else if (u instanceof GoType.Array ar) {
            String elem = writeType(ar.elem());
            String sliceOf = writeType(new GoType.Slice(ar.elem()));
            ot = dcommontype(s, t);
            ot = s.addr(ot, elem, 0, false);
            ot = s.addr(ot, sliceOf, 0, false);
            ot = s.u64(ot, ar.len());
            ot = dextratype(s, ot, t, 0);
        } else if (u instanceof GoType.Chan ch) {
            String elem = writeType(ch.elem());
            ot = dcommontype(s, t);
            ot = s.addr(ot, elem, 0, false);
            ot = s.u64(ot, ch.dir());
            ot = dextratype(s, ot, t, 0);
        } else if (u instanceof GoType.MapType mt) {
            ot = release.minor() >= 24 ? swissMapType(s, t, mt) : oldMapType(s, t, mt);
            ot = dextratype(s, ot, t, 0);
            if (t instanceof GoType.Named) {
                s.keep(writeType(u)); // keep the map type itself: reflect must find the same hasher
            }
        } else if (u instanceof GoType.Basic) {
            ot = dcommontype(s, t);
            ot = dextratype(s, ot, t, 0);
        } else {
            throw new UnsupportedOperationException("type descriptors of " + t.string());
        }
        dextratypeData(s, ot, t);
        // typelinks: unnamed types reflect can construct at run time (PtrTo, SliceOf, FuncOf, ...)
        boolean noalg = noalg(t);
        s.typelink(!(t instanceof GoType.Named) && !noalg && (u instanceof GoType.Pointer || u instanceof GoType.Func
                || u instanceof GoType.Struct || u instanceof GoType.Slice || u instanceof GoType.Array
                || u instanceof GoType.Chan || u instanceof GoType.MapType));
        return sym;
    }

    /**
     * The map type up to Go 1.23 (1.19's {@code maptype}, 1.21's {@code abi.MapType}): Key, Elem, Bucket
     * ({@link GoType.MapType#bucket()}), Hasher, KeySize, ValueSize (8 for an indirect one), BucketSize, Flags
     * (1 indirect key, 2 indirect elem, 4 reflexive key, 8 need key update, 16 hash might panic: runtime/type.go).
     *
     * @return the end of the map type: where the uncommon type goes
     */
    private int oldMapType(ObjSym s, GoType t, GoType.MapType mt) {
        String key = writeType(mt.key());
        String elem = writeType(mt.elem());
        String bucket = writeType(mt.bucket());
        String hasher = genhash(mt.key());
        dcommontype(s, t);
        s.addr(mapOff("key"), key, 0, false);
        s.addr(mapOff("elem"), elem, 0, false);
        s.addr(mapOff("bucket"), bucket, 0, false);
        s.addr(mapOff("hasher"), hasher, 0, false);
        int flags = 0;
        boolean indirectKey = mt.key().size() > GoType.MapType.MAX_INLINE;
        boolean indirectElem = mt.elem().size() > GoType.MapType.MAX_INLINE;
        s.u8(mapOff("keysize"), indirectKey ? PTR : (int) mt.key().size());
        s.u8(mapOff("elemsize"), indirectElem ? PTR : (int) mt.elem().size());
        s.u16(mapOff("bucketsize"), (int) mt.bucket().size());
        flags |= indirectKey ? 1 : 0;
        flags |= indirectElem ? 2 : 0;
        flags |= reflexive(mt.key(), new java.util.IdentityHashMap<>()) ? 4 : 0;
        flags |= needKeyUpdate(mt.key(), new java.util.IdentityHashMap<>()) ? 8 : 0;
        flags |= hashMightPanic(mt.key(), new java.util.IdentityHashMap<>()) ? 16 : 0;
        s.u32(mapOff("flags"), flags);
        return (int) abi.mapTypeSize();
    }

    /**
     * The map type of Go 1.24 on, over the group type ({@link GoType.MapType#group()}): Key, Elem, Group, Hasher,
     * GroupSize, then SlotSize and ElemOff (1.24 to 1.26, {@code writeSwissMapType} / {@code writeMapType}) or
     * KeysOff, KeyStride, ElemsOff, ElemStride and ElemOff (1.27: keys and elems interleaved in the slots, so both
     * strides are the slot's size), then Flags, with the release's bits ({@link Abi#mapFlag(String)}).
     *
     * @return the end of the map type: where the uncommon type goes
     */
    private int swissMapType(ObjSym s, GoType t, GoType.MapType mt) {
        GoType.Struct group = mt.group();
        String key = writeType(mt.key());
        String elem = writeType(mt.elem());
        String g = writeType(group);
        String hasher = genhash(mt.key());
        GoType.Struct slot = (GoType.Struct) ((GoType.Array) group.fields().get(1).type()).elem();
        long slotsOff = group.offset(1);
        long elemOff = slot.offset(1);
        dcommontype(s, t);
        s.addr(mapOff("key"), key, 0, false);
        s.addr(mapOff("elem"), elem, 0, false);
        s.addr(mapOff("bucket"), g, 0, false);
        s.addr(mapOff("hasher"), hasher, 0, false);
        s.u64(mapOff("GroupSize"), group.size());
        if (abi.offset("maptype", "SlotSize").isPresent()) {
            s.u64(mapOff("SlotSize"), slot.size());
        } else {
            s.u64(mapOff("KeysOff"), slotsOff);
            s.u64(mapOff("KeyStride"), slot.size());
            s.u64(mapOff("ElemsOff"), slotsOff + elemOff);
            s.u64(mapOff("ElemStride"), slot.size());
        }
        s.u64(mapOff("ElemOff"), elemOff);
        int flags = 0;
        flags |= needKeyUpdate(mt.key(), new java.util.IdentityHashMap<>()) ? abi.mapFlag("NEED_KEY_UPDATE") : 0;
        flags |= hashMightPanic(mt.key(), new java.util.IdentityHashMap<>()) ? abi.mapFlag("HASH_MIGHT_PANIC") : 0;
        flags |= mt.key().size() > GoType.MapType.MAX_INLINE ? abi.mapFlag("INDIRECT_KEY") : 0;
        flags |= mt.elem().size() > GoType.MapType.MAX_INLINE ? abi.mapFlag("INDIRECT_ELEM") : 0;
        s.u32(mapOff("flags"), flags);
        return (int) abi.mapTypeSize();
    }

    /** The offset of the map type's field 1.19 calls {@code field} (or the release's name), from the release's layout. */
    private int mapOff(String field) {
        return (int) abi.offsetOf("maptype", field);
    }

    /**
     * {@code writeITab}: the static itab {@code go.itab.T,I} (fun[k] weak, to the method the interface
     * calls through, in the interface's method order; hash = T's hash).
     *
     * @throws IllegalArgumentException if {@code typ} lacks a method of {@code iface}
     */
    public String writeItab(GoType typ, GoType iface) {
        GoType.Interface it = (GoType.Interface) iface.underlying();
        String name = names.itab(typ.linkString(), iface.linkString());
        writeType(typ);
        writeType(iface);
        ObjSym s = new ObjSym(name, true);
        declareAlign(s, PTR);
        syms.put(name, s);
        s.addr((int) ItabDescriptor.INTER_OFFSET, sym(iface), 0, false);
        s.addr((int) ItabDescriptor.TYPE_OFFSET, sym(typ), 0, false);
        s.u32((int) ItabDescriptor.HASH_OFFSET, TypeHash.of(release, typ.linkString()));
        Map<String, Sig> byName = new java.util.HashMap<>();
        methods(typ).forEach(m -> byName.putIfAbsent(m.name(), m));
        for (int k = 0; k < it.methods().size(); k++) {
            String want = it.methods().get(k).name();
            Sig m = byName.get(want);
            if (m == null) {
                throw new IllegalArgumentException(typ.string() + " does not implement " + iface.string() + " (missing method " + want + ")");
            }
            s.addr((int) ItabDescriptor.funOffset(k), m.isym(), 0, true);
        }
        return name;
    }

    /**
     * The alignment Go 1.27's compiler declares for a symbol ({@code lsym.Align}, printed {@code align=}): 1 for name
     * data, the pointer size for descriptors, itabs and masks. Earlier releases declare none (the linker aligns).
     */
    private void declareAlign(ObjSym s, int align) {
        if (release.minor() >= 27) {
            s.align(align);
        }
    }

    /** The symbol of {@code t}'s descriptor as the release spells it ({@code type.T}, {@code type:noalg.T}). */
    String sym(GoType t) {
        return names.type((noalg(t) ? "noalg." : "") + t.linkString());
    }

    /**
     * Whether the compiler made {@code t} without equality or hash ({@code Noalg}): a map bucket or group and its
     * key and elem arrays, and from Go 1.22 a pointer to such a type ({@code types.NewPtr} passes the flag on).
     * Such a type's symbol says {@code noalg.}, it has no Equal, is not regular memory, and no typelink lists it.
     */
    boolean noalg(GoType t) {
        if (t instanceof GoType.Pointer p) {
            return release.minor() >= 22 && noalg(p.elem());
        }
        return t instanceof GoType.Array a && a.noalg() || t instanceof GoType.Struct st && st.noalg();
    }

    private boolean needEmit(GoType tbase) {
        if (release.minor() >= 21 && writtenByWriteBasicTypes(tbase)) {
            return runtime;
        }
        if (tbase instanceof GoType.Basic) {
            return runtime;
        }
        if (tbase instanceof GoType.Named n) {
            // the universe's error is predeclared: package runtime emits it, as it does int and string
            return n.pkg().equals(Pkg.BUILTIN) ? runtime : n.pkg().equals(local);
        }
        return true;
    }

    /**
     * Go 1.20 on ({@code writtenByWriteBasicTypes}): the types package runtime writes for every program, which
     * no other package emits: the predeclared types and {@code error}, {@code interface {}}, an unnamed slice of
     * any of them, and {@code func(error) string}.
     */
    private static boolean writtenByWriteBasicTypes(GoType t) {
        if (t instanceof GoType.Func f && !f.variadic() && f.params().size() == 1 && f.results().size() == 1
                && isUniverseError(f.params().getFirst()) && f.results().getFirst() instanceof GoType.Basic b
                && b.kind() == Kinds.STRING) {
            return true;
        }
        if (t instanceof GoType.Slice sl) {
            t = sl.elem();
        }
        return t instanceof GoType.Basic || isUniverseError(t)
                || t instanceof GoType.Interface i && i.methods().isEmpty();
    }

    private static boolean isUniverseError(GoType t) {
        return t instanceof GoType.Named n && n.pkg().equals(Pkg.BUILTIN);
    }

    /**
     * The methods of a non-interface type, sorted as types.Sym.Less sorts them. Remembered per type
     * symbol: a descriptor asks several times, and the method set of a type with thousands of methods
     * costs a sort each time. (The types a writer sees get no methods after it first looks.)
     */
    List<Sig> methods(GoType t) {
        if (!(t instanceof GoType.Named) && !(t instanceof GoType.Pointer p && p.elem() instanceof GoType.Named)) {
            return List.of(); // only T and *T of a defined T have methods
        }
        String key = t.symbol();
        List<Sig> known = methodCache.get(key);
        if (known == null) {
            known = methodsOf(t);
            methodCache.put(key, known);
        }
        return known;
    }

    private List<Sig> methodsOf(GoType t) {
        GoType.Named n;
        boolean ptr;
        if (t instanceof GoType.Named nn && !(nn.underlying() instanceof GoType.Interface)) {
            n = nn;
            ptr = false;
        } else if (t instanceof GoType.Pointer p && p.elem() instanceof GoType.Named nn && !(nn.underlying() instanceof GoType.Interface)) {
            n = nn;
            ptr = true;
        } else {
            return List.of();
        }
        List<Sig> out = new ArrayList<>();
        for (MethodSet.Entry m : MethodSet.of(n)) {
            if (!ptr && !m.valueApplicable()) {
                continue; // IsMethodApplicable: a pointer-receiver method is not in T's method set
            }
            String value = n.pkg().path() + "." + n.name() + "." + m.name();
            String pointer = n.pkg().path() + ".(*" + n.name() + ")." + m.name();
            String isym = ptr || !n.directIface() ? pointer : value;
            String tsym = ptr ? pointer : value;
            out.add(new Sig(m.name(), m.exported(), m.sig(), m.sig().withReceiver(t), isym, tsym));
        }
        out.sort((a, b) -> a.exported() != b.exported() ? (a.exported() ? -1 : 1) : a.name().compareTo(b.name()));
        return List.copyOf(out);
    }

    private long uncommonSize(GoType t) {
        return (hasSym(t) || !methods(t).isEmpty()) ? TypeDescriptor.UNCOMMON_SIZE : 0;
    }

    /**
     * The compiler's {@code t.Sym() != nil}: defined types and the predeclared ones (int, string, error
     * have a name in the universe block). Such a type is tflagNamed and has an uncommontype.
     */
    private static boolean hasSym(GoType t) {
        return t instanceof GoType.Named || t instanceof GoType.Basic;
    }

    private int dcommontype(ObjSym s, GoType t) {
        String sptr = null;
        boolean sptrWeak = true;
        if (!(t.underlying() instanceof GoType.Pointer)) { // Go: !t.IsPtr() (|| t.IsPtrElem(), not modelled)
            GoType.Pointer tptr = new GoType.Pointer(t);
            if (hasSym(t) || !methods(tptr).isEmpty()) {
                sptrWeak = false;
            }
            sptr = writeType(tptr);
        }
        Gc gc = gcsym(t);
        int ot = 0;
        ot = s.u64((int) TypeDescriptor.SIZE_OFFSET, t.size());
        ot = s.u64((int) TypeDescriptor.PTRDATA_OFFSET, gc.ptrdata());
        ot = s.u32((int) TypeDescriptor.HASH_OFFSET, TypeHash.of(release, t.linkString()));
        int tflag = 0;
        if (uncommonSize(t) != 0) {
            tflag |= TFlags.UNCOMMON;
        }
        if (hasSym(t)) {
            tflag |= TFlags.NAMED;
        }
        if (t.regularMemory() && !noalg(t)) {
            tflag |= TFlags.REGULAR_MEMORY;
        }
        String p = t.string();
        boolean exported = false;
        if (!p.startsWith("*")) {
            p = "*" + p;
            tflag |= TFlags.EXTRA_STAR;
            exported = t instanceof GoType.Named n && isExported(n.name());
        } else if (t instanceof GoType.Pointer ptr && ptr.elem() instanceof GoType.Named n) {
            exported = isExported(n.name());
        }
        if (gc.onDemand()) {
            tflag |= abi.tflagGCMaskOnDemand();
        }
        int kind = t.kind() | (gc.program() ? Kinds.GC_PROG : 0);
        if (t.directIface()) {
            // kindDirectIface up to 1.25, TFlagDirectIface from 1.26
            if (abi.directIfaceInTFlag()) {
                tflag |= abi.directIfaceBit();
            } else {
                kind |= abi.directIfaceBit();
            }
        }
        s.u8((int) TypeDescriptor.TFLAG_OFFSET, tflag);
        s.u8((int) TypeDescriptor.ALIGN_OFFSET, t.align());
        s.u8((int) TypeDescriptor.FIELD_ALIGN_OFFSET, t.align());
        s.u8((int) TypeDescriptor.KIND_OFFSET, kind);
        String eq = geneq(t);
        if (eq != null) {
            s.addr((int) TypeDescriptor.EQUAL_OFFSET, eq, 0, false);
        } else {
            s.u64((int) TypeDescriptor.EQUAL_OFFSET, 0);
        }
        s.addr((int) TypeDescriptor.GCDATA_OFFSET, gc.symbol(), 0, false);
        s.addrOff((int) TypeDescriptor.STR_OFFSET, dname(p, "", exported, false), false);
        if (sptr == null) {
            s.u32((int) TypeDescriptor.PTR_TO_THIS_OFFSET, 0);
        } else {
            s.addrOff((int) TypeDescriptor.PTR_TO_THIS_OFFSET, sptr, sptrWeak);
        }
        return (int) TypeDescriptor.TYPE_SIZE;
    }

    private int dextratype(ObjSym s, int ot, GoType t, int dataAdd) {
        List<Sig> m = methods(t);
        if (!hasSym(t) && m.isEmpty()) {
            return ot;
        }
        for (Sig a : m) {
            writeType(a.type());
        }
        int base = ot;
        dgopkgpathOff(s, base + (int) TypeDescriptor.UNCOMMON_PKGPATH_OFFSET, typePkg(t));
        s.u16(base + (int) TypeDescriptor.UNCOMMON_MCOUNT_OFFSET, m.size());
        s.u16(base + (int) TypeDescriptor.UNCOMMON_XCOUNT_OFFSET, (int) m.stream().filter(Sig::exported).count());
        s.u32(base + (int) TypeDescriptor.UNCOMMON_MOFF_OFFSET, dataAdd + TypeDescriptor.UNCOMMON_SIZE);
        s.u32(base + (int) TypeDescriptor.UNCOMMON_BLANK_OFFSET, 0);
        return base + (int) TypeDescriptor.UNCOMMON_SIZE;
    }

    private void dextratypeData(ObjSym s, int ot, GoType t) {
        for (Sig a : methods(t)) {
            ot = s.addrOff(ot, dname(a.name(), "", a.exported(), false), false);
            ot = s.methodOff(ot, writeType(a.mtype()));
            ot = s.methodOff(ot, a.isym());
            ot = s.methodOff(ot, a.tsym());
        }
        s.pad(ot);
    }

    private static Pkg typePkg(GoType t) {
        Pkg p = null;
        if (t instanceof GoType.Named n) {
            p = n.pkg();
        } else if (t instanceof GoType.Pointer ptr && ptr.elem() instanceof GoType.Named n) {
            p = n.pkg();
        }
        return Pkg.BUILTIN.equals(p) ? null : p; // the universe's types (error) have no package path
    }

    private int dgopkgpath(ObjSym s, int ot, Pkg pkg) {
        if (pkg == null) {
            return s.u64(ot, 0);
        }
        return s.addr(ot, dimportpath(pkg), 0, false);
    }

    private void dgopkgpathOff(ObjSym s, int ot, Pkg pkg) {
        if (pkg == null) {
            s.u32(ot, 0);
        } else {
            s.addrOff(ot, dimportpath(pkg), false);
        }
    }

    private String dimportpath(Pkg pkg) {
        String name = names.importpathPrefix() + pkg.path() + ".";
        if (!syms.containsKey(name)) {
            ObjSym s = new ObjSym(name, true);
            declareAlign(s, 1);
            s.bytes(0, NameEncoding.encode(pkg.path(), false));
            syms.put(name, s);
        }
        return name;
    }

    /** {@code dname} for names without a package qualifier: {@code type..namedata.NAME.TAG} / {@code -TAG}. */
    private String dname(String name, String tag, boolean exported, boolean embedded) {
        String sname = names.namedataPrefix();
        if (name.isEmpty()) {
            sname += (exported ? "-noname-exported." : "-noname-unexported.") + tag;
        } else {
            sname += name + (exported ? "." : "-") + tag;
        }
        if (embedded) {
            sname += ".embedded";
        }
        if (!syms.containsKey(sname)) {
            ObjSym s = new ObjSym(sname, true);
            declareAlign(s, 1);
            s.bytes(0, nameData(name, tag, exported, embedded));
            syms.put(sname, s);
        }
        return sname;
    }

    private static byte[] nameData(String name, String tag, boolean exported, boolean embedded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] t = tag.getBytes(StandardCharsets.UTF_8);
        int bits = (exported ? NameEncoding.EXPORTED : 0) | (t.length > 0 ? NameEncoding.HAS_TAG : 0)
                | (embedded ? NameEncoding.EMBEDDED : 0);
        out.write(bits);
        varint(out, n.length);
        out.writeBytes(n);
        if (t.length > 0) {
            varint(out, t.length);
            out.writeBytes(t);
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int v) {
        while (v >= 0x80) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    /**
     * What {@code gcdata} points at, and the ptrdata the descriptor declares with it.
     *
     * @param program  true for a GC program (kindGCProg, up to Go 1.23)
     * @param onDemand true for a word the runtime fills in with a mask it builds when first asked (TFlagGCMaskOnDemand,
     *                 Go 1.24 on)
     */
    private record Gc(String symbol, boolean program, boolean onDemand, long ptrdata) {
    }

    /**
     * {@code dgcsym}: the pointer mask {@code runtime.gcbits.HEX} (one bit per word of ptrdata), or, when ptrdata
     * is more than {@link Abi#maxPtrmaskBytes()} * 8 words: up to Go 1.23 the GC program {@code type..gcprog.T} (its
     * length as 4 bytes, then the program; see {@link GcProg}), from Go 1.24 the 8-byte writable word
     * {@code type:.gcmask.T} ({@code dgcptrmaskOnDemand}: 0 until the runtime stores a mask it built there).
     */
    private Gc gcsym(GoType t) {
        boolean tooLong = t.ptrdata() / PTR > abi.maxPtrmaskBytes() * Byte.SIZE;
        if (tooLong && !abi.hasGCProgs()) {
            String name = names.helper("gcmask." + t.linkString());
            if (!syms.containsKey(name)) {
                ObjSym s = new ObjSym(name, true);
                if (release.minor() >= 27) {
                    s.pad(PTR); // declared, not written: the object file gives it no bytes (BSS)
                    s.section(ObjSym.Section.NOPTRBSS);
                } else {
                    s.u64(0, 0);
                    s.section(ObjSym.Section.NOPTRDATA);
                }
                syms.put(name, s);
            }
            return new Gc(name, false, true, t.ptrdata());
        }
        if (tooLong) {
            String name = names.helper("gcprog." + t.linkString());
            Long words = gcprogWords.get(name);
            if (words == null) {
                GcProg.Program p = GcProg.of(t);
                ObjSym s = new ObjSym(name, true);
                s.u32(0, p.code().length);
                s.bytes(Integer.BYTES, p.code());
                syms.put(name, s);
                words = p.words();
                gcprogWords.put(name, words);
            }
            return new Gc(name, true, false, words * PTR);
        }
        return new Gc(gcmask(t), false, false, t.ptrdata());
    }

    /** The ptrmask symbol {@code runtime.gcbits.HEX}: one bit per pointer-sized word of ptrdata. */
    private String gcmask(GoType t) {
        int words = (int) (t.ptrdata() / PTR);
        boolean[] bits = new boolean[Math.max(words, 1) + 1];
        t.pointerWords(bits, 0);
        int bytes = (words + 7) / 8;
        if (release.minor() >= 21) {
            bytes = (bytes + PTR - 1) / PTR * PTR; // 1.20 on: the runtime wants masks padded to a whole word (dgcptrmask)
        }
        byte[] mask = new byte[bytes];
        for (int i = 0; i < words; i++) {
            if (bits[i]) {
                mask[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        String name = "runtime.gcbits." + GoType.hex(mask);
        if (!syms.containsKey(name)) {
            ObjSym s = new ObjSym(name, true);
            declareAlign(s, PTR);
            s.bytes(0, mask);
            syms.put(name, s);
        }
        return name;
    }

    /**
     * {@code genhash}: the hash closure of a map key type. Up to Go 1.26 by its algorithm kind; a type hashed by a
     * generated function ({@code type..hash.T}) first gets the closures of its elements or fields, as in Go (a
     * field of plain memory of an odd size gets its {@code type..hashfuncN}). From Go 1.27 by its
     * {@link EqSignature}, like {@link #geneq}: {@code type:.hashfunc.SIG} and nothing for the parts.
     */
    private String genhash(GoType t) {
        if (release.minor() >= 27) {
            String sig = EqSignature.of(this, t);
            String sys = sysClosure("hash", sig);
            return sys != null ? sys : sigClosure("hash", sig);
        }
        String a = alg(t);
        switch (a) {
            case "string" -> { return "runtime.strhash·f"; }
            case "inter" -> { return "runtime.interhash·f"; }
            case "nilinter" -> { return "runtime.nilinterhash·f"; }
            case "f32", "f64", "c64", "c128" -> { return "runtime." + a + "hash·f"; }
            case "mem" -> {
                long size = t.size();
                if (size == 0 || size == 1 || size == 2 || size == 4 || size == 8 || size == 16) {
                    return "runtime.memhash" + (size * 8) + "·f";
                }
                return varlenClosure(names.helper("hashfunc" + size), "runtime.memhash_varlen", size);
            }
            default -> {
                String name = names.helper("hashfunc." + t.linkString());
                if (!syms.containsKey(name)) {
                    // the hashers of the parts first, as the compiler generates them (type..hash.T calls them)
                    GoType u = t.underlying();
                    if (u instanceof GoType.Array arr) {
                        genhash(arr.elem());
                    } else if (u instanceof GoType.Struct st) {
                        st.fields().forEach(f -> genhash(f.type()));
                    }
                }
                return closure(name, names.helper("hash." + t.linkString()));
            }
        }
    }

    /**
     * {@code types.AlgType}: how == and hash treat a type: "noeq", "mem" (plain memory), "string",
     * "inter", "nilinter", "f32", "f64", "c64", "c128", or "special" (a generated function). A
     * one-field struct and a one-element array take their element's algorithm.
     */
    String alg(GoType t) {
        GoType u = t.underlying();
        if (!t.comparable() || noalg(t)) {
            return "noeq";
        }
        if (u instanceof GoType.Interface i) {
            return i.methods().isEmpty() ? "nilinter" : "inter";
        }
        if (u instanceof GoType.Basic b) {
            int k = b.kind();
            if (k == Kinds.STRING) return "string";
            if (k == Kinds.FLOAT32) return "f32";
            if (k == Kinds.FLOAT64) return "f64";
            if (k == Kinds.COMPLEX64) return "c64";
            if (k == Kinds.COMPLEX128) return "c128";
            return "mem";
        }
        if (u instanceof GoType.Struct st) {
            if (st.fields().size() == 1 && !st.fields().getFirst().name().equals("_")) {
                return alg(st.fields().getFirst().type());
            }
            return t.regularMemory() ? "mem" : "special";
        }
        if (u instanceof GoType.Array ar) {
            if (ar.len() == 0) {
                return "mem";
            }
            String a = alg(ar.elem());
            if (a.equals("mem") || a.equals("noeq")) {
                return a;
            }
            return ar.len() == 1 ? a : "special";
        }
        return "mem"; // pointers, chans, unsafe.Pointer
    }

    /**
     * Whether any field of {@code st} has {@code p}, each struct asked once ({@code seen}): a key type of
     * structs that hold the previous one twice would otherwise cost 2^depth.
     */
    private static boolean anyField(GoType.Struct st, java.util.function.Predicate<GoType> p, Map<GoType, Boolean> seen) {
        Boolean known = seen.get(st);
        if (known == null) {
            known = st.fields().stream().anyMatch(f -> p.test(f.type()));
            seen.put(st, known);
        }
        return known;
    }

    /** {@code types.IsReflexive}: k == k for every key (not so for NaN floats and interfaces holding them). */
    private static boolean reflexive(GoType t, Map<GoType, Boolean> seen) {
        GoType u = t.underlying();
        if (u instanceof GoType.Basic b) {
            int k = b.kind();
            return k != Kinds.FLOAT32 && k != Kinds.FLOAT64 && k != Kinds.COMPLEX64
                    && k != Kinds.COMPLEX128;
        }
        if (u instanceof GoType.Interface) {
            return false;
        }
        if (u instanceof GoType.Array a) {
            return reflexive(a.elem(), seen);
        }
        if (u instanceof GoType.Struct st) {
            return !anyField(st, f -> !reflexive(f, seen), seen);
        }
        return true;
    }

    /** {@code needkeyupdate}: an assignment to an existing key must overwrite the stored key (+0/-0, strings). */
    private static boolean needKeyUpdate(GoType t, Map<GoType, Boolean> seen) {
        GoType u = t.underlying();
        if (u instanceof GoType.Basic b) {
            int k = b.kind();
            return k == Kinds.FLOAT32 || k == Kinds.FLOAT64 || k == Kinds.COMPLEX64
                    || k == Kinds.COMPLEX128 || k == Kinds.STRING;
        }
        if (u instanceof GoType.Interface) {
            return true;
        }
        if (u instanceof GoType.Array a) {
            return needKeyUpdate(a.elem(), seen);
        }
        if (u instanceof GoType.Struct st) {
            return anyField(st, f -> needKeyUpdate(f, seen), seen);
        }
        return false;
    }

    /** {@code hashMightPanic}: hashing may panic (an interface holding an unhashable value). */
    private static boolean hashMightPanic(GoType t, Map<GoType, Boolean> seen) {
        GoType u = t.underlying();
        if (u instanceof GoType.Interface) {
            return true;
        }
        if (u instanceof GoType.Array a) {
            return hashMightPanic(a.elem(), seen);
        }
        if (u instanceof GoType.Struct st) {
            return anyField(st, f -> hashMightPanic(f, seen), seen);
        }
        return false;
    }

    /**
     * {@code geneq}: the equality closure of {@code t}, written if the compiler generates it; null for a type ==
     * cannot compare. Up to Go 1.26 by the type's algorithm: a runtime closure ({@code runtime.strequal·f},
     * {@code runtime.memequal64·f}, ...), {@code type..eqfuncN} (memequal_varlen and the size N) for plain memory of
     * another size, or {@code type..eqfunc.T} pointing at the generated {@code type..eq.T}. From Go 1.27 by the
     * type's {@link EqSignature}: the same runtime closures for the signatures they fit ({@code M8}, {@code S},
     * ...), {@code type:.eqfunc.MN} (memequal_varlen) for memory alone, else {@code type:.eqfunc.SIG} pointing at
     * {@code type:.eq.SIG}.
     */
    private String geneq(GoType t) {
        String a = alg(t);
        if (a.equals("noeq")) {
            return null;
        }
        if (release.minor() >= 27) {
            String sig = EqSignature.of(this, t);
            String sys = sysClosure("equal", sig);
            return sys != null ? sys : sigClosure("eq", sig);
        }
        return switch (a) {
            case "string" -> "runtime.strequal·f";
            case "inter" -> "runtime.interequal·f";
            case "nilinter" -> "runtime.nilinterequal·f";
            case "f32", "f64", "c64", "c128" -> "runtime." + a + "equal·f";
            case "mem" -> {
                long size = t.size();
                if (size == 0 || size == 1 || size == 2 || size == 4 || size == 8 || size == 16) {
                    yield "runtime.memequal" + (size * 8) + "·f";
                }
                yield varlenClosure(names.helper("eqfunc" + size), "runtime.memequal_varlen", size);
            }
            // the compiler generates type..eq.T field by field
            default -> closure(names.helper("eqfunc." + t.linkString()), names.helper("eq." + t.linkString()));
        };
    }

    /**
     * Go 1.27 ({@code geneqSig}, {@code genhashSig}): the runtime's closure of {@code op} ("equal" or "hash") that
     * fits signature {@code sig}, or null: {@code ""} memory of size 0, {@code M1}, {@code M2}, {@code M4},
     * {@code M8}, {@code M16}, {@code S}, {@code I}, {@code E}, {@code F}, {@code G}, {@code FF}, {@code GG}.
     */
    private static String sysClosure(String op, String sig) {
        String fn = switch (sig) {
            case "" -> "mem" + op + "0";
            case "M1", "M2", "M4", "M8", "M16" -> "mem" + op + Integer.parseInt(sig.substring(1)) * Byte.SIZE;
            case "S" -> "str" + op;
            case "I" -> "inter" + op;
            case "E" -> "nilinter" + op;
            case "F" -> "f32" + op;
            case "G" -> "f64" + op;
            case "FF" -> "c64" + op;
            case "GG" -> "c128" + op;
            default -> null;
        };
        return fn == null ? null : "runtime." + fn + "·f";
    }

    /**
     * Go 1.27: the closure {@code type:.KINDfunc.SIG} ({@code kind} "eq" or "hash"): for memory alone ({@code MN})
     * the varlen runtime function and N, else a pointer to the generated {@code type:.KIND.SIG}.
     */
    private String sigClosure(String kind, String sig) {
        String name = names.helper(kind + "func." + sig);
        if (sig.matches("M[0-9]+")) {
            String fn = kind.equals("eq") ? "runtime.memequal_varlen" : "runtime.memhash_varlen";
            return varlenClosure(name, fn, Long.parseLong(sig.substring(1)));
        }
        return closure(name, names.helper(kind + "." + sig));
    }

    /** The closure {@code name} of a varlen runtime function: the function, then the size it covers (dupok). */
    private String varlenClosure(String name, String fn, long size) {
        if (!syms.containsKey(name)) {
            ObjSym c = new ObjSym(name, true);
            c.addr(0, fn, 0, false);
            c.u64(PTR, size);
            syms.put(name, c);
        }
        return name;
    }

    /** The closure {@code name} of a generated function {@code fn}: one word pointing at it (dupok). */
    private String closure(String name, String fn) {
        if (!syms.containsKey(name)) {
            ObjSym c = new ObjSym(name, true);
            c.addr(0, fn, 0, false);
            syms.put(name, c);
        }
        return name;
    }

    private static boolean isExported(String name) {
        return !name.isEmpty() && Character.isUpperCase(name.codePointAt(0));
    }
}
