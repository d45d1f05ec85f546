package io.goheap.runtime.iface;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabProbe;
import io.goheap.runtime.abi.MutexDescriptor;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.sys.GoThrow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;


/**
 * Go 1.19's global itab hash table (iface.go): {@code runtime.itabTableInit} (512 entries, in
 * {@code .data}), the {@code runtime.itabTable} pointer to the current table (in {@code .data}, first
 * at itabTableInit) and {@code runtime.itabLock} (in {@code .noptrbss}), all in native memory.
 *
 * <h2 id="algorithm">Algorithm</h2>
 * Open addressing over a power-of-two table: hash {@code inter.typ.hash ^ typ.hash}, probe
 * {@code h += i} for i = 1, 2, ... (triangular numbers, which visit every slot), masked. {@link #find}
 * stops at the first empty slot. {@link #add} grows the table first when {@code count >= 3*(size/4)}:
 * a table twice the size from the heap ({@code mallocgc((2+2*size)*8)}), every itab re-added, then
 * published by CAS from the old pointer to the new one.
 *
 * <h2 id="ordering">Memory ordering</h2>
 * <ul>
 *   <li>{@link #find} runs without a lock: an acquire load of {@code itabTable} (it sees a table whose
 *       size and entries were written before the publishing CAS), then an acquire load of each entry
 *       (it sees an itab whose fields were written before the entry's release store).</li>
 *   <li>{@link #add} runs under {@code itabLock}: plain reads of entries (only lock holders write), a
 *       release store of the new entry, a plain count increment (read only under the lock).</li>
 *   <li>Growth fills the new table before the CAS (volatile, so a release): a reader that loads the new
 *       pointer sees it complete. Under the lock the CAS cannot fail; a failure is a broken invariant
 *       ({@link GoThrow}), the check Go's atomic store does without.</li>
 *   <li>An old table is never freed: a reader that loaded it before the publish may still probe it, and
 *       it still holds every itab it held (Go's collector frees it once unreachable; goheap has none,
 *       so it stays, a few KiB to MiB per growth).</li>
 * </ul>
 * Every access goes through the runtime's {@link GoMemory} by address (arithmetic and a page-bit test, no
 * search): a pointer outside this runtime's memory is a {@link io.goheap.runtime.mem.BadAddressException},
 * an access after the runtime closed an {@link IllegalStateException}.
 */
public final class ItabTable {
    private static final long SIZE = ItabProbe.SIZE;
    private static final long COUNT = ItabProbe.COUNT;
    private static final long ENTRIES = ItabProbe.ENTRIES;
    private static final long PTR = ItabProbe.PTR;

    private final GoMemory mem;
    private final Heap heap;
    /** address of the itabTable pointer word; of itabTableInit; of itabLock's key word */
    private final long tablePtrAddr;
    private final long initAddr;
    private final long lockAddr;
    private final Symbol tablePtr;
    private final Symbol init;
    /** Go's itabLock; the native key word mirrors it (1 while held) for dumps */
    private final ReentrantLock lock = new ReentrantLock();
    /** guarded by lock */
    private int grows;
    /** Go 1.27: add skips an itab whose (inter, type) pair is in the table already, not only the same itab */
    private volatile boolean dedupByPair;

    /** Defines runtime.itabTableInit, runtime.itabTable and runtime.itabLock; itabTable -> itabTableInit. */
    public ItabTable(Image image, Heap heap) {
        this.mem = image.sys().memory();
        this.heap = heap;
        this.init = image.define(Section.DATA, "runtime.itabTableInit", ItabProbe.DECLARED_SIZE, PTR);
        this.tablePtr = image.define(Section.DATA, "runtime.itabTable", PTR, PTR);
        this.initAddr = init.address();
        this.tablePtrAddr = tablePtr.address();
        this.lockAddr = image.define(Section.NOPTRBSS, "runtime.itabLock", MutexDescriptor.SIZE, PTR).address()
                + MutexDescriptor.KEY_OFFSET;
        mem.setU64(initAddr + SIZE, ItabProbe.INIT_ENTRIES);
        // the linker initializes itabTable = &itabTableInit; nothing can read it before this constructor returns
        mem.setU64(tablePtrAddr, initAddr);
    }

    /**
     * Makes {@link #add} behave as Go 1.27's: an itab whose (inter, type) pair is in the table already is
     * not added (a plugin's own copy of an itab the program has); up to Go 1.26 only the same itab is
     * skipped. Set once, before the table is used (the runtime does it at start).
     */
    public void dedupByPair(boolean on) {
        this.dedupByPair = on;
    }

    /** Whether {@link #add} skips a known (inter, type) pair (Go 1.27), see {@link #dedupByPair(boolean)}. */
    public boolean dedupsByPair() {
        return dedupByPair;
    }

    /**
     * A second, private table in the heap of a runtime (for tests of the publication protocol, such as
     * the jcstress ones): its pointer word, lock word and initial 512-entry table are heap objects.
     * Publishing this object to other threads must itself be safe (a final field or a start()).
     */
    public ItabTable(GoMemory mem, Heap heap) {
        this.mem = mem;
        this.heap = heap;
        this.init = null;
        this.tablePtr = null;
        this.initAddr = heap.mallocgc(null, ItabProbe.DECLARED_SIZE, false, true);
        this.tablePtrAddr = heap.mallocgc(null, PTR, false, true);
        this.lockAddr = heap.mallocgc(null, MutexDescriptor.SIZE, true, true) + MutexDescriptor.KEY_OFFSET;
        mem.setU64(initAddr + SIZE, ItabProbe.INIT_ENTRIES);
        mem.setU64(tablePtrAddr, initAddr);
    }

