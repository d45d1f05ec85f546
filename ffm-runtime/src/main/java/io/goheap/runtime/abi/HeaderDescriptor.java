package io.goheap.runtime.abi;

import io.goheap.layouts.go119.eface;
import io.goheap.layouts.go119.iface;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.string;

/**
 * Offsets and sizes of the value headers the runtime boxes and reads: a string ({@code stringStruct}),
 * a slice, an empty interface ({@code eface}) and a non-empty one ({@code iface}), all read from the
 * jextract layouts. The same in every release goheap holds ({@code AbiTest.SAME_LAYOUT}).
 * <pre>
 *            0                   8                   16                  24
 *            +-------------------+-------------------+
 *   string   | str  *byte        | len  int          |                      16 bytes
 *            +-------------------+-------------------+-------------------+
 *   slice    | array *T          | len  int          | cap  int          |  24 bytes
 *            +-------------------+-------------------+-------------------+
 *   eface    | _type *_type      | data unsafe.Ptr   |                      16 bytes
 *            +-------------------+-------------------+
 *   iface    | tab  *itab        | data unsafe.Ptr   |                      16 bytes
 *            +-------------------+-------------------+
 * </pre>
 * {@code len <= cap}; a nil slice has {@code array == 0}. If the header changes, this diagram and
 * native/include/goheap/go1_19_amd64.h change together.
 */
public final class HeaderDescriptor {
    /** {@code stringStruct.str}, {@code .len}, sizeof. */
    public static final long STRING_STR = string.str$offset();
    /** {@code stringStruct.len}. */
    public static final long STRING_LEN = string.len$offset();
    /** sizeof(stringStruct). */
    public static final long STRING_SIZE = string.sizeof();
    /** {@code slice.array}, {@code .len}, {@code .cap}, sizeof and alignment. */
    public static final long SLICE_ARRAY = slice.array$offset();
    /** {@code slice.len}. */
    public static final long SLICE_LEN = slice.len$offset();
    /** {@code slice.cap}. */
    public static final long SLICE_CAP = slice.cap$offset();
    /** sizeof(slice). */
    public static final long SLICE_SIZE = slice.sizeof();
    /** The alignment of a slice header. */
    public static final long SLICE_ALIGN = slice.layout().byteAlignment();
    /** {@code eface._type}, {@code .data}, sizeof. */
    public static final long EFACE_TYPE = eface._type$offset();
    /** {@code eface.data}. */
    public static final long EFACE_DATA = eface.data$offset();
    /** sizeof(eface). */
    public static final long EFACE_SIZE = eface.sizeof();
    /** {@code iface.tab}, {@code .data}, sizeof. */
    public static final long IFACE_TAB = iface.tab$offset();
    /** {@code iface.data}. */
    public static final long IFACE_DATA = iface.data$offset();
    /** sizeof(iface). */
    public static final long IFACE_SIZE = iface.sizeof();

    private HeaderDescriptor() {
    }
}
