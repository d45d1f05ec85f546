package io.goheap.jcstress;

import io.goheap.runtime.iface.CallSites;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two threads miss on one fresh site at once: the first calls the runtime's typeAssert for T1, the second
 * asserts T2 through the compiled fast path (a miss, so it calls typeAssert too). Each builds a cache
 * from the one it loaded and CASes it in. As in Go, at least one update sticks, and a published cache
 * never lacks an entry of the cache it was built from (a CAS from a stale cache fails). r1, r2: T1, T2 in
 * the final cache; r3: the fast path answered with getitab's itab; r4: the final cache is well formed.
 */
@JCStressTest
@Description("Racing rebuilds of one call-site cache: at least one sticks, every published cache is whole, every answer right.")
@Outcome(id = {"1, 0, 1, 1", "0, 1, 1, 1"}, expect = ACCEPTABLE,
        desc = "both built from the empty cache: one CAS won, the other lost and its table was dropped")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "one loaded the cache the other had published, built from it and won: both entries")
@Outcome(expect = FORBIDDEN, desc = "no update stuck, or the fast path got a wrong itab, or the final cache is malformed")
@State
public class CallSiteCasRaceTest {
    private final CallSites.TypeAssert site = SiteWorld.SITES.typeAssertInHeap(SiteWorld.IFACE, false);
    private int fastOk;

    @Actor
    public void runtime() {
        site.typeAssert(SiteWorld.TYPE[1]);
    }

    @Actor
    public void compiled() {
        fastOk = site.onEface(SiteWorld.TYPE[2]) == SiteWorld.ITAB[2] ? 1 : 0;
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        long c = site.cache();
        long mask = SiteWorld.MEM.u64(c + SiteWorld.D.assertCacheMask);
        r.r1 = SiteWorld.find(c, 1) != 0 ? 1 : 0;
        r.r2 = SiteWorld.find(c, 2) != 0 ? 1 : 0;
        r.r3 = fastOk;
        int n = 0;
        for (long i = 0; i <= mask; i++) {
            if (SiteWorld.MEM.u64(c + SiteWorld.D.assertCacheEntries + i * SiteWorld.D.assertEntrySize + SiteWorld.D.assertEntryTyp) != 0) {
                n++;
            }
        }
        // Mask + 1 a power of two, at most half full
        r.r4 = Long.bitCount(mask + 1) == 1 && 2L * n <= mask + 1 ? 1 : 0;
    }
}
