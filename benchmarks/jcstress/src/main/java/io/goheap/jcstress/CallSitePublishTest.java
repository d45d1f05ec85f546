package io.goheap.jcstress;

import io.goheap.runtime.iface.CallSites;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reader that sees a new Cache pointer sees its entries: the writer runs the runtime's typeAssert for
 * T0 on a fresh site (a cache of two slots built with plain stores, then published by CAS); the reader
 * loads Cache with acquire, as the compiled probe does, and reads the new cache's mask and T0's entry.
 */
@JCStressTest
@Description("A call site's cache published by CAS is seen either not at all or with its mask and entries written.")
@Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "the reader's acquire load ran before the CAS: the empty cache")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "the reader saw the new cache, with Mask 1 and T0's entry holding getitab's itab")
@Outcome(expect = FORBIDDEN, desc = "the reader saw the new cache but a field not yet written: publication broken")
@State
public class CallSitePublishTest {
    private final CallSites.TypeAssert site = SiteWorld.SITES.typeAssertInHeap(SiteWorld.IFACE, false);
    private final long empty = SiteWorld.SITES.emptyTypeAssertCache().address();

    @Actor
    public void writer() {
        site.typeAssert(SiteWorld.TYPE[0]);
    }

    @Actor
    public void reader(IIII_Result r) {
        long c = site.cache();
        if (c == empty) {
            return;
        }
        r.r1 = 1;
        r.r2 = SiteWorld.MEM.u64(c + SiteWorld.D.assertCacheMask) == 1 ? 1 : 0;
        long e = SiteWorld.find(c, 0);
        r.r3 = e != 0 ? 1 : 0;
        r.r4 = e != 0 && SiteWorld.MEM.u64(e + SiteWorld.D.assertEntryItab) == SiteWorld.ITAB[0] ? 1 : 0;
    }
}