    /**
     * {@code itabTableType.find}: the itab for (inter, typ), or 0. Lock-free and allocation-free: an
     * acquire load of {@code itabTable} (it sees a table whose size and entries were written before the
     * publishing CAS), then {@link ItabProbe#find}.
     */
    public long find(long inter, long typ) {
        return ItabProbe.find(mem, mem.u64Acquire(tablePtrAddr), inter, typ);
    }

    /**
     * {@code itabAdd}: adds itab {@code m}, growing the table first if it is 75% full.
     * Precondition: the caller holds {@link #lock()}.
     */
    public void add(long m) {
        if (!lock.isHeldByCurrentThread()) {
            throw GoThrow.of("itabAdd without itabLock");
        }
        long t = current();
        long size = mem.u64(t + SIZE);
        long count = mem.u64(t + COUNT);
        if (count >= 3 * (size / 4)) {
            long size2 = 2 * size;
            long t2 = heap.mallocgc(null, (2 + 2 * size) * PTR, false, true);
            mem.setU64(t2 + SIZE, size2);
            // itabs already in t go into t2; iterating needs no atomics: writers hold the lock, t2 is private
            for (long i = 0; i < size; i++) {
                long e = mem.u64(t + ENTRIES + i * PTR);
                if (e != 0) {
                    insert(t2, e);
                }
            }
            if (mem.u64(t2 + COUNT) != count) {
                throw GoThrow.of("mismatched count during itab table copy");
            }
            // publish: the CAS releases every write to t2 above (a find whose acquire load returns t2
            // sees its size and entries); under the lock it cannot fail
            if (!mem.casU64(tablePtrAddr, t, t2)) {
                throw GoThrow.of("itabTable changed under itabLock");
            }
            grows++;
            t = t2;
        }
        insert(t, m);
    }

    /** {@code itabTableType.add}: probes for m's slot and stores it with release semantics. Lock held. */
    private void insert(long t, long m) {
        long mask = mem.u64(t + SIZE) - 1;
        long h = ItabProbe.hash(mem, mem.u64(m + ItabDescriptor.INTER_OFFSET), mem.u64(m + ItabDescriptor.TYPE_OFFSET)) & mask;
        for (long i = 1; ; i++) {
            long slot = t + ENTRIES + h * PTR;
            long e = mem.u64(slot); // plain: only lock holders write entries
            if (e == m) {
                return; // already there (a static itab added twice by itabsinit)
            }
            if (e != 0 && dedupByPair && mem.u64(e + ItabDescriptor.INTER_OFFSET) == mem.u64(m + ItabDescriptor.INTER_OFFSET)
                    && mem.u64(e + ItabDescriptor.TYPE_OFFSET) == mem.u64(m + ItabDescriptor.TYPE_OFFSET)) {
                return; // Go 1.27: the pair has an itab; type switches compare against that one
            }
            if (e == 0) {
                // release: a reader whose acquire load sees m sees m's fields written before
                mem.setU64Release(slot, m);
                mem.setU64(t + COUNT, mem.u64(t + COUNT) + 1); // plain: read only under the lock
                return;
            }
            h = (h + i) & mask;
        }
    }

    /** itabLock. */
    public ReentrantLock lock() {
        return lock;
    }

    /**
     * Takes itabLock, then mirrors it into its native key word (for dumps). The key word is written
     * only while the lock is held, so an exception from the write (the runtime closed) leaves the lock
     * released, never held by a thread that failed.
     */
    public void lockItabs() {
        lock.lock();
        try {
            mem.setU64(lockAddr, 1);
        } catch (RuntimeException | Error e) {
            lock.unlock();
            throw e;
        }
    }

    /** Clears itabLock's native key word, then releases the lock, whatever the write does. */
    public void unlockItabs() {
        try {
            mem.setU64(lockAddr, 0);
        } finally {
            lock.unlock();
        }
    }

    /** The current table's address (acquire: its size and entries written before its publication are visible). */
    public long current() {
        return mem.u64Acquire(tablePtrAddr);
    }

    /** The current table's size (a power of two). */
    public long size() {
        return mem.u64(current() + SIZE);
    }

    /** The current table's count. Exact under the lock; a snapshot otherwise. */
    public long count() {
        return mem.u64(current() + COUNT);
    }

    /** How many times the table grew. */
    public int grows() {
        lock.lock();
        try {
            return grows;
        } finally {
            lock.unlock();
        }
    }

    /** Every non-empty slot of the current table: {slot, itab}. Under the lock. */
    public List<long[]> entries() {
        lock.lock();
        try {
            long t = current();
            long size = mem.u64(t + SIZE);
            List<long[]> out = new ArrayList<>();
            for (long i = 0; i < size; i++) {
                long e = mem.u64(t + ENTRIES + i * PTR);
                if (e != 0) {
                    out.add(new long[] {i, e});
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** One non-empty slot of the table: its index and the itab in it. */
    public record Entry(long slot, long itab) {
    }

    /** Every non-empty slot of the current table, as {@link Entry} records ({@link #entries()}, typed). Under the lock. */
    public List<Entry> slots() {
        return entries().stream().map(e -> new Entry(e[0], e[1])).toList();
    }

    /** The symbols: runtime.itabTable, runtime.itabTableInit (null for a private table). */
    public Symbol tableSymbol() {
        return tablePtr;
    }

    /** The symbol {@code runtime.itabTableInit}, or null for a private table. */
    public Symbol initSymbol() {
        return init;
    }

    /** The memory the table lives in. */
    public GoMemory memory() {
        return mem;
    }
}
