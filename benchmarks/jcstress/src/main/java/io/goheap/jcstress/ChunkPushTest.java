package io.goheap.jcstress;

import io.goheap.runtime.alloc.ChunkChain;
import io.goheap.runtime.mem.FileMemory;
import org.openjdk.jcstress.annotations.Actor;
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
 * persistentalloc's chunk chain: a reader walking the chain never sees a pushed chunk without its link
 * word. The state is real native memory (read and written through the memory layer's {@code FileMemory}, with real acquire loads on writable memory): a head word and two "chunks" (only their first word matters to
 * the chain), chunk A already pushed. The pusher pushes chunk B (link store, then CAS of the head); the
 * reader loads the head with acquire semantics and, if it is B, reads B's link.
 *
 * <p>What it can catch where: on x86-64 (TSO, and a locked cmpxchg is a full fence) the hardware never
 * shows the forbidden outcome, so there the test guards against the compilers (C1/C2, with jcstress's
 * stress options) moving the link store below the CAS, which a weaker CAS mode would allow. Hardware
 * reordering needs a weakly ordered machine (AArch64) to show.
 */
@JCStressTest
@Description("A reader that sees a pushed chunk also sees its link word (ChunkChain.push / headAcquire).")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reader ran before the CAS: the head is still chunk A (link 0 not read)")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "reader ran after the CAS: head is chunk B and B's link is chunk A")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "reader saw chunk B but not B's link word: the CAS did not publish the store")
@State
public class ChunkPushTest {
    /** three words of native memory (freed by the GC with the state): the head, then the first words of "chunks" A and B */
    private final MemorySegment seg = Arena.ofAuto().allocate(24, 8);
    private final long mem = seg.address();
    private final long a = mem + 8;
    private final long b = mem + 16;
    private final ChunkChain chain = new ChunkChain(FileMemory.of("state", mem, seg), mem);

    public ChunkPushTest() {
        chain.push(a);
    }

    @Actor
    public void pusher() {
        chain.push(b);
    }

    @Actor
    public void reader(JJ_Result r) {
        long h = chain.headAcquire();
        if (h == b) {
            r.r1 = 2;
            r.r2 = chain.link(b) == a ? 1 : 0;
        } else {
            r.r1 = h == a ? 1 : -1;
            r.r2 = 0;
        }
    }
}
