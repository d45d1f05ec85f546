package io.goheap.runtime.sys;

import io.goheap.runtime.mem.GoMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The gate every native call into a runtime's code passes, so that {@link SysMemory#close()} (and a
 * {@link SysMemory#protect protection change} that takes {@code PROT_EXEC} away) never unmaps or
 * un-executes code a thread is running: a call either runs to its end before the memory changes, or is
 * refused with {@link IllegalStateException} because the runtime closed.
 *
 * <h2 id="critical">Critical calls: a trampoline and a handshake, no atomics</h2>
 * {@link #call(long, long)} and {@link #call(long, long, long)} are critical downcalls
 * ({@link Linker.Option#critical}): the thread stays in the Java state while the native code runs, so a
 * JVM handshake with all threads cannot complete until the call has returned. They do not call the
 * target directly but a trampoline on a process-wide page (mapped once, read+execute, never unmapped):
 * it loads this gate's <em>slot</em> word (on a process-wide page too), and only if it still holds
 * the value the caller read from {@code openValue} does it jump to the target, with the argument registers untouched (a tail
 * jump: the target returns straight to Java). Otherwise it returns {@link #REFUSED}. Closing or
 * suspending the gate first stores another value into the slot, then performs a handshake (the close
 * of a shared arena, below). Any call that loaded the slot before the store is still inside its
 * critical call, so the handshake waits for it; any call after the handshake loads the new value and
 * is refused. The fast path therefore costs a load, a compare and a jump over a bare critical call:
 * no lock, no CAS, no fence. Every opening stores a fresh value and a slot is reused by a later gate
 * only with higher values, so the slot never holds a value twice: a stale caller is refused forever,
 * and a caller can tell a refusal from a method's result (see {@link #REFUSED}). A function
 * implemented in Java ({@link #markUpcall}) is never called critically: the JVM aborts an upcall made
 * from a critical call.
 *
 * <h2 id="general">Other calls: the arena is kept alive</h2>
 * A non-critical downcall moves the thread to the native state, where handshakes do not wait for it.
 * {@link #callWith} gives such calls their target address as a zero-length segment of this gate's
 * shared arena: the JDK acquires the arena for the duration of every downcall that takes one of its
 * segments, and a shared arena cannot close while acquired. Closing or suspending the gate closes that
 * arena, retrying while calls hold it (up to {@link #DRAIN_TIMEOUT_SECONDS}); new calls back off as
 * soon as the slot refuses, so a drain is not starved. Its successful close is also the handshake of
 * the critical path.
 *
 * <h2 id="suspend">Suspension</h2>
 * While a mapping that held code lacks {@code PROT_EXEC} (the linker patches {@code .text} through a
 * writable window), the gate is suspended: callers wait (spinning, then parking) until it resumes or
 * closes. A caller that finds the gate suspended or closed never retries a call that ran.
 *
 * <p>Thread-safe. {@link #suspend}, {@link #resume} and {@link #close} synchronize on the gate and never
 * take another lock (a {@link SysMemory} owns one per runtime and closes it before taking its own lock;
 * a gate made with the public constructor is its maker's, who closes it before unmapping the code it
 * guards). A critical call that never returns blocks the close's handshake (and every safepoint) for
 * as long: critical functions must be short, as the JDK requires.
 */
// restricted: the trampolines' downcall handles and the page of code this class maps and writes itself
@SuppressWarnings("restricted")
public final class CallGate {
    /**
     * What the trampoline returns for a refused call. A call that gets it back checks the slot: if the
     * slot still holds the value the call read before, the trampoline made the call and the value is the
     * method's own. Only a method that returns exactly this value while a suspension or close lands at
     * that moment is mistaken for refused (called again after the suspension; refused after a close).
     */
    public static final long REFUSED = 0x8000_0bad_ca11_0000L;
    /** How long suspend and close wait for non-critical calls still in flight. */
    public static final long DRAIN_TIMEOUT_SECONDS = 10;

    private static final long SLOT_PAGE = 4096;

    /** long tramp1(long receiver, long fn, long slot, long gen): critical */
    private static final MethodHandle TRAMP1;
    /** long tramp2(long receiver, long arg, long fn, long slot, long gen): critical */
    private static final MethodHandle TRAMP2;
    /** long f(long receiver), not critical: for functions implemented in Java (an upcall may follow) */
    private static final MethodHandle UPCALL_J_J = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    /** long f(long receiver, long arg), not critical */
    private static final MethodHandle UPCALL_J_JJ = Linker.nativeLinker().downcallHandle(
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MemorySegment TRAMP1_ADDR;
    private static final MemorySegment TRAMP2_ADDR;

    static {
        // x86-64 System V. tramp1: rdi=receiver, rsi=fn, rdx=slot, rcx=gen
        //   mov rax,[rdx]; cmp rax,rcx; jne refuse; jmp rsi; refuse: movabs rax,REFUSED; ret
        // tramp2: rdi=receiver, rsi=arg, rdx=fn, rcx=slot, r8=gen
        //   mov rax,[rcx]; cmp rax,r8; jne refuse; jmp rdx; refuse: movabs rax,REFUSED; ret
        byte[] t1 = {0x48, (byte) 0x8b, 0x02, 0x48, 0x39, (byte) 0xc8, 0x75, 0x02, (byte) 0xff, (byte) 0xe6};
        byte[] t2 = {0x48, (byte) 0x8b, 0x01, 0x4c, 0x39, (byte) 0xc0, 0x75, 0x02, (byte) 0xff, (byte) 0xe2};
        long page = Mman.mmap(0, SLOT_PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
        // sound: this process just mapped the page and never unmaps it
        MemorySegment code = MemorySegment.ofAddress(page).reinterpret(SLOT_PAGE);
        long o2 = write(code, 0, t1);
        write(code, o2, t2);
        Mman.mprotect(page, SLOT_PAGE, Mman.PROT_READ | Mman.PROT_EXEC);
        TRAMP1_ADDR = MemorySegment.ofAddress(page);
        TRAMP2_ADDR = MemorySegment.ofAddress(page + o2);
        Linker linker = Linker.nativeLinker();
        TRAMP1 = linker.downcallHandle(TRAMP1_ADDR, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
        TRAMP2 = linker.downcallHandle(TRAMP2_ADDR, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), Linker.Option.critical(false));
    }

    /** Writes {@code body} then the refusal tail at {@code off}; returns the next 16-aligned offset. */
    private static long write(MemorySegment code, long off, byte[] body) {
        MemorySegment.copy(MemorySegment.ofArray(body), 0, code, off, body.length);
        long o = off + body.length;
        code.set(ValueLayout.JAVA_BYTE, o++, (byte) 0x48);
        code.set(ValueLayout.JAVA_BYTE, o++, (byte) 0xb8); // movabs rax, imm64
        code.set(ValueLayout.JAVA_LONG_UNALIGNED, o, REFUSED);
        o += 8;
        code.set(ValueLayout.JAVA_BYTE, o++, (byte) 0xc3); // ret
        return (o + 15) & -16;
    }

    /** Process-wide slot words: pages mapped on demand, never unmapped; freed slots are reused. */
    private static final class Slots {
        private static final List<MemorySegment> PAGES = new ArrayList<>();
        private static final ArrayDeque<Long> FREE = new ArrayDeque<>();

        static synchronized long take() {
            if (FREE.isEmpty()) {
                long page = Mman.mmap(0, SLOT_PAGE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, -1, 0);
                PAGES.add(MemorySegment.ofAddress(page).reinterpret(SLOT_PAGE)); // mapped here, never unmapped
                for (long a = page; a < page + SLOT_PAGE; a += 8) {
                    FREE.add(a);
                }
            }
            return FREE.pop();
        }

        static synchronized void give(long slot) {
            FREE.push(slot);
        }

        static MemorySegment word(long slot) {
            // the pages are never unmapped: a zero-based view of 8 bytes at the slot is always valid
            return MemorySegment.ofAddress(slot).reinterpret(8);
        }
    }

    /** the gate of each open runtime's memory, for {@link #of(GoMemory)}; an entry goes when its owner closes */
    private static final ConcurrentHashMap<GoMemory, CallGate> BY_MEMORY = new ConcurrentHashMap<>();

    /**
     * The gate of the runtime whose memory is {@code memory}.
     *
     * @throws IllegalStateException    if that runtime is closed
     * @throws IllegalArgumentException if {@code memory} is not a runtime's (a file's memory holds no code to call)
     */
    public static CallGate of(GoMemory memory) {
        CallGate g = BY_MEMORY.get(memory);
        if (g != null) {
            return g;
        }
        if (memory instanceof io.goheap.runtime.mem.LiveMemory) {
            throw closedException();
        }
        throw new IllegalArgumentException("no code to call in " + memory.describe() + ": calls need a live runtime");
    }

    /** Registers {@code owner}'s gate for {@link #of}. The owner calls it once. */
    void register(GoMemory memory) {
        BY_MEMORY.put(memory, this);
    }

    /** Drops the registration. The owner calls it when it closes. */
    void unregister(GoMemory memory) {
        BY_MEMORY.remove(memory, this);
    }

    private final long slot;
    private final MemorySegment word;
    /**
     * The value the slot holds while the gate is open: even, and fresh on every opening (each reopen
     * adds 2; a refusal is the odd value above it), so the slot never holds a value twice. Written
     * after the slot (under this gate's monitor), read by every call before it.
     */
    private volatile long openValue;
    /** the arena non-critical calls acquire; replaced on reopening, written under this gate's monitor */
    private volatile Arena arena;
    /** a segment of {@link #arena} starting at address 0: targets are zero-length slices of it */
    private volatile MemorySegment all;
    private volatile boolean closed;
    /** set when a close found no call in flight; written under this gate's monitor */
    private volatile boolean drained;
    /** suspensions in force (one per mapping that lost PROT_EXEC); written under this gate's monitor */
    private volatile int suspended;
    /** the entry addresses of functions implemented in Java (upcalls), sorted; copy on write */
    private volatile long[] upcalls = new long[0];

    /** An open gate with a slot of its own. */
    public CallGate() {
        slot = Slots.take();
        word = Slots.word(slot);
        long prev = (long) ValueLayout.JAVA_LONG.varHandle().getVolatile(word, 0L);
        long first = (prev | 1) + 1; // above every value a former owner of the slot stored
        openArena();
        ValueLayout.JAVA_LONG.varHandle().setRelease(word, 0L, first);
        openValue = first;
    }

    private void openArena() {
        Arena a = Arena.ofShared();
        // Only ever a call target: zero-length slices of it are passed to downcalls (which read no byte
        // of a target), never accessed; it spans the address space so any target can be named.
        all = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, a, null);
        arena = a;
    }

    /**
     * Records that the function at {@code fn} is implemented in Java (an upcall stub behind it): a
     * critical call must never reach it (the JVM aborts an upcall from a critical call), so
     * {@link #call(long, long)} takes the non-critical path for it. The linker calls it when it binds one.
     */
    public synchronized void markUpcall(long fn) {
        long[] u = upcalls;
        if (java.util.Arrays.binarySearch(u, fn) >= 0) {
            return;
        }
        long[] v = java.util.Arrays.copyOf(u, u.length + 1);
        v[u.length] = fn;
        java.util.Arrays.sort(v);
        upcalls = v;
    }

    private boolean isUpcall(long fn) {
        long[] u = upcalls;
        return u.length != 0 && java.util.Arrays.binarySearch(u, fn) >= 0;
    }

    /**
     * Calls {@code fn} as {@code long fn(long receiver)}, a critical call through the trampoline; returns RAX.
     *
     * @throws IllegalStateException if the gate is closed (the runtime closed), before or during the call
     */
    public long call(long fn, long receiver) {
        if (isUpcall(fn)) {
            return callWith(fn, at -> (long) UPCALL_J_J.invokeExact(at, receiver));
        }
        while (true) {
            long v = openValue;
            long r;
            try {
                r = (long) TRAMP1.invokeExact(receiver, fn, slot, v);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            // The slot only moves on to fresh values: if it still holds v, the trampoline saw v and
            // made the call, so even a result equal to REFUSED is the method's own.
            if (r != REFUSED || slotValue() == v) {
                return r;
            }
            awaitOpen();
        }
    }

    /** As {@link #call(long, long)} for {@code long fn(long receiver, long arg)}. */
    public long call(long fn, long receiver, long arg) {
        if (isUpcall(fn)) {
            return callWith(fn, at -> (long) UPCALL_J_JJ.invokeExact(at, receiver, arg));
        }
        while (true) {
            long v = openValue;
            long r;
            try {
                r = (long) TRAMP2.invokeExact(receiver, arg, fn, slot, v);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r != REFUSED || slotValue() == v) {
                return r;
            }
            awaitOpen();
        }
    }

    /**
     * A non-critical downcall of a target address given as a segment (see {@link #callWith}). It must
     * throw {@link IllegalStateException} only from the downcall itself (the JDK's refusal to acquire a
     * closed arena, before anything ran): the gate takes such an exception for a refusal and calls again.
     */
    @FunctionalInterface
    public interface Downcall<T> {
        /** Makes the downcall with {@code target} as its function address. */
        T call(MemorySegment target) throws Throwable;
    }

    /**
     * Makes a non-critical downcall to {@code fn} ({@code call} passes its argument to the downcall handle
     * as the function address): a zero-length segment at {@code fn} of this gate's arena, which the
     * downcall keeps acquired, so the gate cannot close or suspend while the call runs. If the arena
     * closed just before (the downcall then throws {@link IllegalStateException} without calling), it
     * waits for the gate to open again and calls then.
     *
     * @throws IllegalStateException if the gate is closed
     */
    public <T> T callWith(long fn, Downcall<T> call) {
        while (true) {
            MemorySegment a = all;
            if (closed) {
                throw closedException();
            }
            if (slotValue() != openValue) {
                awaitOpen(); // a drain is under way: do not hold its arena up
                continue;
            }
            MemorySegment at = a.asSlice(fn, 0);
            try {
                return call.call(at);
            } catch (IllegalStateException e) {
                if (at.scope().isAlive()) {
                    throw e; // not a refusal of the gate's: the call's own
                }
                awaitOpen();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("native call to 0x" + Long.toHexString(fn), t);
            }
        }
    }

    /**
     * After a refused call: returns once the gate is open again (a suspension ended), or throws
     * {@link IllegalStateException} if it closed.
     */
    private void awaitOpen() {
        long deadline = 0;
        for (int spins = 0; ; spins++) {
            if (closed) {
                throw closedException();
            }
            if (suspended == 0 && slotValue() == openValue && all.scope().isAlive()) {
                return;
            }
            if (spins < 1000) {
                Thread.onSpinWait();
                continue;
            }
            if (deadline == 0) {
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_TIMEOUT_SECONDS);
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the runtime's code has not been executable for " + DRAIN_TIMEOUT_SECONDS
                        + " s (a protection without PROT_EXEC that was never undone)");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private long slotValue() {
        return (long) ValueLayout.JAVA_LONG.varHandle().getAcquire(word, 0L);
    }

    /**
     * Stops every call: stores a refusal into the slot, then waits until no call is inside (the arena's
     * close is the handshake; a held arena is retried until {@link #DRAIN_TIMEOUT_SECONDS}). Nested
     * suspensions count. Caller holds the owner's lock.
     *
     * @throws IllegalStateException if calls still hold the gate after the timeout; the gate is open again then
     */
    synchronized void suspend() {
        if (closed) {
            return;
        }
        if (suspended++ == 0) {
            try {
                drain();
            } catch (IllegalStateException e) {
                suspended--;
                reopen();
                throw e;
            }
        }
    }

    /** Ends one suspension; the last one reopens the gate. Caller holds the owner's lock. */
    synchronized void resume() {
        if (closed || suspended == 0) {
            return;
        }
        if (--suspended == 0) {
            reopen();
        }
    }

    private void reopen() {
        if (!arena.scope().isAlive()) {
            openArena();
        }
        long next = openValue + 2; // fresh: a call that read the old value is refused, never mistaken
        ValueLayout.JAVA_LONG.varHandle().setRelease(word, 0L, next);
        openValue = next;
    }

    /**
     * Closes the gate for good: refuses every later call and waits for those in flight; the slot goes
     * back to the pool. Idempotent. Caller holds the owner's lock.
     *
     * @throws IllegalStateException if calls still hold the gate after the timeout (it stays closed to
     *                               new calls; the owner must keep its code mapped)
     */
    public synchronized void close() {
        closed = true;
        if (drained) {
            return;
        }
        drain();
        drained = true;
        Slots.give(slot);
    }

    /** True once {@link #close()} returned: no call is inside the code, none will enter it. */
    public boolean isDrained() {
        return drained;
    }

    /** The slot refuses, then the arena's close: a handshake after every call in flight has returned. */
    private void drain() {
        ValueLayout.JAVA_LONG.varHandle().setVolatile(word, 0L, openValue + 1);
        VarHandle.fullFence();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_TIMEOUT_SECONDS);
        Arena a = arena;
        while (true) {
            try {
                if (a.scope().isAlive()) {
                    a.close();
                } else {
                    Arena.ofShared().close(); // a handshake of its own: the arena is gone already
                }
                return;
            } catch (IllegalStateException held) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("native calls into this runtime's code still running after "
                            + DRAIN_TIMEOUT_SECONDS + " s", held);
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call", t);
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("GoRuntime is closed: no call into its code");
    }
}
