package io.goheap.jcstress;

import io.goheap.runtime.iface.ItabTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * (b) A reader during growth finds every itab present before the growth began: the table holds 384
 * itabs (its growth threshold); one thread adds one more, which doubles the table, re-adds all and
 * publishes it by CAS; the other looks up two itabs that were there from the start.
 */
@JCStressTest
@Description("ItabTable.find during a growth finds every itab added before the growth began.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both found, in the old table or the published new one")
@Outcome(expect = FORBIDDEN, desc = "an itab present before the growth was missed")
@State
public class ItabGrowthTest {
    private final ItabTable table;

    public ItabGrowthTest() {
        table = ItabWorld.table();
        table.lockItabs();
        try {
            for (int t = 1; t <= ItabWorld.PREFILLED; t++) {
                table.add(ItabWorld.ITAB[t]);
            }
        } finally {
            table.unlockItabs();
        }
    }

    @Actor
    public void grower() {
        table.lockItabs();
        try {
            table.add(ItabWorld.ITAB[ItabWorld.PREFILLED + 1]); // count 384 >= 3*(512/4): grows to 1024 first
        } finally {
            table.unlockItabs();
        }
    }

    @Actor
    public void reader(JJ_Result r) {
        r.r1 = table.find(ItabWorld.IFACE, ItabWorld.TYPE[7]) == ItabWorld.ITAB[7] ? 1 : 0;
        r.r2 = table.find(ItabWorld.IFACE, ItabWorld.TYPE[ItabWorld.PREFILLED]) == ItabWorld.ITAB[ItabWorld.PREFILLED] ? 1 : 0;
    }
}
