package io.goheap.runtime.cli;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.MallocConstants;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.SysStat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The allocator half of the demo: persistentalloc as the runtime uses it, on a P and without one.
 * <ul>
 *   <li>the P the demo's thread acquires allocates a run-time itab for Xer/data ({@code 24 + 8*2} bytes, as getitab asks), then
 *       enough 4 KiB blocks to fill its first chunk, so a second chunk is pushed onto the chain;</li>
 *   <li>a thread without a P allocates through {@code globalAlloc} (gcMiscSys);</li>
 *   <li>a 64 KiB block goes straight to sysAlloc and is in no chunk.</li>
 * </ul>
 */
final class AllocDemo {
    record Step(String what, long address, boolean inPersistentAlloc) {
    }

    final List<Step> steps = new ArrayList<>();

    AllocDemo(GoRuntime rt) throws InterruptedException {
        PersistentAlloc pa = rt.persistentAlloc();
        try (P p = rt.procs().acquire()) {
            long itab = pa.alloc(ItabDescriptor.sizeOf(2), 0, SysStat.OTHER_SYS);
            steps.add(new Step("P" + p.id() + ": persistentalloc(" + ItabDescriptor.sizeOf(2)
                    + ", 0, &memstats.other_sys) for a run-time itab", itab, pa.inPersistentAlloc(itab)));
            long block = 0;
            int n = 0;
            long first = p.pallocBase();
            while (p.pallocBase() == first) {
                block = pa.alloc(MallocConstants.PAGE_SIZE / 2, 0, SysStat.OTHER_SYS);
                n++;
            }
            steps.add(new Step("P" + p.id() + ": " + n + " x persistentalloc(4096): the last one opened chunk 2",
                    block, pa.inPersistentAlloc(block)));
        }
        AtomicLong global = new AtomicLong();
        Thread t = Thread.ofPlatform().name("no-P").start(
                () -> global.set(pa.alloc(null, 24, 0, SysStat.GC_MISC_SYS)));
        t.join();
        steps.add(new Step("thread without a P: persistentalloc(24, 0, &memstats.gcMiscSys) via globalAlloc",
                global.get(), pa.inPersistentAlloc(global.get())));
        long large = pa.alloc(null, PersistentAlloc.MAX_BLOCK, 0, SysStat.BUCKHASH_SYS);
        steps.add(new Step("persistentalloc(65536, 0, &memstats.buckhash_sys): maxBlock, straight from sysAlloc",
                large, pa.inPersistentAlloc(large)));
    }
}
