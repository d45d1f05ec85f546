package io.goheap.runtime.inspect;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.testing.ReleaseFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code RuntimeState.describe(addr)}: a dump says of an address what the live runtime it was written from
 * says ({@code GoRuntime.describe}); a real core says it from what the readers decode.
 */
class DescribeTest extends NativeMemoryTest {
    @TempDir
    Path tmp;

    @Test
    void aDumpDescribesAsTheLiveRuntime() throws Exception {
        Path file = tmp.resolve("shapes.core");
        try (GoRuntime rt = DumpRoundTripTest.populated(new GoRelease(27), file, new ArrayList<>())) {
            ItabView stat = rt.itab("main.Stringer", "main.Celsius");
            ItabView built = rt.itab("main.Valuer", "*main.Counter");
            long seven = rt.conv().convT64(7);
            long table = rt.itabs().table().current();
            long chunk = rt.persistentAlloc().chunks().getFirst().address();
            io.goheap.runtime.dump.DumpWriter.write(rt, file); // again: the itabs above are in it
            List<Long> addrs = List.of(stat.address() + 24, stat.address() + 8, built.address() + 24, seven, table + 16 + 8 * 3, chunk + 0x40000 - 8);
            try (ElfFile f = ElfFile.open(file); GoImage img = GoImage.ofDump(f)) {
                RuntimeState st = new RuntimeState(img);
                for (long a : addrs) {
                    String live = rt.describe(a);
                    String dump = st.describe(a);
                    if (a == table + 16 + 8 * 3) { // the live runtime names where the table lives, the dump does not know
                        assertTrue(dump.startsWith("the itab table (512 entries), entries[3]"), dump);
                        assertTrue(live.startsWith("the itab table (512 entries, runtime.itabTableInit), entries[3]"), live);
                    } else {
                        assertEquals(live, dump, String.format("0x%x", a));
                    }
                }
            }
            assertEquals("itab go:itab.main.Celsius,main.Stringer + 8 (_type)", rt.describe(stat.address() + 8));
        }
    }

    @Test
    void aRealCoreDescribesFromWhatIsDecoded() throws Exception {
        try (ElfFile core = ElfFile.open(ReleaseFixtures.file("1.27", "inspect.core"));
             ElfFile exe = ElfFile.open(ReleaseFixtures.file("1.27", "inspect"));
             GoImage img = GoImage.ofCore(core, exe)) {
            RuntimeState st = new RuntimeState(img);
            GoImage.ItabInfo shape = img.itabs().stream().filter(i -> i.inter().equals("main.Shape") && i.type().equals("main.square"))
                    .findFirst().orElseThrow();
            assertEquals("itab main.Shape,main.square + 32 (fun[1])", st.describe(shape.address() + 32));
            GoImage.TypeInfo square = img.types(null).stream().filter(t -> t.name().equals("main.square")).findFirst().orElseThrow();
            assertEquals("type descriptor of main.square + 16", st.describe(square.address() + 16));
            long su = img.symbols().get("runtime.staticuint64s").address();
            assertEquals("runtime.staticuint64s[42]", st.describe(su + 42 * 8));
            RuntimeState.Table t = st.table();
            assertTrue(st.describe(t.address() + 16).startsWith("the itab table (" + t.size() + " entries), entries[0]"));
            String dyn = st.describe(t.entries().stream().filter(e -> !img.itablinks().contains(e.itab())).findFirst().orElseThrow().itab() + 24);
            assertTrue(dyn.matches("itab main\\.\\w+,\\S+ \\(built by getitab\\) \\+ 24 \\(fun\\[0\\]\\) in persistent chunk 0x[0-9a-f]+ \\+ 0x[0-9a-f]+"), dyn);
            assertTrue(st.describe(8).startsWith("0x8 is not in "), st.describe(8));
        }
        // a stripped binary: no persistent chunks, no symbols; code is described by its region
        try (ElfFile exe = ElfFile.open(ReleaseFixtures.file("1.27", "inspect-stripped")); GoImage img = GoImage.ofBinary(exe)) {
            long text = exe.section(".text").addr() + 0x100;
            assertTrue(new RuntimeState(img).describe(text).matches("\\.text \\[0x[0-9a-f]+, 0x[0-9a-f]+\\) \\+ 0x[0-9a-f]+"),
                    new RuntimeState(img).describe(text));
        }
    }

    /** The same on the command line: --describe ADDR and --x ADDR/N on a dump, one line per bad argument. */
    @Test
    void theCommandLineDescribesAndExamines() throws Exception {
        Path file = tmp.resolve("q.core");
        long itab;
        try (GoRuntime rt = DumpRoundTripTest.populated(new GoRelease(19), file, new ArrayList<>())) {
            itab = rt.itab("main.Stringer", "main.Celsius").address();
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = io.goheap.runtime.cli.GoheapCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "inspect", "dump",
                file.toString(), "--describe", Long.toHexString(itab + 24), "--x", String.format("0x%x/4", itab));
        assertEquals(0, rc, err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(String.format("0x%x  itab go.itab.main.Celsius,main.Stringer + 24 (fun[0])", itab + 24), lines.get(0));
        assertEquals(String.format("0x%x  (itab go.itab.main.Celsius,main.Stringer + 0 (inter)):", itab), lines.get(1));
        assertTrue(lines.get(2).endsWith("-> type descriptor of main.Stringer"), lines.get(2));
        assertTrue(lines.get(3).endsWith("-> type descriptor of main.Celsius"), lines.get(3));
        assertTrue(lines.get(5).endsWith("-> main.(*Celsius).String"), lines.get(5));
        java.io.StringWriter lay = new java.io.StringWriter();
        assertEquals(0, io.goheap.runtime.cli.GoheapCli.run(new java.io.PrintWriter(lay), new java.io.PrintWriter(err), "inspect", "dump",
                file.toString(), "--layout", String.format("itab@%x", itab)), err.toString());
        List<String> ll = lay.toString().lines().toList();
        assertEquals(String.format("itab (runtime.itab, 32 bytes) at 0x%x", itab), ll.get(0));
        assertTrue(ll.get(2).contains(" inter ") && ll.get(2).endsWith("-> type descriptor of main.Stringer"), ll.get(2));
        assertTrue(ll.stream().anyMatch(l -> l.contains(" fun ") && l.endsWith("-> main.(*Celsius).String")), lay.toString());
        for (String[] bad : new String[][] {{"--describe", "xyz"}, {"--x", "0x10/0"}, {"--x", "0x10"}, {"--layout", "itab"},
                {"--layout", "nope@10"}, {"--layout", "itab@0x10"}}) {
            java.io.StringWriter e = new java.io.StringWriter();
            int r = io.goheap.runtime.cli.GoheapCli.run(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(e),
                    "inspect", "dump", file.toString(), bad[0], bad[1]);
            assertTrue(r == 1 || r == 2, String.join(" ", bad) + " rc " + r);
            assertEquals(1, e.toString().lines().count(), e.toString());
            assertTrue(e.toString().startsWith("goheap: "), e.toString());
        }
    }
}
