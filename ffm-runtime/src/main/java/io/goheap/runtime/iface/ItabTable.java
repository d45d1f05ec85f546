package io.goheap.runtime.iface;

import io.goheap.layouts.go119.Go119;
import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.itabTableType;
import io.goheap.layouts.go119.mutex;
import io.goheap.runtime.abi.AddressSpace;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Section;
import io.goheap.runtime.image.Symbol;
import io.goheap.runtime.sys.GoThrow;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.SysMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
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
 * Reads and writes go through the owning mapping's segment, found by a lock-free, allocation-free
 * lookup ({@link SysMemory#lookup}): a pointer outside this runtime's memory is a {@link GoThrow}.
 */
public final class ItabTable {
    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();
    private static final long SIZE = itabTableType.size$offset();
    private static final long COUNT = itabTableType.count$offset();
    private static final long ENTRIES = itabTableType.entries$offset();
    private static final long PTR = Go119.GO_PTR_SIZE();
    private static final long HASH = _type.hash$offset();

    private final SysMemory sys;
    private final Heap heap;
    /** address of the itabTable pointer word; of itabTableInit */
    private final long tablePtrAddr;
    private final long initAddr;
    private final Symbol tablePtr;
    private final Symbol init;
    /** Go's itabLock; the native key word mirrors it (1 while held) for dumps */
    private final ReentrantLock lock = new ReentrantLock();
    private final MemorySegment lockWord;
    private int grows;
    /**
     * The mapping holding the current table, written when a table is published (construction, growth,
     * under the lock), read by every probe: volatile, so a reader sees the Mapping of a table it may
     * already have loaded, or an older one, which only costs a lookup.
     */
    private volatile Mapping tableMapping;
    /** This runtime's memory as {@link Words}: a lock-free, allocation-free mapping lookup per load. */
    private final Words live = new Words() {
        @Override
        public long word(long addr) {
            return ItabTable.this.word(addr);
        }

        @Override
        public long wordAcquire(long addr) {
            // the probe's entry loads hit the current table, whose mapping was remembered when the table
            // was published (a volatile read, no search); any other address takes the lookup
            Mapping m = tableMapping;
            if (m == null || !m.contains(addr)) {
                m = mapping(addr);
            }
            return (long) WORD.getAcquire(m.segment(), addr - m.address());
        }

        @Override
        public int u32(long addr) {
            return ItabTable.this.u32(addr);
        }

        @Override
        public boolean isItabFor(long m, long inter, long typ) {
            Mapping mm = mapping(m); // one lookup for both words
            MemorySegment ms = mm.segment();
            long mo = m - mm.address();
            return ms.get(ValueLayout.JAVA_LONG, mo + ItabDescriptor.INTER_OFFSET) == inter
                    && ms.get(ValueLayout.JAVA_LONG, mo + ItabDescriptor.TYPE_OFFSET) == typ;
        }
    };

    /** Defines runtime.itabTableInit, runtime.itabTable and runtime.itabLock; itabTable -> itabTableInit. */
    public ItabTable(Image image, Heap heap) {
        this.sys = image.sys();
        this.heap = heap;
        this.init = image.define(Section.DATA, "runtime.itabTableInit", itabTableType.sizeof(), PTR);
        this.tablePtr = image.define(Section.DATA, "runtime.itabTable", PTR, PTR);
        this.initAddr = init.address();
        this.tablePtrAddr = tablePtr.address();
        Symbol lockSym = image.define(Section.NOPTRBSS, "runtime.itabLock", mutex.sizeof(), PTR);
        this.lockWord = image.segment(lockSym);
        image.segment(init).set(ValueLayout.JAVA_LONG, SIZE, Go119.GO_ITAB_INIT_SIZE());
        // the linker initializes itabTable = &itabTableInit; nothing can read it before this constructor returns
        image.segment(tablePtr).set(ValueLayout.JAVA_LONG, 0, init.address());
        tableMapping = mapping(initAddr);
    }

    /**
     * A second, private table in the heap of a runtime (for tests of the publication protocol, such as
     * the jcstress ones): its pointer word, lock word and initial 512-entry table are heap objects.
     * Publishing this object to other threads must itself be safe (a final field or a start()).
     */
    public ItabTable(SysMemory sys, Heap heap) {
        this.sys = sys;
        this.heap = heap;
        this.init = null;
        this.tablePtr = null;
        this.initAddr = heap.mallocgc(null, itabTableType.sizeof(), false, true);
        this.tablePtrAddr = heap.mallocgc(null, PTR, false, true);
        long lockAddr = heap.mallocgc(null, mutex.sizeof(), true, true);
        this.lockWord = heap.segment(lockAddr, mutex.sizeof());
        heap.segment(initAddr, itabTableType.sizeof()).set(ValueLayout.JAVA_LONG, SIZE, Go119.GO_ITAB_INIT_SIZE());
        heap.segment(tablePtrAddr, PTR).set(ValueLayout.JAVA_LONG, 0, initAddr);
        tableMapping = mapping(initAddr);
    }

    /**
     * The memory {@link #probe} reads: 64-bit words (plain and acquire) and 32-bit words at native
     * addresses. The live table reads this runtime's mappings; {@code goheap inspect --verify-table} reads
     * a core file or dump through {@link #words(AddressSpace)}.
     */
    public interface Words {
        /** A plain 64-bit load. */
        long word(long addr);

        /** A 64-bit load with acquire semantics (for memory nothing writes any more, a plain load will do). */
        long wordAcquire(long addr);

        /** A 32-bit load. */
        int u32(long addr);

        /** Whether itab {@code m} is the one for (inter, typ): its first two words (plain loads). */
        default boolean isItabFor(long m, long inter, long typ) {
            return word(m + ItabDescriptor.INTER_OFFSET) == inter && word(m + ItabDescriptor.TYPE_OFFSET) == typ;
        }
    }

    /** An address space as {@link Words}: a dump or core is immutable, so its acquire loads are plain. */
    public static Words words(AddressSpace space) {
        return new Words() {
            @Override
            public long word(long addr) {
                return space.u64(addr);
            }

            @Override
            public long wordAcquire(long addr) {
                return space.u64(addr);
            }

            @Override
            public int u32(long addr) {
                return space.u32(addr);
            }
        };
    }

    /**
     * {@code itabTableType.find}: the itab for (inter, typ), or 0. Lock-free and allocation-free: an
     * acquire load of {@code itabTable}, then {@link #probe}.
     */
    public long find(long inter, long typ) {
        return probe(live, live.wordAcquire(tablePtrAddr), inter, typ);
    }

    /**
     * The probe of {@code itabTableType.find} over table {@code t} in {@code mem}: the itab whose
     * {@code inter} and {@code _type} words equal the arguments, or 0 at the first empty slot. This one
     * method is both the simulator's lookup and the check {@code goheap inspect core --verify-table} runs
     * on a real Go process's table, so a real table that it finds every entry of proves the hash and the
     * probe sequence equal Go's.
     *
     * <p>Ordering (live memory): the table's size was written before the table was published, so the
     * plain load after the caller's acquire load of the table pointer sees it; each entry is an acquire
     * load, so an itab seen here was fully written before its release store in {@link #add}.
     */
    public static long probe(Words mem, long t, long inter, long typ) {
        long mask = mem.word(t + SIZE) - 1;
        long h = hash(mem, inter, typ) & mask;
        for (long i = 1; i <= mask + 1; i++) {
            long m = mem.wordAcquire(t + ENTRIES + h * PTR);
            if (m == 0) {
                return 0;
            }
            if (mem.isItabFor(m, inter, typ)) {
                return m;
            }
            h = (h + i) & mask;
        }
        return 0; // a full table (never live: add grows at 75%) has no empty slot to stop at
    }

    /** The probe's start: {@code itabHashFunc}, inter.typ.hash ^ typ.hash (interfacetype starts with its _type). */
    public static long hash(Words mem, long inter, long typ) {
        return Integer.toUnsignedLong(mem.u32(inter + HASH) ^ mem.u32(typ + HASH));
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
        long size = word(t + SIZE);
        long count = word(t + COUNT);
        if (count >= 3 * (size / 4)) {
            long size2 = 2 * size;
            long t2 = heap.mallocgc(null, (2 + 2 * size) * PTR, false, true);
            setWord(t2 + SIZE, size2);
            // itabs already in t go into t2; iterating needs no atomics: writers hold the lock, t2 is private
            for (long i = 0; i < size; i++) {
                long e = word(t + ENTRIES + i * PTR);
                if (e != 0) {
                    insert(t2, e);
                }
            }
            if (word(t2 + COUNT) != count) {
                throw GoThrow.of("mismatched count during itab table copy");
            }
            // publish: the CAS releases every write to t2 above; under the lock it cannot fail
            MemorySegment ps = segmentOf(tablePtrAddr);
            if (!WORD.compareAndSet(ps, offsetIn(tablePtrAddr), t, t2)) {
                throw GoThrow.of("itabTable changed under itabLock");
            }
            grows++;
            tableMapping = mapping(t2);
            t = t2;
        }
        insert(t, m);
    }

    /** {@code itabTableType.add}: probes for m's slot and stores it with release semantics. Lock held. */
    private void insert(long t, long m) {
        long mask = word(t + SIZE) - 1;
        long h = hash(word(m + ItabDescriptor.INTER_OFFSET), word(m + ItabDescriptor.TYPE_OFFSET)) & mask;
        for (long i = 1; ; i++) {
            long slot = t + ENTRIES + h * PTR;
            long e = word(slot); // plain: only lock holders write entries
            if (e == m) {
                return; // already there (a static itab added twice by itabsinit)
            }
            if (e == 0) {
                Mapping sm = mapping(slot);
                // release: a reader whose acquire load sees m sees m's fields written before
                WORD.setRelease(sm.segment(), slot - sm.address(), m);
                setWord(t + COUNT, word(t + COUNT) + 1);
                return;
            }
            h = (h + i) & mask;
        }
    }

    private long hash(long inter, long typ) {
        return hash(live, inter, typ);
    }

    /** itabLock. */
    public ReentrantLock lock() {
        return lock;
    }

    /** Takes itabLock, mirroring lock(&itabLock) into its native key word. */
    public void lockItabs() {
        lock.lock();
        lockWord.set(ValueLayout.JAVA_LONG, 0, 1);
    }

    /** Releases itabLock. */
    public void unlockItabs() {
        lockWord.set(ValueLayout.JAVA_LONG, 0, 0);
        lock.unlock();
    }

    /** The current table's address (acquire). */
    public long current() {
        return (long) WORD.getAcquire(segmentOf(tablePtrAddr), offsetIn(tablePtrAddr));
    }

    /** The current table's size (a power of two). */
    public long size() {
        return word(current() + SIZE);
    }

    /** The current table's count. Exact under the lock; a snapshot otherwise. */
    public long count() {
        return word(current() + COUNT);
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
            long size = word(t + SIZE);
            List<long[]> out = new ArrayList<>();
            for (long i = 0; i < size; i++) {
                long e = word(t + ENTRIES + i * PTR);
                if (e != 0) {
                    out.add(new long[] {i, e});
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The symbols: runtime.itabTable, runtime.itabTableInit (null for a private table). */
    public Symbol tableSymbol() {
        return tablePtr;
    }

    public Symbol initSymbol() {
        return init;
    }

    private Mapping mapping(long addr) {
        Mapping m = sys.lookup(addr);
        if (m == null) {
            throw GoThrow.of("itab table: pointer 0x" + Long.toHexString(addr) + " outside this runtime's memory");
        }
        return m;
    }

    private MemorySegment segmentOf(long addr) {
        return mapping(addr).segment();
    }

    private long offsetIn(long addr) {
        return addr - mapping(addr).address();
    }

    private long word(long addr) {
        Mapping m = mapping(addr);
        return m.segment().get(ValueLayout.JAVA_LONG, addr - m.address());
    }

    private int u32(long addr) {
        Mapping m = mapping(addr);
        return m.segment().get(ValueLayout.JAVA_INT, addr - m.address());
    }

    private void setWord(long addr, long v) {
        Mapping m = mapping(addr);
        m.segment().set(ValueLayout.JAVA_LONG, addr - m.address(), v);
    }
}
