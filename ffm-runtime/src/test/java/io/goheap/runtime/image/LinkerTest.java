package io.goheap.runtime.image;

import io.goheap.layouts.go119.moduledata;
import io.goheap.layouts.go119.slice;
import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.testing.NativeDir;
import io.goheap.runtime.testing.NativeMemoryTest;
import io.goheap.runtime.types.PackageImage;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From source to a linked image in native memory, read back the way the runtime reads its own module:
 * through runtime.firstmoduledata's typelinks and itablinks, with the abi views; and a real native call
 * through itab.fun[0].
 */
class LinkerTest extends NativeMemoryTest {
    static Linker linkShapes(GoRuntime rt, String program) throws Exception {
        Path src = NativeDir.get().resolve("fixtures/" + program + "/main.go");
        return rt.link(PackageImage.compile(GoSource.parse(src.toString(), Files.readString(src))));
    }

    @Test
    void moduledataLeadsToEveryItabAndTypelink() throws Throwable {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = linkShapes(rt, "shapes");
            Module m = l.module();
            long md = l.moduledata().address();
            assertEquals(m.types(), m.space().u64(md + moduledata.types$offset()));
            assertEquals(m.text(), m.space().u64(md + moduledata.text$offset()));
            long itabs = m.space().u64(md + moduledata.itablinks$offset() + slice.array$offset());
            long n = m.space().u64(md + moduledata.itablinks$offset() + slice.len$offset());
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ItabView it = new ItabView(m, m.space().u64(itabs + 8L * i));
                pairs.add(it.type().string() + "," + it.inter().type().string());
                assertEquals(it.type().hash(), it.hash(), "a static itab carries the type's hash");
                assertEquals(it.inter().methods().size(), it.funs().size());
            }
            assertEquals(List.of("*main.Counter,main.IncValuer", "*main.Point,main.Shape", "*main.Service,main.IncValuer",
                    "main.Celsius,main.Stringer", "main.Counter,main.Valuer", "main.Point,main.Stringer",
                    "main.Service,main.Valuer", "main.Wrapped,main.Stringer"), pairs);
            long tl = m.space().u64(md + moduledata.typelinks$offset() + slice.array$offset());
            long tn = m.space().u64(md + moduledata.typelinks$offset() + slice.len$offset());
            List<String> typelinks = new ArrayList<>();
            for (int i = 0; i < tn; i++) {
                typelinks.add(m.type(m.space().u32(tl + 4L * i)).string());
            }
            assertTrue(typelinks.contains("*main.Point") && typelinks.contains("func(int) error"), typelinks.toString());
            assertEquals(typelinks.stream().sorted().toList().size(), typelinks.size());
            TypeView point = m.typeAt(l.address("type.main.Point"));
            assertEquals(List.of("X", "Y", "tag"), point.fields().stream().map(f -> f.name().name()).toList());
            assertEquals("json:\"x\"", point.fields().getFirst().name().tag());
            assertEquals("int64", point.fields().getFirst().type().string(), "type.int64 linked from package runtime");
        }
    }

    /** A Go method implemented in Java: returns {42, receiver * 2}. */
    static MemorySegment javaA(long receiver) {
        MemorySegment r = java.lang.foreign.Arena.ofAuto().allocate(io.goheap.runtime.iface.Calls.RESULT);
        r.set(ValueLayout.JAVA_LONG, 0, 42);
        r.set(ValueLayout.JAVA_LONG, 8, receiver * 2);
        return r;
    }

    @Test
    void aMethodImplementedInJavaIsReachedThroughFun() throws Throwable {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = linkShapes(rt, "xer");
            MethodHandle impl = java.lang.invoke.MethodHandles.lookup().findStatic(LinkerTest.class, "javaA",
                    java.lang.invoke.MethodType.methodType(MemorySegment.class, long.class));
            l.bindJava("main.(*data).A", impl, FunctionDescriptor.of(io.goheap.runtime.iface.Calls.RESULT, ValueLayout.JAVA_LONG));
            ItabView it = new ItabView(l.module(), l.address("go.itab.main.data,main.Xer"));
            io.goheap.runtime.iface.Calls calls = rt.calls();
            io.goheap.runtime.iface.Calls.Result a = calls.callMethod(it.address(), 21, 0);
            assertEquals(42, a.function(), "the Java implementation answered");
            assertEquals(42, a.receiver());
            io.goheap.runtime.iface.Calls.Result b = calls.callMethod(it.address(), 21, 1);
            assertEquals("main.(*data).B", l.functions().get((int) b.function()), "B still runs its native body");
        }
    }

    @Test
    void aNativeCallThroughFunRunsTheMethodsCode() throws Throwable {
        try (GoRuntime rt = GoRuntime.start(1)) {
            Linker l = linkShapes(rt, "xer");
            ItabView it = new ItabView(l.module(), l.address("go.itab.main.data,main.Xer"));
            io.goheap.runtime.iface.Calls calls = rt.calls();
            for (int k = 0; k < 2; k++) {
                io.goheap.runtime.iface.Calls.Result r = calls.callMethod(it.address(), 0xc0ffee00L + k, k);
                assertEquals(k == 0 ? "main.(*data).A" : "main.(*data).B", l.functions().get((int) r.function()));
                assertEquals(0xc0ffee00L + k, r.receiver(), "the receiver reached the method");
            }
            // the general path: any signature, here int(long receiver, int extra) — the body returns its index in EAX
            Object idx = calls.call(it.address(), 5, 1, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT), 99);
            assertEquals("main.(*data).B", l.functions().get((Integer) idx));
            assertTrue(rt.sys().mappings().stream().anyMatch(mp -> mp.purpose().equals(".text")
                    && (mp.prot() & io.goheap.runtime.sys.Mman.PROT_EXEC) != 0), ".text is executable");
        }
    }

    /**
     * Go 1.24's on-demand GC masks: a type whose mask would be too long points its GCData at a word the
     * runtime fills in later, {@code type:.gcmask.T}, which the linker puts in writable data
     * ({@code .noptrdata}, {@code .noptrbss} from 1.27: never in the read-only type data).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {24, 25, 26, 27})
    void onDemandMasksGoToWritableData(int minor) throws Exception {
        io.goheap.runtime.abi.GoRelease r = new io.goheap.runtime.abi.GoRelease(minor);
        try (GoRuntime rt = GoRuntime.start(r, 1)) {
            Linker l = rt.link(PackageImage.compileAll(io.goheap.runtime.gosrc.GoModule.load(NativeDir.get().resolve("fixtures/gcprog")), r));
            List<Symbol> masks = rt.image().symbols().stream().filter(s -> s.name().startsWith("type:.gcmask.")).toList();
            assertTrue(masks.size() >= 2, "the gcprog fixture's long masks: " + masks);
            for (Symbol m : masks) {
                assertEquals(minor >= 27 ? Section.NOPTRBSS : Section.NOPTRDATA, m.section(), m.name());
                assertEquals(0, rt.sys().memory().u64(m.address()), m.name() + ": zero until the runtime builds the mask");
                long type = l.address("type:" + m.name().substring("type:.gcmask.".length()));
                TypeView t = l.module().typeAt(type);
                assertEquals(m.address(), rt.sys().memory().u64(type + io.goheap.runtime.abi.TypeDescriptor.GCDATA_OFFSET),
                        t.string() + "'s GCData points at its mask word");
                assertTrue((t.tflag() & rt.abi().tflagGCMaskOnDemand()) != 0, t.string() + ": TFlagGCMaskOnDemand");
            }
        }
    }
}
