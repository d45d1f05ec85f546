package io.goheap.runtime.alloc;

import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.HeaderDescriptor;
import io.goheap.runtime.abi.PDescriptor;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.mem.GoMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * GOMAXPROCS Ps and their {@code runtime.allp} slice. Each {@code runtime.p} is allocated with
 * {@code mallocgc} (Go: {@code new(p)} in {@code procresize}) and laid out as the release's {@link Abi}
 * says ({@link PDescriptor}); {@code runtime.allp} in {@code .bss} holds the slice header, its backing
 * array the P pointers.
 *
 * <h2 id="holding">Holding a P</h2>
 * A Java thread takes a P with {@link #acquire()} (waiting for one if all are held) or
 * {@link #tryAcquire()}, and gives it back with {@link #release(P)} or {@code try (P p = ...)}. A
 * thread holds at most one P; a P is held by at most one thread (a CAS on the native {@code status}
 * word decides). The P a thread holds is found through a {@link ThreadLocal}; a thread without one
 * takes the global paths (persistentalloc's {@code globalAlloc}, the heap's shared mcache) like an M
 * without a P.
 */
public final class Procs {
    private final List<P> all;
    private final Symbol allp;
    private final ThreadLocal<P> current = new ThreadLocal<>();

    /**
     * Creates {@code gomaxprocs} Ps in {@code heap}, each a {@code runtime.p} of {@code abi}'s release, and
     * publishes them in {@code runtime.allp}.
     *
     * @throws IllegalArgumentException if {@code gomaxprocs} is not in 1..1024
     */
    public Procs(Image image, Abi abi, Heap heap, int gomaxprocs) {
        if (gomaxprocs < 1 || gomaxprocs > 1024) {
            throw new IllegalArgumentException("gomaxprocs=" + gomaxprocs + " (1..1024)");
        }
        PDescriptor layout = new PDescriptor(abi);
        allp = image.define(Section.BSS, "runtime.allp", HeaderDescriptor.SLICE_SIZE, HeaderDescriptor.SLICE_ALIGN);
        GoMemory mem = image.sys().memory();
        long ptr = Abi.PTR_SIZE;
        long array = heap.mallocgc(null, gomaxprocs * ptr, false, true);
        List<P> ps = new ArrayList<>();
        for (int i = 0; i < gomaxprocs; i++) {
            long a = heap.mallocgc(null, layout.size, false, true);
            ps.add(new P(this, i, a, mem, layout));
            mem.setU64(array + i * ptr, a);
        }
        long s = allp.address();
        mem.setU64(s + HeaderDescriptor.SLICE_ARRAY, array);
        mem.setU64(s + HeaderDescriptor.SLICE_LEN, gomaxprocs);
        mem.setU64(s + HeaderDescriptor.SLICE_CAP, gomaxprocs);
        all = List.copyOf(ps);
    }

    /** GOMAXPROCS. */
    public int gomaxprocs() {
        return all.size();
    }

    /** Every P, by id. */
    public List<P> all() {
        return all;
    }

    /** The {@code runtime.allp} symbol. */
    public Symbol allp() {
        return allp;
    }

    /** The P the calling thread holds, or null. */
    public P current() {
        return current.get();
    }

    /**
     * Takes an idle P for the calling thread, or returns null if all are held.
     *
     * @throws IllegalStateException if the thread already holds a P
     */
    public P tryAcquire() {
        if (current.get() != null) {
            throw new IllegalStateException(Thread.currentThread().getName() + " already holds " + current.get());
        }
        Thread t = Thread.currentThread();
        int start = (int) (t.threadId() % all.size());
        for (int i = 0; i < all.size(); i++) {
            P p = all.get((start + i) % all.size());
            if (p.tryTake(t)) {
                current.set(p);
                return p;
            }
        }
        return null;
    }

    /**
     * Takes an idle P for the calling thread, waiting (spinning, then parking briefly) until one is free.
     *
     * @throws IllegalStateException if the thread already holds a P
     */
    public P acquire() {
        for (int spins = 0; ; spins++) {
            P p = tryAcquire();
            if (p != null) {
                return p;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /**
     * Gives {@code p} back.
     *
     * @throws IllegalStateException if the calling thread does not hold {@code p}
     */
    public void release(P p) {
        if (current.get() != p || p.holder() != Thread.currentThread()) {
            throw new IllegalStateException(Thread.currentThread().getName() + " does not hold " + p);
        }
        current.remove();
        p.give();
    }
}
