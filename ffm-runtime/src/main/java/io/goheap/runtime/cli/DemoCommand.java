package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.alloc.P;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.sys.Mapping;
import io.goheap.runtime.sys.MemStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code goheap demo [--go 1.N] [--json]}: the seed's Xer/data example in real mmap'd memory, field by field. */
@Command(name = "demo", description = "Map sysAlloc chunks, write the seed example's types and its itab "
        + "(Xer/data) through the layouts, and print an annotated hex dump, one line per field.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print the dump as JSON")
    boolean json;

    @Option(names = "--go", paramLabel = "1.N", converter = InspectCommand.ReleaseConverter.class,
            description = "simulate this Go release: 1.19 (default) or 1.21 to 1.27, with its layouts, symbol names and rules")
    io.goheap.runtime.abi.GoRelease go;

    @Option(names = "--dump", paramLabel = "FILE", description = "afterwards, write the runtime's whole address space to FILE "
            + "as an ELF core (read it with: goheap inspect dump FILE, or gdb)")
    java.nio.file.Path dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        io.goheap.runtime.abi.GoRelease release = SimulatedRelease.of(spec, go);
        try (GoRuntime rt = GoRuntime.start(release, Runtime.getRuntime().availableProcessors())) {
            XerDemo demo = new XerDemo(rt);
            AllocDemo alloc = new AllocDemo(rt);
            if (json) {
                out.println(Json.mapper().writeValueAsString(toJson(rt, demo, alloc)));
            } else {
                text(out, rt, demo, alloc);
            }
            if (dump != null) {
                io.goheap.runtime.dump.DumpWriter.Written w = OutputFile.write(dump, ch -> io.goheap.runtime.dump.DumpWriter.write(rt, ch));
                spec.commandLine().getErr().printf("goheap: wrote %s: %d segments, %d bytes of memory, %d symbols%n",
                        dump, w.segments(), w.bytes(), w.symbols());
            }
        }
        return 0;
    }

    private static void text(PrintWriter out, GoRuntime rt, XerDemo demo, AllocDemo alloc) {
        out.printf("goheap demo: the seed's Xer/data example in %s linux/amd64 layouts%n%n", rt.goVersion());
        out.printf("source %s -> goheap image: %d symbols, linked into the runtime's sections%n", XerDemo.SOURCE, demo.symbols.size());
        io.goheap.runtime.types.SymbolNames names = demo.names;
        for (String n : java.util.List.of(names.type("main.Xer"), names.type("main.data"), names.type("*main.data"),
                names.itab("main.data", "main.Xer"), "runtime.firstmoduledata", "main.(*data).A", "main.(*data).B")) {
            io.goheap.runtime.image.Symbol sym = rt.image().lookup(n);
            out.printf("  %s%n", sym);
        }
        out.println();
        out.println("address space (reserved up front with mmap(PROT_NONE)):");
        for (io.goheap.runtime.mem.Space sp : rt.sys().spaces()) {
            out.printf("  %s, %d GiB%n", sp, sp.size() >> 30);
        }
        out.println("mappings (sysAlloc/sysMap: committed inside it with mprotect):");
        for (Mapping m : rt.sys().mappings()) {
            out.printf("  %s%n", m);
        }
        out.println();
        for (XerDemo.Placed p : demo.placed) {
            out.printf("%s  (%s, %d bytes) @ 0x%x%n", p.symbol(), p.struct().goName(), p.size(), p.address());
            for (XerDemo.Line l : demo.lines(p)) {
                out.printf("  0x%x  +%-3d %-16s %-23s  = 0x%-14x %s%n", p.address() + l.offset(), l.offset(),
                        l.field(), l.hex(), l.value(), l.note());
            }
            out.println();
        }
        out.println("interface machinery:");
        for (String step : demo.steps) {
            out.printf("  %s%n", step);
        }
        for (XerDemo.Call c : demo.calls) {
            out.printf("  native call through itab.fun[%d] = 0x%x: ran %s%n", c.k(), c.address(), c.function());
        }
        out.println();
        out.println("persistentalloc:");
        for (AllocDemo.Step st : alloc.steps) {
            out.printf("  0x%x  %-5s %s%n", st.address(), st.inPersistentAlloc() ? "chunk" : "-", st.what());
        }
        PersistentAlloc pa = rt.persistentAlloc();
        out.printf("%nruntime.persistentChunks @ 0x%x (.noptrbss), newest first:%n", pa.chunksSymbol().address());
        for (PersistentAlloc.Chunk c : pa.chunks()) {
            out.printf("  chunk 0x%x  next 0x%x%n", c.address(), c.next());
        }
        out.printf("runtime.globalAlloc @ 0x%x: persistentAlloc{base: 0x%x, off: %d}%n",
                pa.globalAllocSymbol().address(), pa.globalBase(), pa.globalOff());
        out.printf("runtime.allp @ 0x%x: %d Ps%n", rt.procs().allp().address(), rt.procs().gomaxprocs());
        for (P p : rt.procs().all()) {
            out.printf("  P%d  runtime.p @ 0x%x  status %d  palloc{base: 0x%x, off: %d}%n",
                    p.id(), p.address(), p.status(), p.pallocBase(), p.pallocOff());
        }
        out.println();
        MemStats s = rt.memStats();
        out.println("memstats:");
        for (Map.Entry<String, Long> e : s.snapshot().entrySet()) {
            if (e.getValue() != 0) {
                out.printf("  %-12s %d%n", e.getKey(), e.getValue());
            }
        }
        out.printf("%nclose(): every mapping above is unmapped; any access after it throws IllegalStateException.%n");
        out.printf("To keep this address space: goheap demo --dump FILE, then goheap inspect dump FILE (or gdb's core-file).%n");
    }

    private static ObjectNode toJson(GoRuntime rt, XerDemo demo, AllocDemo alloc) {
        ObjectMapper om = Json.mapper();
        ObjectNode root = om.createObjectNode();
        root.put("goVersion", rt.goVersion());
        ArrayNode maps = root.putArray("mappings");
        for (Mapping m : rt.sys().mappings()) {
            maps.addObject().put("purpose", m.purpose()).put("address", hex(m.address())).put("size", m.size())
                    .put("prot", io.goheap.runtime.sys.Mman.prot(m.prot())).put("stat", m.stat().goName());
        }
        ArrayNode structs = root.putArray("structs");
        for (XerDemo.Placed p : demo.placed) {
            ObjectNode o = structs.addObject();
            o.put("symbol", p.symbol()).put("struct", p.struct().goName()).put("address", hex(p.address())).put("size", p.size());
            ArrayNode fields = o.putArray("fields");
            for (XerDemo.Line l : demo.lines(p)) {
                fields.addObject().put("name", l.field()).put("offset", l.offset()).put("size", l.size())
                        .put("bytes", l.hex().replace(" ", "")).put("value", hex(l.value())).put("note", l.note());
            }
        }
        ArrayNode stepsJson = root.putArray("steps");
        demo.steps.forEach(stepsJson::add);
        ArrayNode calls = root.putArray("calls");
        for (XerDemo.Call c : demo.calls) {
            calls.addObject().put("fun", c.k()).put("address", hex(c.address())).put("ran", c.function());
        }
        ArrayNode steps = root.putArray("persistentalloc");
        for (AllocDemo.Step st : alloc.steps) {
            steps.addObject().put("what", st.what()).put("address", hex(st.address())).put("inPersistentAlloc", st.inPersistentAlloc());
        }
        PersistentAlloc pa = rt.persistentAlloc();
        ArrayNode chunks = root.putArray("persistentChunks");
        for (PersistentAlloc.Chunk c : pa.chunks()) {
            chunks.addObject().put("address", hex(c.address())).put("next", hex(c.next()));
        }
        root.putObject("globalAlloc").put("address", hex(pa.globalAllocSymbol().address()))
                .putObject("palloc").put("base", hex(pa.globalBase())).put("off", pa.globalOff());
        ArrayNode ps = root.putArray("ps");
        for (P p : rt.procs().all()) {
            ObjectNode o = ps.addObject().put("id", p.id()).put("address", hex(p.address())).put("status", p.status());
            o.putObject("palloc").put("base", hex(p.pallocBase())).put("off", p.pallocOff());
        }
        ObjectNode stats = root.putObject("memstats");
        rt.memStats().snapshot().forEach(stats::put);
        return root;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
