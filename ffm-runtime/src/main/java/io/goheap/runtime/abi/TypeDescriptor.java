package io.goheap.runtime.abi;

import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.functype;
import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.structfield;
import io.goheap.layouts.go119.uncommontype;

/**
 * Offsets and sizes of Go 1.19's type descriptor {@code runtime._type} and of the structs that follow
 * it in the descriptors the compiler writes ({@code uncommontype}, {@code functype}'s counts, the
 * {@code imethod}s of an interface, the {@code structfield}s of a struct), all read from the jextract
 * layouts. These layouts are the same in every release goheap holds (1.21 renamed the fields, not their
 * places: {@code AbiTest.SAME_LAYOUT} checks it), so they are constants.
 * <pre>
 *   _type (48 bytes)
 *   0         8         16     20    21   22    23     24       32       40    44      48
 *   +---------+---------+------+-----+----+-----+------+--------+--------+-----+-------+
 *   | size    | ptrdata | hash | tfl | al | fal | kind | equal  | gcdata | str | ptrTo |
 *   +---------+---------+------+-----+----+-----+------+--------+--------+-----+-------+
 *   uncommontype (16 bytes, after the kind's struct)
 *   0         4        6        8      12   16
 *   +---------+--------+--------+------+----+
 *   | pkgpath | mcount | xcount | moff | _  |
 *   +---------+--------+--------+------+----+
 *   imethod (8 bytes)
 *   0      4      8
 *   +------+------+
 *   | name | ityp |
 *   +------+------+
 *   structfield (24 bytes)
 *   0         8         16        24
 *   +---------+---------+---------+
 *   | name    | typ     | offset  |
 *   +---------+---------+---------+
 *   functype (56 bytes): _type; inCount uint16 @48; outCount uint16 @50 (top bit: variadic);
 *       the parameter words follow (after the uncommontype, if any)
 *   interfacetype (80 bytes): _type; pkgpath name @48; mhdr []imethod @56, its len @64
 * </pre>
 * Sizes and offsets are bytes; {@code hash}, {@code moff} and the offs are 32-bit, {@code tflag},
 * {@code align}, {@code fieldAlign} and {@code kind} one byte; {@code str}, {@code pkgpath} and
 * {@code imethod.name} are nameOffs, {@code ptrToThis} and {@code ityp} typeOffs. {@code moff} counts
 * from the uncommontype's own start; {@code tflag} bits are {@link TFlags}, the kind
 * byte's {@link Kinds}. If the header changes, this diagram and native/include/goheap/go1_19_amd64.h
 * change together.
 */
public final class TypeDescriptor {
    /** {@code _type.size}: bytes of a value. */
    public static final long SIZE_OFFSET = _type.size$offset();
    /** {@code _type.ptrdata}: bytes of the prefix holding every pointer. */
    public static final long PTRDATA_OFFSET = _type.ptrdata$offset();
    /** {@code _type.hash} (uint32): the link string's hash ({@link TypeHash}). */
    public static final long HASH_OFFSET = _type.hash$offset();
    /** {@code _type.tflag} (uint8): {@link TFlags}. */
    public static final long TFLAG_OFFSET = _type.tflag$offset();
    /** {@code _type.align} (uint8). */
    public static final long ALIGN_OFFSET = _type.align$offset();
    /** {@code _type.fieldAlign} (uint8). */
    public static final long FIELD_ALIGN_OFFSET = _type.fieldAlign$offset();
    /** {@code _type.kind} (uint8): {@link Kinds}. */
    public static final long KIND_OFFSET = _type.kind$offset();
    /** {@code _type.equal}: the equality function's closure, or 0. */
    public static final long EQUAL_OFFSET = _type.equal$offset();
    /** {@code _type.gcdata}: the pointer mask or GC program. */
    public static final long GCDATA_OFFSET = _type.gcdata$offset();
    /** {@code _type.str} (nameOff): the type's string. */
    public static final long STR_OFFSET = _type.str$offset();
    /** {@code _type.ptrToThis} (typeOff), or 0. */
    public static final long PTR_TO_THIS_OFFSET = _type.ptrToThis$offset();
    /** sizeof(_type): the descriptor of a kind without a struct of its own. */
    public static final long TYPE_SIZE = _type.sizeof();

    /** {@code uncommontype.pkgpath} (nameOff). */
    public static final long UNCOMMON_PKGPATH_OFFSET = uncommontype.pkgpath$offset();
    /** {@code uncommontype.mcount} (uint16): methods. */
    public static final long UNCOMMON_MCOUNT_OFFSET = uncommontype.mcount$offset();
    /** {@code uncommontype.xcount} (uint16): exported methods, which come first. */
    public static final long UNCOMMON_XCOUNT_OFFSET = uncommontype.xcount$offset();
    /** {@code uncommontype.moff} (uint32): offset of the methods from the uncommontype. */
    public static final long UNCOMMON_MOFF_OFFSET = uncommontype.moff$offset();
    /** {@code uncommontype._} (uint32): the blank padding word, written 0. */
    public static final long UNCOMMON_BLANK_OFFSET = uncommontype._12$offset();
    /** sizeof(uncommontype). */
    public static final long UNCOMMON_SIZE = uncommontype.sizeof();

    /** sizeof(functype): the {@code _type} and the two counts, padded to a word; the parameter words follow. */
    public static final long FUNCTYPE_SIZE = functype.sizeof();
    /** sizeof(interfacetype). */
    public static final long INTERFACETYPE_SIZE = interfacetype.sizeof();
    /** {@code len(interfacetype.mhdr)}: the interface's method count. */
    public static final long INTERFACETYPE_MHDR_LEN_OFFSET = interfacetype.mhdr$offset() + slice.len$offset();
    /** sizeof(imethod). */
    public static final long IMETHOD_SIZE = imethod.sizeof();
    /** sizeof(structfield). */
    public static final long STRUCTFIELD_SIZE = structfield.sizeof();

    private TypeDescriptor() {
    }
}
