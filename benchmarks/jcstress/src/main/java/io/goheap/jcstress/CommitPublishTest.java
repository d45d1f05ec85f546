package io.goheap.jcstress;

import io.goheap.runtime.mem.BadAddressException;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.SysMemory;
import io.goheap.runtime.sys.SysStat;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The memory layer's publication of new memory: a thread that learns the address of a fresh
 * {@code sysAlloc} through a release (here a volatile write) and reads it through {@code LiveMemory}
 * must find the pages committed (the space's window and bitmaps were written under the owner's lock
 * before sysAlloc returned) and the word written. The writer maps a page, writes 42 into it and
 * publishes its address; the reader loads the address and reads the word; the arbiter frees the page,
 * so the address space stays bounded however long jcstress runs (the next state's sysAlloc gets it back).
 *
 * <p>What it can catch: the window or bitmap written after the mapping's address escapes (a reader would
 * get a {@link BadAddressException} for memory that exists), or the JIT moving the reader's window load
 * above its load of the address.
 */
@JCStressTest
@Description("A fresh sysAlloc whose address a reader sees is readable through LiveMemory, with its contents.")
@Outcome(id = "0", expect = ACCEPTABLE, desc = "the reader ran before the publish: no address yet")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the reader saw the address, the committed pages and the word")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "the reader saw the address but the memory layer did not know its pages")
@Outcome(id = "-2", expect = FORBIDDEN, desc = "the reader saw the address and the pages but not the word written before the publish")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class CommitPublishTest {
    private static final SysMemory SYS = ItabWorld.RT.sys();
    private static final GoMemory MEM = SYS.memory();

    private Mapping mapping;
    private volatile long published;

    @Actor
    public void writer() {
        mapping = SYS.sysAlloc(4096, SysStat.OTHER_SYS, "jcstress page");
        MEM.setU64(mapping.address(), 42);
        published = mapping.address(); // volatile: a reader that sees it sees the commit and the word
    }

    @Actor
    public void reader(J_Result r) {
        long a = published;
        if (a == 0) {
            r.r1 = 0;
            return;
        }
        try {
            long v = MEM.u64(a);
            r.r1 = v == 42 ? 42 : -2;
        } catch (BadAddressException e) {
            r.r1 = -1;
        }
    }

    @Arbiter
    public void free(J_Result r) {
        SYS.sysFree(mapping);
    }
}
