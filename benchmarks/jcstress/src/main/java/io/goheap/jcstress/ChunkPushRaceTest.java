package io.goheap.jcstress;

import io.goheap.runtime.alloc.ChunkChain;
import io.goheap.runtime.mem.FileMemory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;


import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two Ps push a chunk each at the same time, as two threads refilling their palloc do: the CAS loop
 * must keep both, in either order, each linking to the one below it.
 */
@JCStressTest
@Description("Two concurrent ChunkChain.push calls: both chunks end up on the chain, correctly linked.")
@Outcome(id = "2, 3", expect = ACCEPTABLE, desc = "B's CAS won first: C -> B -> A")
@Outcome(id = "3, 2", expect = ACCEPTABLE, desc = "C's CAS won first: B -> C -> A")
@Outcome(expect = FORBIDDEN, desc = "a push was lost or a link is wrong")
@State
public class ChunkPushRaceTest {
    /** four words of native memory (freed by the GC with the state): the head, then the first words of "chunks" A, B and C */
    private final MemorySegment seg = Arena.ofAuto().allocate(32, 8);
    private final long mem = seg.address();
    private final long a = mem + 8;
    private final long b = mem + 16;
    private final long c = mem + 24;
    private final ChunkChain chain = new ChunkChain(FileMemory.of("state", mem, seg), mem);

    public ChunkPushRaceTest() {
        chain.push(a);
    }

    @Actor
    public void pushB() {
        chain.push(b);
    }

    @Actor
    public void pushC() {
        chain.push(c);
    }

    /** r1 = the second chunk from the top, r2 = the top (2 = B, 3 = C); the third must be A, then 0. */
    @Arbiter
    public void walk(JJ_Result r) {
        long top = chain.headAcquire();
        long second = chain.link(top);
        boolean ok = chain.link(second) == a && chain.link(a) == 0;
        r.r1 = ok ? id(second) : -1;
        r.r2 = ok ? id(top) : -1;
    }

    private long id(long chunk) {
        return chunk == b ? 2 : chunk == c ? 3 : -1;
    }
}
