package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.sys.CallGate;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
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
 *       for methods taking integer words and returning one in RAX: a
 *       {@link java.lang.foreign.Linker.Option#critical critical} downcall of the {@link CallGate}'s
 *       trampoline, invoked exactly ({@code invokeExact}, no boxing, no varargs array, nothing allocated),
 *       which checks the gate's slot word and tail-jumps to {@code fun[k]}. A critical call may not upcall
 *       into Java, so a method implemented with {@link io.goheap.runtime.image.Linker#bindJava} must take
 *       {@link #callMethod} or {@link #call}.</li>
 *   <li>{@link #callMethod}: the linked image's method bodies return {function index, receiver} in
 *       RAX:RDX (see {@link io.goheap.runtime.image.Linker}); it reads both back, which method ran on which
 *       receiver, as a {@link Result} (one small allocation). The return buffer is a per-thread segment.</li>
 *   <li>{@link #call}: any signature, arguments boxed, {@code invokeWithArguments}: the general, slow
 *       path (hundreds of nanoseconds), for experiments, not for benchmarks.</li>
 * </ul>
 *
 * <h2 id="lifetime">Lifetime</h2>
 * Every call passes the runtime's {@link CallGate}: a call either runs to its end before
 * {@code close()} unmaps the code, or fails with {@link IllegalStateException} without starting. The
 * critical path is guarded by a slot word the trampoline reads and the handshake that follows a close;
 * {@link #callMethod} and {@link #call} by the gate's shared arena, which the JDK keeps acquired during a
 * non-critical downcall (see {@link CallGate}). While the linker patches {@code .text}
 * ({@link io.goheap.runtime.image.Linker#bindJava}) calls wait instead.
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

    private final GoMemory mem;
    private final CallGate gate;
    private final long text;
    private final long textLen;

    /**
     * Calls into {@code module}'s code, reading itabs from its memory, every call through {@code gate}
     * (the runtime's {@link io.goheap.runtime.sys.SysMemory#callGate()}; {@link io.goheap.runtime.GoRuntime#calls()}
     * builds this for the linked package).
     */
    public Calls(Module module, CallGate gate) {
        this.mem = module.space();
        this.gate = gate;
        this.text = module.text();
        this.textLen = module.etext() - module.text();
    }

    /**
     * Calls into the code of {@code module}, which a runtime linked; its gate is found through the
     * module's memory ({@link CallGate#of}). {@link io.goheap.runtime.GoRuntime#calls()} is the same.
     *
     * @throws IllegalStateException    if the runtime is closed
     * @throws IllegalArgumentException if the module's memory is not a runtime's (a file's code cannot be called)
     */
    public Calls(Module module) {
        this(module, CallGate.of(module.space()));
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
     * @throws IllegalStateException if fun[k] is 0 (a negative itab) or outside the module's text, or
     *                               the runtime is closed (also when it closes during the call: the call
     *                               either ran to its end first, or did not start)
     */
    public long callLong(long tab, long data, int k) {
        return gate.call(target(tab, k), data);
    }

    /** As {@link #callLong(long, long, int)} for {@code long f(long receiver, long arg)}. */
    public long callLong(long tab, long data, int k, long arg) {
        return gate.call(target(tab, k), data, arg);
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
        SegmentAllocator into = (size, align) -> ret;
        // not critical (the body may upcall): the downcall keeps the gate's arena acquired instead
        return gate.callWith(fn, at -> {
            MemorySegment r = (MemorySegment) handle(METHOD).invokeExact(at, into, data);
            return new Result(r.get(ValueLayout.JAVA_LONG, INDEX), r.get(ValueLayout.JAVA_LONG, RECEIVER));
        });
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
        all[1] = data;
        System.arraycopy(args, 0, all, 2, args.length);
        return gate.callWith(fn, at -> {
            all[0] = at;
            return handle(fd).invokeWithArguments(all);
        });
    }

    /** The unbound downcall handle for {@code fd}, built once per signature. */
    @SuppressWarnings("restricted") // unbound: each call names a function of the linked .text (checked by its caller)
    public static MethodHandle handle(FunctionDescriptor fd) {
        return HANDLES.computeIfAbsent(fd, d -> Linker.nativeLinker().downcallHandle(d));
    }
}
