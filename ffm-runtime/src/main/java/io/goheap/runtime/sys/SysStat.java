package io.goheap.runtime.sys;

/**
 * The {@code sysMemStat} counters of Go 1.19's {@code mstats} that {@code sysAlloc}, {@code sysMap}
 * and {@code sysFree} account into, under their Go names. {@link #HEAP_SYS} stands for the heap
 * memory Go 1.19 tracks in {@code heapStats} (reported as {@code MemStats.HeapSys}).
 */
public enum SysStat {
    /** {@code memstats.stacks_sys}. */
    STACKS_SYS("stacks_sys"),
    /** {@code memstats.mspan_sys}. */
    MSPAN_SYS("mspan_sys"),
    /** {@code memstats.mcache_sys}. */
    MCACHE_SYS("mcache_sys"),
    /** {@code memstats.buckhash_sys}. */
    BUCKHASH_SYS("buckhash_sys"),
    /** {@code memstats.gcMiscSys}. */
    GC_MISC_SYS("gcMiscSys"),
    /** {@code memstats.other_sys}: persistentalloc's chunks among others. */
    OTHER_SYS("other_sys"),
    /** The heap's memory ({@code MemStats.HeapSys}). */
    HEAP_SYS("heap_sys"),
    /**
     * goheap's own: the static image (sections {@code .text} ... {@code .noptrbss}) that in a real process
     * is the mapped executable and in no Go stat. Left out of {@link MemStats#sys()}.
     */
    IMAGE("image");

    private final String goName;

    SysStat(String goName) {
        this.goName = goName;
    }

    /** The field name in Go's {@code mstats}, e.g. {@code other_sys}. */
    public String goName() {
        return goName;
    }
}
