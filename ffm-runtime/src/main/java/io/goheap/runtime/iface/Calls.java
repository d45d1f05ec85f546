package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.mem.GoMemory;

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
 * Real native calls through {@code itab.fun[k]}: the word is loaded from the itab, checked to lie in the
 * module's {@code .text}, and called at that address with the interface's data word as receiver, through
 * an unbound downcall handle built once per signature (one handle serves every address).
 *
 * <h2 id="paths">Fast and slow paths</h2>
 * <ul>
 *   <li>{@link #callLong(long, long, int)} and {@link #callLong(long, long, int, long)}: the fast path,
 *       for methods taking integer words and returning one in RAX. A cached
 *       {@link java.lang.foreign.Linker.Option#critical critical} handle, invoked exactly
 *       ({@code invokeExact}, no boxing, no varargs array); nothing is allocated per call once the JIT has
 *       scalar-replaced the target's {@code MemorySegment.ofAddress}. A critical call may not upcall into
 *       Java, so a method implemented with {@link io.goheap.runtime.image.Linker#bindJava} must take
 *       {@link #callMethod} or {@link #call}.</li>
 *   <li>{@link #callMethod}: the linked image's method bodies return {function index, receiver} in
 *       RAX:RDX (see {@link io.goheap.runtime.image.Linker}); it reads both back, which method ran on which
 *       receiver, as a {@link Result} (one small allocation). The return buffer is a per-thread segment.</li>
 *   <li>{@link #call}: any signature, arguments boxed, {@code invokeWithArguments}: the general, slow
 *       path (hundreds of nanoseconds), for experiments, not for benchmarks.</li>
 * </ul>
 */
public final class Calls {
    /** {@code struct { int64 index; int64 receiver; }}, returned in RAX:RDX. */
    public static final StructLayout RESULT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("index"), ValueLayout.JAVA_LONG.withName("receiver"));
    private static final FunctionDescriptor METHOD = FunctionDescriptor.of(RESULT, ValueLayout.JAVA_LONG);
    private static final long INDEX = RESULT.byteOffset(MemoryLayout.PathElement.groupElement("index"));
    private static final long RECEIVER = RESULT.byteOffset(MemoryLayout.PathElement.groupElement("receiver"));

    private static final ConcurrentHashMap<FunctionDescriptor, MethodHandle> HANDLES = new ConcurrentHashMap<>();
    /** long f(long receiver), critical: the fast path's handle (no thread-state transition, no upcalls) */
    private static final MethodHandle CALL_J_J = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    /** long f(long receiver, long arg), critical */
    private static final MethodHandle CALL_J_JJ = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    private static final ThreadLocal<MemorySegment> RETURN = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(RESULT));

    private final GoMemory mem;
    private final long text;
    private final long textLen;

    /** Calls into {@code module}'s code, reading itabs from its memory. */
    public Calls(Module module) {
        this.mem = module.space();
        this.text = module.text();
        this.textLen = module.etext() - module.text();
    }

    /**
     * {@code fun[k]} of itab {@code tab}, checked: nonzero and inside the module's {@code .text} (so the
     * CPU jumps only to code this runtime linked).
     */
    private long target(long tab, int k) {
        long fn = mem.u64(tab + ItabDescriptor.funOffset(k));
        if (Long.compareUnsigned(fn - text, textLen) >= 0) {
            throw badTarget(tab, k, fn);
        }
        return fn;
    }

    /**
     * Calls {@code fun[k]} of itab {@code tab} as {@code long f(long receiver)} with {@code data}, and
     * returns RAX. The fast path (see the class documentation).
     *
     * @throws IllegalStateException if fun[k] is 0 (a negative itab) or outside the module's text
     */
    public long callLong(long tab, long data, int k) {
        long fn = target(tab, k);
        try {
            return (long) CALL_J_J.invokeExact(MemorySegment.ofAddress(fn), data);
        } catch (Throwable t) {
            throw rethrow(k, t);
        }
    }

    /** As {@link #callLong(long, long, int)} for {@code long f(long receiver, long arg)}. */
    public long callLong(long tab, long data, int k, long arg) {
        long fn = target(tab, k);
        try {
            return (long) CALL_J_JJ.invokeExact(MemorySegment.ofAddress(fn), data, arg);
        } catch (Throwable t) {
            throw rethrow(k, t);
        }
    }

    private static RuntimeException rethrow(int k, Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call through fun[" + k + "]", t);
    }

    private static IllegalStateException badTarget(long tab, long k, long fn) {
        return new IllegalStateException(fn == 0 ? "itab 0x" + Long.toHexString(tab) + " has no fun[" + k + "]"
                : "itab 0x" + Long.toHexString(tab) + " fun[" + k + "] = 0x" + Long.toHexString(fn) + " is outside the module's text");
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
        long fn = target(tab, k);
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
     * receiver word). The handle is cached per signature; the arguments are boxed and the call goes
     * through {@code invokeWithArguments}: the general, slow path ({@link #callLong} is the fast one).
     *
     * @throws IllegalStateException if fun[k] is 0 or outside the module's text
     */
    public Object call(long tab, long data, int k, FunctionDescriptor fd, Object... args) {
        long fn = target(tab, k);
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
