package io.goheap.runtime.sys;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Go 1.19's system memory statistics: one counter per {@link SysStat}, plus
 * {@code gcController.mappedReady} (bytes mapped and ready to use).
 *
 * <p>Thread-safe. Each counter is updated with an atomic add, as Go's {@code sysMemStat.add}
 * ({@code atomic.Xadd64}); a reader of several counters may see them at different moments, exactly
 * as a Go reader outside stop-the-world does. A counter that would go negative or overflow throws
 * {@link GoThrow} with Go's message {@code sysMemStat overflow}.
 */
public final class MemStats {
    private static final int MAPPED_READY = SysStat.values().length;

    private final AtomicLongArray counters = new AtomicLongArray(SysStat.values().length + 1);

    /** All counters zero. */
    public MemStats() {
    }

    /** The bytes accounted to {@code stat}. */
    public long get(SysStat stat) {
        return counters.get(stat.ordinal());
    }

    /** {@code gcController.mappedReady}: bytes mapped by sysAlloc/sysMap and not freed. */
    public long mappedReady() {
        return counters.get(MAPPED_READY);
    }

    /** The sum of every Go {@link SysStat} (Go's {@code MemStats.Sys} over these counters; not IMAGE). */
    public long sys() {
        long sum = 0;
        for (SysStat s : SysStat.values()) {
            if (s != SysStat.IMAGE) {
                sum += get(s);
            }
        }
        return sum;
    }

    /** A copy of every counter by Go name, plus {@code mappedReady}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (SysStat s : SysStat.values()) {
            m.put(s.goName(), get(s));
        }
        m.put("mappedReady", mappedReady());
        return m;
    }

    /** Copies of the per-stat counters, for tests that compare before and after. */
    public Map<SysStat, Long> bySysStat() {
        Map<SysStat, Long> m = new EnumMap<>(SysStat.class);
        for (SysStat s : SysStat.values()) {
            m.put(s, get(s));
        }
        return m;
    }

    /** {@code sysStat.add(n)}: atomic add; a result below zero is Go's {@code throw("sysMemStat overflow")}. */
    public void add(SysStat stat, long n) {
        add(stat.ordinal(), n);
    }

    void addMappedReady(long n) {
        add(MAPPED_READY, n);
    }

    /**
     * Moves {@code n} bytes from one stat to another, as persistentalloc moves chunk bytes from
     * {@code other_sys} to the caller's stat. Two atomic adds in Go's order, the target first: a
     * concurrent reader may see the bytes in both stats for a moment, never in neither.
     */
    public void move(SysStat from, SysStat to, long n) {
        if (from != to) {
            add(to, n);
            try {
                add(from, -n);
            } catch (GoThrow t) {
                add(to, -n); // leave both as they were
                throw t;
            }
        }
    }

    private void add(int index, long n) {
        long val = counters.addAndGet(index, n);
        if ((n > 0 && val < n) || (n < 0 && val + n < n) || val < 0) {
            counters.addAndGet(index, -n);
            throw GoThrow.of("sysMemStat overflow (val=" + val + " n=" + n + ")");
        }
    }
}
