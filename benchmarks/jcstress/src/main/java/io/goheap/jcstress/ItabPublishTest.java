package io.goheap.jcstress;

import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * (a) A reader either misses an itab or sees it whole: one thread's getitab builds (I0, T0) and adds it
 * (fields written, then the entry stored with release semantics); the other finds it lock-free
 * (acquire loads) and reads inter, _type, hash and fun[0].
 */
@JCStressTest
@Description("ItabTable.find sees a getitab-built itab either not at all or with every field written.")
@Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "find ran before add's release store: a miss")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "find saw the entry and inter, _type, hash (0) and fun[0] as written")
@Outcome(expect = FORBIDDEN, desc = "find saw the entry but a field not yet written: publication broken")
@State
public class ItabPublishTest {
    private final ItabTable table = ItabWorld.table();
    private final Itabs itabs = ItabWorld.itabs(table);

    @Actor
    public void writer() {
        itabs.getitab(ItabWorld.IFACE, ItabWorld.TYPE[0], false);
    }

    @Actor
    public void reader(IIII_Result r) {
        long m = table.find(ItabWorld.IFACE, ItabWorld.TYPE[0]);
        if (m == 0) {
            return;
        }
        var s = ItabWorld.LINKED.module().space();
        r.r1 = s.u64(m + ItabDescriptor.INTER_OFFSET) == ItabWorld.IFACE ? 1 : 0;
        r.r2 = s.u64(m + ItabDescriptor.TYPE_OFFSET) == ItabWorld.TYPE[0] ? 1 : 0;
        r.r3 = s.u32(m + ItabDescriptor.HASH_OFFSET) == 0 ? 1 : 0;
        r.r4 = s.u64(m + ItabDescriptor.funOffset(0)) == ItabWorld.FUN0 ? 1 : 0;
    }
}
