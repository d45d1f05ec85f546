package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.arraytype;
import io.goheap.layouts.go119.chantype;
import io.goheap.layouts.go119.functype;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.maptype;
import io.goheap.layouts.go119.ptrtype;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.structtype;
import io.goheap.layouts.go119.uncommontype;
import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.mem.GoMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Finds the type descriptors of a module that nothing else points at: the types only code refers to
 * (an interface literal a type assertion names, a closure's context struct, a type only {@code new}
 * allocates). Typelinks, itabs and the types' own links do not reach them, and a stripped binary has
 * no symbol for them; the release's own DWARF lists them (its {@code DW_AT_go_runtime_type}). The scan
 * walks {@code [types, etypes)} at pointer alignment and keeps an address only when the bytes there are
 * a descriptor by every rule the linker follows, so that data that merely resembles one is left out:
 * <ul>
 *   <li>the kind is 1..26 and the kind byte carries only the release's flags (direct-interface and
 *       GC-program before 1.26, none after); tflag only the release's bits; align and field align 1, 2,
 *       4 or 8; the size is the kind's (8 for a pointer, 24 for a slice, ...) and ptrdata at most size;</li>
 *   <li>the name ({@code str}) lies in the types, its flags are a name's, its bytes valid UTF-8 without
 *       control characters, and it starts with {@code *} when tflag says ExtraStar;</li>
 *   <li>{@code ptrToThis} is 0 or a pointer type whose element is this one; {@code equal} is 0 or code;</li>
 *   <li>the kind's links lie in the types: element, key, bucket or group, an array's slice type (and
 *       its length times the element's size is its size), a chan's direction, a func's parameters, an
 *       interface's and a struct's slices (length = capacity, every field's type), the uncommon type's
 *       counts (xcount at most mcount) and package path.</li>
 * </ul>
 * Immutable; every read is bounds-checked ({@link GoMemory}), a descriptor that reads out of bounds is
 * no descriptor.
 */
public final class TypeScan {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int PTR = Go119.GO_PTR_SIZE();
    private static final int KIND_MASK = Go119.GO_KIND_MASK();

    private final Module module;
    private final GoMemory space;
    private final int kindFlags;
    private final int tflags;

    /** A scan of {@code module}'s types with its release's rules ({@link Module#abi()}). */
    public TypeScan(Module module) {
        this.module = module;
        this.space = module.space();
        int minor = module.abi().release().minor();
        // kindDirectIface 0x20 and kindGCProg 0x40 up to 1.23; GCProg gone in 1.24; no flags in the kind from 1.26
        this.kindFlags = minor >= 26 ? 0 : minor >= 24 ? Go119.GO_KIND_DIRECT_IFACE() : Go119.GO_KIND_DIRECT_IFACE() | Go119.GO_KIND_GC_PROG();
        // Uncommon 1, ExtraStar 2, Named 4, RegularMemory 8; 0x10 UnrolledBitmap (1.22) / GCMaskOnDemand (1.24); 0x20 DirectIface (1.26)
        int t = Go119.GO_TFLAG_UNCOMMON() | Go119.GO_TFLAG_EXTRA_STAR() | Go119.GO_TFLAG_NAMED() | Go119.GO_TFLAG_REGULAR_MEMORY();
        this.tflags = t | (minor >= 22 ? 0x10 : 0) | (minor >= 26 ? 0x20 : 0);
    }

    /**
     * Calls {@code found} with every pointer-aligned address of {@code [types, etypes)} that holds a
     * type descriptor by the rules above, in address order.
     *
     * @throws BadAddressException if the types region itself is not readable
     */
    public void scan(LongConsumer found) {
        long types = module.types();
        long len = module.etypes() - types;
        MemorySegment seg = space.slice(types, len);
        long first = Long.remainderUnsigned(PTR - Long.remainderUnsigned(types, PTR), PTR);
        long typeSize = _type.sizeof();
        for (long off = first; off + typeSize <= len; off += PTR) {
            int kindByte = seg.get(ValueLayout.JAVA_BYTE, off + _type.kind$offset()) & 0xff;
            int kind = kindByte & KIND_MASK;
            if (kind == 0 || kind > Go119.GO_KIND_UNSAFE_POINTER() || (kindByte & ~(KIND_MASK | kindFlags)) != 0) {
                continue;
            }
            int align = seg.get(ValueLayout.JAVA_BYTE, off + _type.align$offset()) & 0xff;
            int fieldAlign = seg.get(ValueLayout.JAVA_BYTE, off + _type.fieldAlign$offset()) & 0xff;
            if (!isAlign(align) || !isAlign(fieldAlign)
                    || ((seg.get(ValueLayout.JAVA_BYTE, off + _type.tflag$offset()) & 0xff) & ~tflags) != 0) {
                continue;
            }
            long size = seg.get(U64, off + _type.size$offset());
            long fixed = fixedSize(kind);
            if ((fixed >= 0 && size != fixed) || size < 0 || size > 1L << 48
                    || Long.compareUnsigned(seg.get(U64, off + _type.ptrdata$offset()), size) > 0) {
                continue;
            }
            if (isDescriptor(types + off)) {
                found.accept(types + off);
            }
        }
    }

    /** Whether the bytes at {@code a} are a type descriptor by every rule of the class comment. */
    public boolean isDescriptor(long a) {
        try {
            TypeView t = new TypeView(module, a);
            int kind = t.kind();
            if (!plausibleName(t) || !isFuncValue(t.equal())) {
                return false;
            }
            int ptt = t.ptrToThis();
            if (ptt != 0 && ptt != -1) {
                long p = module.types() + Integer.toUnsignedLong(ptt);
                if (!inTypes(p) || (space.u8(p + _type.kind$offset()) & KIND_MASK) != Go119.GO_KIND_PTR() || space.u64(p + ptrtype.elem$offset()) != a) {
                    return false;
                }
            }
            if (!kindLinks(t, kind)) {
                return false;
            }
            UncommonTypeView u = t.uncommon();
            if (u != null) {
                int pkg = u.pkgPathOff();
                if (u.xcount() > u.mcount() || (pkg != 0 && !inTypes(module.types() + Integer.toUnsignedLong(pkg)))
                        || u.moff() < uncommontype.sizeof() || u.moff() > 1 << 20) {
                    return false;
                }
            }
            return true;
        } catch (BadAddressException | IllegalStateException e) {
            return false;
        }
    }

    private boolean kindLinks(TypeView t, int kind) {
        long a = t.address();
        if (kind == Go119.GO_KIND_PTR() || kind == Go119.GO_KIND_SLICE()) {
            return inTypes(space.u64(a + ptrtype.elem$offset()));
        } else if (kind == Go119.GO_KIND_ARRAY()) {
            long elem = space.u64(a + arraytype.elem$offset());
            long len = space.u64(a + arraytype.len$offset());
            return inTypes(elem) && inTypes(space.u64(a + arraytype.slice$offset())) && len >= 0
                    && Math.multiplyHigh(len, space.u64(elem + _type.size$offset())) == 0 && len * space.u64(elem + _type.size$offset()) == t.size();
        } else if (kind == Go119.GO_KIND_CHAN()) {
            long dir = space.u64(a + chantype.dir$offset());
            return inTypes(space.u64(a + chantype.elem$offset())) && dir >= 1 && dir <= 3;
        } else if (kind == Go119.GO_KIND_MAP()) {
            return inTypes(space.u64(a + maptype.key$offset())) && inTypes(space.u64(a + maptype.elem$offset()))
                    && inTypes(space.u64(a + module.abi().offsetOf("maptype", "bucket")));
        } else if (kind == Go119.GO_KIND_FUNC()) {
            int in = space.u16(a + functype.inCount$offset());
            int out = space.u16(a + functype.outCount$offset()) & 0x7fff;
            if (in + out > 1 << 10) {
                return false;
            }
            for (TypeView p : t.in()) {
                if (p == null || !inTypes(p.address())) {
                    return false;
                }
            }
            for (TypeView p : t.out()) {
                if (p == null || !inTypes(p.address())) {
                    return false;
                }
            }
            return true;
        } else if (kind == Go119.GO_KIND_INTERFACE()) {
            long pkg = space.u64(a + interfacetype.pkgpath$offset());
            return (pkg == 0 || inTypes(pkg)) && isSlice(a + interfacetype.mhdr$offset());
        } else if (kind == Go119.GO_KIND_STRUCT()) {
            long pkg = space.u64(a + structtype.pkgPath$offset());
            if ((pkg != 0 && !inTypes(pkg)) || !isSlice(a + structtype.fields$offset())) {
                return false;
            }
            for (TypeView.Field f : t.fields()) {
                if (f.type() == null || !inTypes(f.type().address()) || Long.compareUnsigned(f.offset(), t.size()) > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A slice header of at most {@link TypeView#MAX_ELEMS} whose length equals its capacity and whose array is in the types (or 0 when empty). */
    private boolean isSlice(long hdr) {
        long array = space.u64(hdr + slice.array$offset());
        long len = space.u64(hdr + slice.len$offset());
        long cap = space.u64(hdr + slice.cap$offset());
        return len == cap && len >= 0 && len <= TypeView.MAX_ELEMS && (len == 0 ? array == 0 || inTypes(array) : inTypes(array));
    }

    private boolean plausibleName(TypeView t) {
        int str = t.str();
        if (str <= 0) {
            return false;
        }
        long at = module.types() + Integer.toUnsignedLong(str);
        if (!inTypes(at) || (space.u8(at) & ~0x0f) != 0) {
            return false;
        }
        String s;
        try {
            byte[] b = nameBytes(at);
            if (b.length == 0) {
                return false;
            }
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return (t.tflag() & Go119.GO_TFLAG_EXTRA_STAR()) == 0 || s.startsWith("*");
    }

    /** The bytes of the name at {@code at}: its varint length, at most 64 KiB, inside the types. */
    private byte[] nameBytes(long at) {
        int len = 0;
        int i = 0;
        for (; i < 3; i++) {
            int b = space.u8(at + 1 + i);
            len |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (i == 3 || len > 1 << 16) {
            return new byte[0];
        }
        long from = at + 1 + i + 1;
        if (!inTypes(from + len - 1)) {
            return new byte[0];
        }
        return space.read(from, len);
    }

    private boolean inTypes(long a) {
        return a != 0 && module.inTypes(a);
    }

    /** 0, or a Go func value: a pointer to a closure whose first word is code ({@code equal} is a {@code func}). */
    private boolean isFuncValue(long a) {
        if (a == 0) {
            return true;
        }
        long pc = space.u64(a);
        return Long.compareUnsigned(pc, module.text()) >= 0 && Long.compareUnsigned(pc, module.etext()) < 0;
    }

    private static boolean isAlign(int a) {
        return a == 1 || a == 2 || a == 4 || a == 8;
    }

    /** The size every descriptor of {@code kind} has on amd64, or -1 for arrays and structs. */
    private static long fixedSize(int kind) {
        return switch (kind) {
            case 1, 3, 8 -> 1; // bool, int8, uint8
            case 4, 9 -> 2; // int16, uint16
            case 5, 10, 13 -> 4; // int32, uint32, float32
            case 2, 6, 7, 11, 12, 14, 15, 18, 19, 21, 22, 26 -> 8; // int, int64, uint, uint64, uintptr, float64, complex64, chan, func, map, ptr, unsafe.Pointer
            case 16, 20, 24 -> 16; // complex128, interface, string
            case 23 -> 24; // slice
            default -> -1;
        };
    }
}
