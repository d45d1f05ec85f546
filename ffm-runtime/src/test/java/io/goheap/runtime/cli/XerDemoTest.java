package io.goheap.runtime.cli;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.SrodataFixture;
import io.goheap.runtime.testing.SrodataFixture.Symbol;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's image against the compiler: the bundled xer.go is the fixture program, and every byte the
 * Go 1.19 compiler fixed in its 24 symbols (all but relocation sites) is equal in the demo's linked
 * memory; the calls through fun[k] ran the methods' code.
 */
class XerDemoTest extends NativeMemoryTest {
    @Test
    void theLinkedImageHoldsTheCompilersBytes() throws Exception {
        String bundled = new String(XerDemo.class.getResourceAsStream(XerDemo.SOURCE).readAllBytes());
        assertEquals(Files.readString(NativeDir.get().resolve("fixtures/xer/main.go")), bundled, "the bundled program is the fixture");
        Map<String, Symbol> go = SrodataFixture.parse(NativeDir.get().resolve("fixtures/xer.srodata.txt"));
        try (GoRuntime rt = GoRuntime.start(1)) {
            XerDemo demo = new XerDemo(rt);
            int compared = 0;
            for (Symbol s : go.values()) {
                byte[] ours = demo.linker.module().space().slice(demo.linker.address(s.name()), s.size()).toArray(ValueLayout.JAVA_BYTE);
                for (int i = 0; i < s.size(); i++) {
                    if (!s.relocated(i)) {
                        assertEquals(s.bytes()[i], ours[i], s.name() + " byte +" + i);
                        compared++;
                    }
                }
            }
            assertTrue(compared > 500, "bytes compared: " + compared);
            String on = " on receiver 0x" + Long.toHexString(demo.receiver);
            assertEquals("main.(*data).A" + on, demo.calls.get(0).function());
            assertEquals("main.(*data).B" + on, demo.calls.get(1).function());
            System.out.printf("demo image: %d symbols, %d fixed bytes equal the compiler's%n", go.size(), compared);
        }
    }
}
