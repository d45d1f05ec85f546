package io.goheap.runtime.iface;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.MCache;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.Procs;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.mem.LiveMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Go 1.19's boxing of values for interfaces (iface.go {@code convT16}, {@code convT32}, {@code convT64},
 * {@code convTstring}, {@code convTslice}, {@code convT}, {@code convTnoptr}): the pointer an
 * interface's data word gets.
 * <ul>
 *   <li>Small integers (below 256) point into {@code runtime.staticuint64s} ({@code [256]uint64} of
 *       0..255 in {@code .noptrdata}, little endian, so a uint16/uint32 reads its value at offset 0):
 *       no allocation.</li>
 *   <li>The empty string and a nil slice point at {@code runtime.zeroVal} ({@code [1024]byte} in
 *       {@code .noptrbss}).</li>
 *   <li>Anything else is a new heap object of the value's size: noscan for integers (so the tiny
 *       allocator packs them), scan for a string or slice header.</li>
 * </ul>
 * Thread-safe: the calling thread's P (if any) serves the allocation; else the heap's shared path.
 * After the runtime closed every method throws {@link IllegalStateException}, the ones that allocate
 * nothing included (they check the memory is open: one volatile read).
 */
public final class Conv {
    /** len(staticuint64s). */
    public static final int STATIC = 256;
    /** maxZero: len(zeroVal). */
    public static final int MAX_ZERO = 1024;
    private static final long STR_PTR = HeaderDescriptor.STRING_STR;
    private static final long STR_LEN = HeaderDescriptor.STRING_LEN;
    private static final long SLICE_ARRAY = HeaderDescriptor.SLICE_ARRAY;
    private static final long SLICE_LEN = HeaderDescriptor.SLICE_LEN;
    private static final long SLICE_CAP = HeaderDescriptor.SLICE_CAP;
    private static final long EFACE_TYPE = HeaderDescriptor.EFACE_TYPE;
    private static final long EFACE_DATA = HeaderDescriptor.EFACE_DATA;
    private static final long IFACE_TAB = HeaderDescriptor.IFACE_TAB;
    private static final long IFACE_DATA = HeaderDescriptor.IFACE_DATA;

    private final Heap heap;
    private final Procs procs;
    private final LiveMemory mem; // the final class: its checks inline without a type test
    private final Symbol staticuint64s;
    private final Symbol zeroVal;
    /** the addresses of the two symbols, read on every call */
    private final long static0;
    private final long zero;

    /** The conversions of a Go 1.19 runtime ({@link #Conv(Image, Heap, Procs, Abi)}). */
    public Conv(Image image, Heap heap, Procs procs) {
        this(image, heap, procs, Abi.of(new io.goheap.runtime.abi.GoRelease(19)));
    }

    /**
     * The conversions of a runtime of {@code abi}'s release: {@code staticuint64s} and {@code zeroVal}
     * defined in {@code image}, boxes from {@code heap} on the current P of {@code procs};
     * {@link io.goheap.runtime.GoRuntime#conv()} makes the runtime's. {@code staticuint64s} is a Go
     * variable in {@code .noptrdata} up to Go 1.23 and read-only assembly data in {@code .rodata} from
     * Go 1.24 (the binaries' symbol tables: {@code D} then {@code R}).
     */
    public Conv(Image image, Heap heap, Procs procs, Abi abi) {
        this.heap = heap;
        this.procs = procs;
        this.mem = image.sys().memory();
        Section staticSec = abi.release().minor() >= 24 ? Section.RODATA : Section.NOPTRDATA;
        this.staticuint64s = image.define(staticSec, "runtime.staticuint64s", 8L * STATIC, Abi.PTR_SIZE);
        this.zeroVal = image.define(Section.NOPTRBSS, "runtime.zeroVal", MAX_ZERO, Abi.PTR_SIZE);
        this.static0 = staticuint64s.address();
        this.zero = zeroVal.address();
        for (int i = 0; i < STATIC; i++) {
            mem.setU64(static0 + 8L * i, i);
        }
    }

    /** {@code convT16}. */
    public long convT16(int val) {
        int v = val & 0xffff;
        if (v < STATIC) {
            mem.ensureOpen();
            return static0 + 8L * v;
        }
        long x = malloc(Short.BYTES, true);
        mem.setU16(x, v);
        return x;
    }

    /** {@code convT32}. */
    public long convT32(int val) {
        if (Integer.compareUnsigned(val, STATIC) < 0) {
            mem.ensureOpen();
            return static0 + 8L * val;
        }
        long x = malloc(Integer.BYTES, true);
        mem.setU32(x, val);
        return x;
    }

    /** {@code convT64}. */
    public long convT64(long val) {
        if (Long.compareUnsigned(val, STATIC) < 0) {
            mem.ensureOpen();
            return static0 + 8L * val;
        }
        long x = malloc(Long.BYTES, true);
        mem.setU64(x, val);
        return x;
    }

    /** {@code convTstring}: a boxed string header {@code {str, len}}; "" boxes to zeroVal. */
    public long convTstring(long str, long len) {
        if (len == 0) {
            mem.ensureOpen();
            return zero;
        }
        long x = malloc(HeaderDescriptor.STRING_SIZE, false);
        mem.setU64(x + STR_PTR, str);
        mem.setU64(x + STR_LEN, len);
        return x;
    }

    /** {@code convTslice}: a boxed slice header; a nil slice (array 0) boxes to zeroVal. */
    public long convTslice(long array, long len, long cap) {
        if (array == 0) {
            mem.ensureOpen();
            return zero;
        }
        long x = malloc(HeaderDescriptor.SLICE_SIZE, false);
        mem.setU64(x + SLICE_ARRAY, array);
        mem.setU64(x + SLICE_LEN, len);
        mem.setU64(x + SLICE_CAP, cap);
        return x;
    }

    /**
     * {@code convT} / {@code convTnoptr}: a heap copy of a value of {@code size} bytes.
     *
     * @param noscan true for a pointer-free type (convTnoptr)
     */
    public long convT(MemorySegment value, boolean noscan) {
        long size = value.byteSize();
        long x = malloc(size, noscan);
        if (size > 0) {
            mem.write(x, value, 0, size);
        }
        return x;
    }

    /** Writes an {@code eface{_type, data}} (any) into {@code dst} (16 bytes). */
    public static void eface(MemorySegment dst, long type, long data) {
        dst.set(ValueLayout.ADDRESS, EFACE_TYPE, MemorySegment.ofAddress(type));
        dst.set(ValueLayout.ADDRESS, EFACE_DATA, MemorySegment.ofAddress(data));
    }

    /** A new {@code eface} in the heap holding (type, data); its address. */
    public long newEface(long type, long data) {
        long e = malloc(HeaderDescriptor.EFACE_SIZE, false);
        mem.setU64(e + EFACE_TYPE, type);
        mem.setU64(e + EFACE_DATA, data);
        return e;
    }

    /** A new {@code iface{tab, data}} in the heap; its address. */
    public long newIface(long tab, long data) {
        long i = malloc(HeaderDescriptor.IFACE_SIZE, false);
        mem.setU64(i + IFACE_TAB, tab);
        mem.setU64(i + IFACE_DATA, data);
        return i;
    }

    /** {@code runtime.staticuint64s}. */
    public Symbol staticuint64s() {
        return staticuint64s;
    }

    /** {@code runtime.zeroVal}. */
    public Symbol zeroVal() {
        return zeroVal;
    }

    private long malloc(long size, boolean noscan) {
        P p = procs.current();
        MCache c = p == null ? null : p.mcache();
        return heap.mallocgc(c, size, noscan, true);
    }
}
