package io.goheap.runtime.sys;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the Nth {@code mmap} of one {@link SysMemory} fail with a chosen errno, for tests of the
 * out-of-memory paths. "mmap" counts every call that maps memory: the {@code mmap} of {@code sysAlloc}
 * and {@code sysReserve}, and the commit of {@code sysMap}. Disarmed by default; arming costs one
 * atomic decrement per such call.
 *
 * <p>Thread-safe: the countdown is one {@link AtomicLong}; exactly one {@code mmap} (the Nth after
 * {@link #failNthMmap} counted across all threads) sees it reach zero and fails. The failed call never
 * reaches the kernel and is reported as a {@link SyscallException} with {@link SyscallException#injected()}.
 */
public final class FaultInjector {
    /** countdown to the failing mmap; 0 = disarmed. Packed with the errno: high 32 bits errno, low 32 count. */
    private final AtomicLong armed = new AtomicLong();

    /** Disarmed; each {@link SysMemory} makes its own. */
    FaultInjector() {
    }

    /**
     * Arms the injector: the {@code n}th {@code mmap} from now (1 = the next one) fails with {@code errno}.
     *
     * @throws IllegalArgumentException if {@code n < 1} or {@code errno < 1}
     */
    public void failNthMmap(int n, int errno) {
        if (n < 1) {
            throw new IllegalArgumentException("n=" + n + " (must be >= 1)");
        }
        if (errno < 1) {
            throw new IllegalArgumentException("errno=" + errno + " (must be >= 1)");
        }
        armed.set(((long) errno << 32) | n);
    }

    /** Disarms a pending fault. */
    public void clear() {
        armed.set(0);
    }

    /** True while a fault is pending. */
    public boolean armed() {
        return armed.get() != 0;
    }

    /**
     * Counts one mmap; returns the errno to fail it with, or 0 to let it through. The CAS loop makes
     * the decrement and the disarm one step, so two racing mmaps cannot both take the fault.
     */
    int onMmap() {
        for (;;) {
            long v = armed.get();
            if (v == 0) {
                return 0;
            }
            int count = (int) v;
            int errno = (int) (v >>> 32);
            long next = count == 1 ? 0 : v - 1;
            if (armed.compareAndSet(v, next)) {
                return count == 1 ? errno : 0;
            }
        }
    }
}
