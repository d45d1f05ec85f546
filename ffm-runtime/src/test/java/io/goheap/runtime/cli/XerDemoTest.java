package io.goheap.runtime.cli;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.SrodataFixture;
import io.goheap.runtime.testing.SrodataFixture.Symbol;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's hand-built structs against the compiler: every byte the Go 1.19 compiler fixed (everything
 * but relocation sites) must be equal in the demo's memory.
 */
class XerDemoTest extends NativeMemoryTest {
    @Test
    void demoBytesEqualTheCompilersOutsideRelocations() throws Exception {
        Map<String, Symbol> go = SrodataFixture.parse(NativeDir.get().resolve("fixtures/xer.srodata.txt"));
        try (GoRuntime rt = GoRuntime.start()) {
            XerDemo demo = new XerDemo(rt);
            int compared = 0;
            for (XerDemo.Placed p : demo.placed) {
                Symbol s = go.get(p.symbol());
                if (s == null) {
                    continue; // imethod/uncommontype rows are parts of type.main.Xer, compared with it
                }
                byte[] ours = demo.bytes(p);
                int n = Math.min(ours.length, s.size());
                for (int i = 0; i < n; i++) {
                    if (!s.relocated(i)) {
                        assertEquals(s.bytes()[i], ours[i], p.symbol() + " byte +" + i);
                        compared++;
                    }
                }
            }
            assertTrue(compared > 100, "bytes compared: " + compared);
        }
    }
}
