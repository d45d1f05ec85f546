package io.goheap.runtime.iface;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119.eface;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.string;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.MCache;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.Procs;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;

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
 */
public final class Conv {
    /** len(staticuint64s). */
    public static final int STATIC = 256;
    /** maxZero: len(zeroVal). */
    public static final int MAX_ZERO = 1024;

    private final Heap heap;
    private final Procs procs;
    private final Symbol staticuint64s;
    private final Symbol zeroVal;

    public Conv(Image image, Heap heap, Procs procs) {
        this.heap = heap;
        this.procs = procs;
        this.staticuint64s = image.define(Section.NOPTRDATA, "runtime.staticuint64s", 8L * STATIC, Go119.GO_PTR_SIZE());
        this.zeroVal = image.define(Section.NOPTRBSS, "runtime.zeroVal", MAX_ZERO, Go119.GO_PTR_SIZE());
        MemorySegment s = image.segment(staticuint64s);
        for (int i = 0; i < STATIC; i++) {
            s.setAtIndex(ValueLayout.JAVA_LONG, i, i);
        }
    }

    /** {@code convT16}. */
    public long convT16(int val) {
        int v = val & 0xffff;
        if (v < STATIC) {
            return staticuint64s.address() + 8L * v;
        }
        long x = malloc(Short.BYTES, true);
        heap.segment(x, Short.BYTES).set(ValueLayout.JAVA_SHORT, 0, (short) v);
        return x;
    }

    /** {@code convT32}. */
    public long convT32(int val) {
        if (Integer.compareUnsigned(val, STATIC) < 0) {
            return staticuint64s.address() + 8L * val;
        }
        long x = malloc(Integer.BYTES, true);
        heap.segment(x, Integer.BYTES).set(ValueLayout.JAVA_INT, 0, val);
        return x;
    }

    /** {@code convT64}. */
    public long convT64(long val) {
        if (Long.compareUnsigned(val, STATIC) < 0) {
            return staticuint64s.address() + 8L * val;
        }
        long x = malloc(Long.BYTES, true);
        heap.segment(x, Long.BYTES).set(ValueLayout.JAVA_LONG, 0, val);
        return x;
    }

    /** {@code convTstring}: a boxed string header {@code {str, len}}; "" boxes to zeroVal. */
    public long convTstring(long str, long len) {
        if (len == 0) {
            return zeroVal.address();
        }
        long x = malloc(string.sizeof(), false);
        MemorySegment h = heap.segment(x, string.sizeof());
        string.str(h, MemorySegment.ofAddress(str));
        string.len(h, len);
        return x;
    }

    /** {@code convTslice}: a boxed slice header; a nil slice (array 0) boxes to zeroVal. */
    public long convTslice(long array, long len, long cap) {
        if (array == 0) {
            return zeroVal.address();
        }
        long x = malloc(slice.sizeof(), false);
        MemorySegment h = heap.segment(x, slice.sizeof());
        slice.array(h, MemorySegment.ofAddress(array));
        slice.len(h, len);
        slice.cap(h, cap);
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
            MemorySegment.copy(value, 0, heap.segment(x, size), 0, size);
        }
        return x;
    }

    /** Writes an {@code eface{_type, data}} (any) into {@code dst} (16 bytes). */
    public static void eface(MemorySegment dst, long type, long data) {
        eface._type(dst, MemorySegment.ofAddress(type));
        eface.data(dst, MemorySegment.ofAddress(data));
    }

    /** A new {@code eface} in the heap holding (type, data); its address. */
    public long newEface(long type, long data) {
        long e = malloc(eface.sizeof(), false);
        eface(heap.segment(e, eface.sizeof()), type, data);
        return e;
    }

    /** A new {@code iface{tab, data}} in the heap; its address. */
    public long newIface(long tab, long data) {
        long i = malloc(io.goheap.layouts.go119.iface.sizeof(), false);
        MemorySegment s = heap.segment(i, io.goheap.layouts.go119.iface.sizeof());
        io.goheap.layouts.go119.iface.tab(s, MemorySegment.ofAddress(tab));
        io.goheap.layouts.go119.iface.data(s, MemorySegment.ofAddress(data));
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
