package io.goheap.runtime.abi;

import io.goheap.runtime.mem.GoMemory;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.arraytype;
import io.goheap.layouts.go119.chantype;
import io.goheap.layouts.go119.functype;
import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.method;
import io.goheap.layouts.go119.maptype;
import io.goheap.layouts.go119.ptrtype;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.slicetype;
import io.goheap.layouts.go119.structfield;
import io.goheap.layouts.go119.structtype;
import io.goheap.layouts.go119.uncommontype;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code runtime._type} and its kind-specific tail, read from a {@link Module}'s address space
 * through the jextract offsets. Mirrors what runtime/type.go does: {@link #string()} drops the
 * {@code tflagExtraStar} star, {@link #uncommon()} sits after the kind's tail struct, a func's in/out
 * types after that.
 *
 * <p>Every read is bounds-checked by the address space: a corrupt pointer gives a
 * {@link io.goheap.runtime.mem.BadAddressException}, and slice lengths are capped ({@link #MAX_ELEMS}) before use.
 */
public record TypeView(Module module, long address) {
    /** Longest method, field or parameter list accepted before a length is taken as corrupt. */
    public static final int MAX_ELEMS = 1 << 16;

    private GoMemory space() {
        return module.space();
    }

    /** {@code _type.size}: bytes of a value. */
    public long size() {
        return space().u64(address + _type.size$offset());
    }

    /** {@code _type.ptrdata}: the prefix of a value that holds pointers. */
    public long ptrdata() {
        return space().u64(address + _type.ptrdata$offset());
    }

    /** {@code _type.hash}. */
    public int hash() {
        return space().u32(address + _type.hash$offset());
    }

    /** {@code _type.tflag}: {@link TFlags} bits. */
    public int tflag() {
        return space().u8(address + _type.tflag$offset());
    }

    /** {@code _type.align}. */
    public int align() {
        return space().u8(address + _type.align$offset());
    }

    /** {@code _type.fieldAlign}. */
    public int fieldAlign() {
        return space().u8(address + _type.fieldAlign$offset());
    }

    /** The kind byte as stored, with kindDirectIface and kindGCProg. */
    public int kindByte() {
        return space().u8(address + _type.kind$offset());
    }

    /** {@code kind & kindMask}: GO_KIND_* (25 struct, 20 interface, ...). */
    public int kind() {
        return kindByte() & Go119.GO_KIND_MASK();
    }

    /** {@code _type.equal}: the address of the equality function, or 0. */
    public long equal() {
        return space().u64(address + _type.equal$offset());
    }

    /** {@code _type.gcdata}: the address of the pointer bitmap or GC program. */
    public long gcdata() {
        return space().u64(address + _type.gcdata$offset());
    }

    /** {@code _type.str}: the nameOff of the type's string. */
    public int str() {
        return space().u32(address + _type.str$offset());
    }

    /** {@code _type.ptrToThis}: the typeOff of {@code *T}, or 0. */
    public int ptrToThis() {
        return space().u32(address + _type.ptrToThis$offset());
    }

    /** The type's string as reflect shows it ({@code main.data}, {@code *main.data}, {@code func() int}). */
    public String string() {
        NameView n = module.name(str());
        String s = n == null ? "" : n.name();
        return (tflag() & Go119.GO_TFLAG_EXTRA_STAR()) != 0 && s.startsWith("*") ? s.substring(1) : s;
    }

    /** The kind's name as reflect spells it ({@code struct}, {@code ptr}, {@code interface}, ...). */
    public String kindName() {
        return Kinds.name(kind());
    }

    /** The uncommontype, when tflag has {@code tflagUncommon}; null otherwise. */
    public UncommonTypeView uncommon() {
        if ((tflag() & Go119.GO_TFLAG_UNCOMMON()) == 0) {
            return null;
        }
        return new UncommonTypeView(module, address + tailSize());
    }

    /** Bytes of the kind-specific struct this type starts with (48 for kinds without a tail). */
    public long tailSize() {
        int k = kind();
        if (k == Go119.GO_KIND_PTR()) {
            return ptrtype.sizeof();
        } else if (k == Go119.GO_KIND_SLICE()) {
            return slicetype.sizeof();
        } else if (k == Go119.GO_KIND_ARRAY()) {
            return arraytype.sizeof();
        } else if (k == Go119.GO_KIND_CHAN()) {
            return chantype.sizeof();
        } else if (k == Go119.GO_KIND_FUNC()) {
            return functype.sizeof();
        } else if (k == Go119.GO_KIND_MAP()) {
            return module.abi().mapTypeSize();
        } else if (k == Go119.GO_KIND_STRUCT()) {
            return structtype.sizeof();
        } else if (k == Go119.GO_KIND_INTERFACE()) {
            return interfacetype.sizeof();
        }
        return _type.sizeof();
    }

    /**
     * The bytes this descriptor takes where the linker lays descriptors one after the other (Go 1.27's
     * {@code Type.DescriptorSize}): the kind's struct, the uncommon type, the parameter words of a func,
     * the imethods of an interface or the fields of a struct, then the methods.
     *
     * @throws IllegalStateException for a kind that has no descriptor (Go panics "invalid type descriptor")
     *         or an implausible count
     */
    public long descriptorSize() {
        int k = kind();
        if (k == 0 || k > Go119.GO_KIND_UNSAFE_POINTER()) {
            throw new IllegalStateException("invalid type descriptor: kind " + k);
        }
        long add = 0;
        if (k == Go119.GO_KIND_FUNC()) {
            add = (long) (in().size() + out().size()) * Go119.GO_PTR_SIZE();
        } else if (k == Go119.GO_KIND_INTERFACE()) {
            add = (long) asInterface().methodCount() * imethod.sizeof();
        } else if (k == Go119.GO_KIND_STRUCT()) {
            add = (long) checkCount(space().u64(address + structtype.fields$offset() + slice.len$offset())) * structfield.sizeof();
        }
        UncommonTypeView u = uncommon();
        return tailSize() + (u == null ? 0 : uncommontype.sizeof() + (long) checkCount(u.mcount()) * method.sizeof()) + add;
    }

    /** The element type of a pointer, slice, array, chan or map. @throws IllegalStateException for other kinds */
    public TypeView elem() {
        int k = kind();
        long off;
        if (k == Go119.GO_KIND_PTR()) {
            off = ptrtype.elem$offset();
        } else if (k == Go119.GO_KIND_SLICE()) {
            off = slicetype.elem$offset();
        } else if (k == Go119.GO_KIND_ARRAY()) {
            off = arraytype.elem$offset();
        } else if (k == Go119.GO_KIND_CHAN()) {
            off = chantype.elem$offset();
        } else if (k == Go119.GO_KIND_MAP()) {
            off = maptype.elem$offset();
        } else {
            throw new IllegalStateException(string() + " (" + kindName() + ") has no element type");
        }
        return module.typeAt(space().u64(address + off));
    }

    /**
     * The addresses of the types this descriptor points at, in a fixed order: the element (pointer, slice,
     * array, chan, map), an array's slice type, a map's key and its bucket (up to Go 1.23) or group type
     * (swiss maps), a func's parameters and results, a struct's field types, an interface's method func
     * types, the uncommon methods' func types, and {@code ptrToThis}. What a walk of every type a module
     * holds follows from typelinks and itabs. Nulls left out.
     *
     * @throws io.goheap.runtime.mem.BadAddressException if the descriptor or a list it holds is unreadable
     * @throws IllegalStateException if a list's length is implausible
     */
    public List<Long> referencedTypes() {
        List<Long> out = new ArrayList<>();
        int k = kind();
        if (k == Go119.GO_KIND_PTR() || k == Go119.GO_KIND_SLICE() || k == Go119.GO_KIND_ARRAY() || k == Go119.GO_KIND_CHAN()
                || k == Go119.GO_KIND_MAP()) {
            add(out, elem());
        }
        if (k == Go119.GO_KIND_ARRAY()) {
            addWord(out, address + arraytype.slice$offset());
        }
        if (k == Go119.GO_KIND_MAP()) {
            addWord(out, address + maptype.key$offset());
            // maptype.bucket (1.19) and abi.SwissMapType.Group / abi.MapType.Group are all at offset 64
            addWord(out, address + module.abi().offsetOf("maptype", "bucket"));
        }
        if (k == Go119.GO_KIND_FUNC()) {
            in().forEach(x -> add(out, x));
            out().forEach(x -> add(out, x));
        }
        if (k == Go119.GO_KIND_STRUCT()) {
            fields().forEach(f -> add(out, f.type()));
        }
        if (k == Go119.GO_KIND_INTERFACE()) {
            for (InterfaceTypeView.IMethod m : asInterface().methods()) {
                add(out, m.type());
            }
        }
        UncommonTypeView u = uncommon();
        if (u != null) {
            for (UncommonTypeView.Method m : u.methods()) {
                add(out, m.type());
            }
        }
        add(out, module.type(ptrToThis()));
        return out;
    }

    private static void add(List<Long> out, TypeView t) {
        if (t != null) {
            out.add(t.address());
        }
    }

    private void addWord(List<Long> out, long at) {
        long a = space().u64(at);
        if (a != 0) {
            out.add(a);
        }
    }

    /** A func type's parameters. @throws IllegalStateException if not a func */
    public List<TypeView> in() {
        requireKind(Go119.GO_KIND_FUNC());
        return params(0, space().u16(address + functype.inCount$offset()));
    }

    /** A func type's results (without the variadic bit). */
    public List<TypeView> out() {
        requireKind(Go119.GO_KIND_FUNC());
        int in = space().u16(address + functype.inCount$offset());
        int out = space().u16(address + functype.outCount$offset()) & 0x7fff;
        return params(in, out);
    }

    /** Whether a func type's last parameter is variadic (the top bit of outCount). */
    public boolean isVariadic() {
        requireKind(Go119.GO_KIND_FUNC());
        return (space().u16(address + functype.outCount$offset()) & 0x8000) != 0;
    }

    private List<TypeView> params(int from, int n) {
        long base = address + functype.sizeof()
                + ((tflag() & Go119.GO_TFLAG_UNCOMMON()) != 0 ? uncommontype.sizeof() : 0);
        List<TypeView> out = new ArrayList<>(checkCount(n));
        for (int i = 0; i < n; i++) {
            out.add(module.typeAt(space().u64(base + 8L * (from + i))));
        }
        return out;
    }

    /** One field of a struct type. */
    public record Field(NameView name, TypeView type, long offset) {
    }

    /** A struct type's fields, in declaration order. @throws IllegalStateException if not a struct */
    public List<Field> fields() {
        requireKind(Go119.GO_KIND_STRUCT());
        long hdr = address + structtype.fields$offset();
        long array = space().u64(hdr + slice.array$offset());
        int n = checkCount(space().u64(hdr + slice.len$offset()));
        List<Field> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long f = array + i * structfield.sizeof();
            out.add(new Field(new NameView(space(), space().u64(f + structfield.name$offset())),
                    module.typeAt(space().u64(f + structfield.typ$offset())), space().u64(f + structfield.offset$offset())));
        }
        return out;
    }

    /** This type as an interface type. @throws IllegalStateException if not an interface */
    public InterfaceTypeView asInterface() {
        requireKind(Go119.GO_KIND_INTERFACE());
        return new InterfaceTypeView(module, address);
    }

    private void requireKind(int k) {
        if (kind() != k) {
            throw new IllegalStateException(string() + " is a " + kindName() + ", not a " + Kinds.name(k));
        }
    }

    static int checkCount(long n) {
        if (n < 0 || n > MAX_ELEMS) {
            throw new IllegalStateException("implausible element count " + n + " (corrupt type data?)");
        }
        return (int) n;
    }
}
