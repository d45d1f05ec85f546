package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real native calls through {@code itab.fun[k]}: the word is loaded from the itab and called at that
 * address with the interface's data word as receiver, through a downcall handle cached per signature
 * (one unbound handle serves every address; none is built per call).
 *
 * <p>The linked image's method bodies return {function index, receiver} in RAX:RDX (see
 * {@link io.goheap.runtime.image.Linker}); {@link #callMethod} reads both back: which method ran, on
 * which receiver. The return buffer is a per-thread segment, so a call allocates no native memory.
 */
public final class Calls {
    /** {@code struct { int64 index; int64 receiver; }}, returned in RAX:RDX. */
    public static final StructLayout RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("index"), ValueLayout.JAVA_LONG.withName("receiver"));
    private static final FunctionDescriptor METHOD = FunctionDescriptor.of(RESULT, ValueLayout.JAVA_LONG);
    private static final long INDEX = RESULT.byteOffset(MemoryLayout.PathElement.groupElement("index"));
    private static final long RECEIVER = RESULT.byteOffset(MemoryLayout.PathElement.groupElement("receiver"));

    private static final ConcurrentHashMap<FunctionDescriptor, MethodHandle> HANDLES = new ConcurrentHashMap<>();
    private static final ThreadLocal<MemorySegment> RETURN = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(RESULT));

    private final Module module;

    public Calls(Module module) {
        this.module = module;
    }

    /** What ran: the index of the function in the linker's table, and the receiver it got. */
    public record Result(long function, long receiver) {
    }

    /**
     * Calls {@code fun[k]} of the itab {@code tab} with receiver {@code data} (an {@code iface{tab, data}}).
     *
     * @throws IllegalStateException if fun[k] is 0 (a negative itab)
     */
    public Result callMethod(long tab, long data, int k) {
        long fn = module.space().u64(tab + ItabDescriptor.funOffset(k));
        if (fn == 0) {
            throw new IllegalStateException("itab 0x" + Long.toHexString(tab) + " has no fun[" + k + "]");
        }
        MemorySegment ret = RETURN.get();
        try {
            MemorySegment r = (MemorySegment) handle(METHOD).invokeExact(MemorySegment.ofAddress(fn),
                    (java.lang.foreign.SegmentAllocator) (size, align) -> ret, data);
            return new Result(r.get(ValueLayout.JAVA_LONG, INDEX), r.get(ValueLayout.JAVA_LONG, RECEIVER));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call through fun[" + k + "]", t);
        }
    }

    /**
     * {@code Iface.call(k, args)}: calls {@code fun[k]} of itab {@code tab} with the receiver {@code data}
     * followed by {@code args}, as a C function of signature {@code fd} (its first parameter the
     * receiver word). The handle is cached per signature; the arguments are boxed (a general, not a
     * fast, path: {@link #callMethod} is the allocation-light one).
     *
     * @throws IllegalStateException if fun[k] is 0
     */
    public Object call(long tab, long data, int k, FunctionDescriptor fd, Object... args) {
        long fn = module.space().u64(tab + ItabDescriptor.funOffset(k));
        if (fn == 0) {
            throw new IllegalStateException("itab 0x" + Long.toHexString(tab) + " has no fun[" + k + "]");
        }
        Object[] all = new Object[args.length + 2];
        all[0] = MemorySegment.ofAddress(fn);
        all[1] = data;
        System.arraycopy(args, 0, all, 2, args.length);
        try {
            return handle(fd).invokeWithArguments(all);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call through fun[" + k + "]", t);
        }
    }

    /** The unbound downcall handle for {@code fd}, built once per signature. */
    public static MethodHandle handle(FunctionDescriptor fd) {
        return HANDLES.computeIfAbsent(fd, d -> Linker.nativeLinker().downcallHandle(d));
    }
}
