package io.goheap.runtime.cli;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.mem.GoMemory;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoStructs;
import io.goheap.runtime.abi.ItabDescriptor;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.PackageImage;
import io.goheap.runtime.types.SymbolNames;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed example, from Go source to native memory: {@code xer/main.go} (native/fixtures/xer, bundled
 * into the jar by the build) is read by goheap's front end, its symbols written as the runtime's release's
 * compiler writes them, linked into the runtime's image, and read back field by field through the layouts. Each
 * field's note comes from the relocation that filled it and from the abi views; finally the demo calls
 * through {@code itab.fun[k]} natively.
 */
final class XerDemo {
    /** The Go program, bundled from native/fixtures/xer/main.go: the seed's Xer/data example. */
    static final String SOURCE = "xer/main.go";

    /** One struct of the image: symbol (or part of one), its Go struct, address, bytes shown, notes by field. */
    record Placed(String symbol, GoStructs.Struct struct, long address, long size, Map<String, String> notes) {
    }

    /** One line a field: path, offset, size, hex bytes, value, note; nested structs expanded. */
    record Line(String field, long offset, long size, String hex, long value, String note) {
    }

    /** The user type {@code main.data}: {@code struct { x, y int }}, two words as Go lays it out. */
    static final java.lang.foreign.StructLayout DATA = java.lang.foreign.MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("x"), ValueLayout.JAVA_LONG.withName("y"));

    /** A native call through {@code fun[k]}: which function ran. */
    record Call(int k, long address, String function) {
    }

    final Linker linker;
    final List<ObjSym> symbols;
    /** the symbol spellings, structs and layouts of the runtime's release */
    final SymbolNames names;
    private final GoStructs structs;
    private final Abi abi;
    final List<Placed> placed = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
    /** the interface machinery, step by step */
    final List<String> steps = new ArrayList<>();
    /** the boxed data{1, 2} the calls got as receiver */
    long receiver;
    private final Module module;

    XerDemo(GoRuntime rt) throws IOException {
        String src;
        try (InputStream in = XerDemo.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SOURCE + " missing from the jar");
            }
            src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        names = SymbolNames.of(rt.release());
        structs = GoStructs.of(rt.release());
        abi = rt.abi();
        symbols = PackageImage.compile(GoSource.parse(SOURCE, src), rt.release());
        linker = rt.link(symbols);
        module = linker.module();

        String itab = names.itab("main.data", "main.Xer");
        String xerSym = names.type("main.Xer");
        String dataSym = names.type("main.data");
        Map<String, String> itabNotes = notes(itab, 0);
        itabNotes.put(Long.toString(ItabDescriptor.HASH_OFFSET), dataSym + "'s hash (a static itab carries it)");
        placed.add(new Placed(itab, struct("itab"), linker.address(itab), ItabDescriptor.sizeOf(2), itabNotes));
        long xer = linker.address(xerSym);
        long interfacetype = abi.sizeOf("interfacetype");
        long uncommontype = abi.sizeOf("uncommontype");
        long imethod = abi.sizeOf("imethod");
        placed.add(new Placed(xerSym, struct("interfacetype"), xer, interfacetype, notes(xerSym, 0)));
        placed.add(new Placed(xerSym + "+" + interfacetype + " (uncommontype)", struct("uncommontype"),
                xer + interfacetype, uncommontype, notes(xerSym, interfacetype)));
        for (int k = 0; k < 2; k++) {
            long off = interfacetype + uncommontype + k * imethod;
            placed.add(new Placed(xerSym + "+" + off + " (imethod " + k + ")", struct("imethod"), xer + off, imethod, notes(xerSym, off)));
        }
        placed.add(new Placed(dataSym, struct("_type"), linker.address(dataSym), abi.sizeOf("_type"), notes(dataSym, 0)));

        // var sink Xer = data{1, 2}, step by step as the compiled program does it
        io.goheap.runtime.iface.Conv conv = rt.conv();
        long xerType = linker.address(xerSym);
        long dataType = linker.address(dataSym);
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment value = a.allocate(DATA);
            value.set(ValueLayout.JAVA_LONG, DATA.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("x")), 1);
            value.set(ValueLayout.JAVA_LONG, DATA.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("y")), 2);
            receiver = conv.convT(value, true);
        }
        steps.add(String.format("convTnoptr(type.main.data, &data{1, 2}) = 0x%x   (a %d-byte heap object)", receiver, DATA.byteSize()));
        long tab = rt.itabs().getitab(xerType, dataType, false);
        steps.add(String.format("getitab(main.Xer, main.data) = 0x%x   (found lock-free: itabsinit added the static itab)", tab));
        long sinkAddr = conv.newIface(tab, receiver);
        steps.add(String.format("sink = iface{tab: 0x%x, data: 0x%x} @ 0x%x", tab, receiver, sinkAddr));
        long e = conv.newEface(dataType, receiver);
        steps.add(String.format("any(data{1, 2}) = eface{_type: 0x%x, data: 0x%x} @ 0x%x", dataType, receiver, e));
        io.goheap.runtime.iface.Assert asserts = rt.asserts();
        steps.add(String.format("assertE2I(main.Xer, main.data) = 0x%x   (any(x).(Xer): the same itab)", asserts.assertE2I(xerType, dataType)));
        steps.add(String.format("switch any(x).(type) { case main.data: } -> case %d   (hash 0x%x, then the type)",
                asserts.typeSwitchE(dataType, dataType), module.typeAt(dataType).hash()));
        steps.add(String.format("convT64(7) = 0x%x = &runtime.staticuint64s[7];  convT64(1000) = 0x%x (heap)",
                conv.convT64(7), conv.convT64(1000)));
        steps.add(String.format("convTstring(\"\") = 0x%x = &runtime.zeroVal", conv.convTstring(0, 0)));

        ItabView it = new ItabView(module, tab);
        io.goheap.runtime.iface.Calls via = rt.calls();
        for (int k = 0; k < it.funs().size(); k++) {
            io.goheap.runtime.iface.Calls.Result r = via.callMethod(tab, receiver, k);
            calls.add(new Call(k, it.fun(k), linker.functions().get((int) r.function()) + " on receiver 0x" + Long.toHexString(r.receiver())));
        }
    }

    /** Notes for the fields of {@code symbol} from {@code base} on: the relocation target, decoded. */
    private Map<String, String> notes(String symbol, long base) {
        ObjSym s = symbols.stream().filter(x -> x.name().equals(symbol)).findFirst().orElseThrow();
        Map<String, String> byOffset = new LinkedHashMap<>();
        for (ObjSym.Reloc r : s.relocs()) {
            String what = switch (r.kind()) {
                case ADDR, WEAKADDR -> "-> ";
                case ADDROFF, WEAKADDROFF -> "off -> ";
                case METHODOFF -> "methodoff -> ";
                case KEEP -> "keeps ";
            };
            String target = r.target() + (r.add() != 0 ? "+" + r.add() : "");
            String decoded = decode(r.target());
            byOffset.put(Long.toString(r.off() - base), what + target + (r.kind().weak ? " (weak)" : "") + decoded);
        }
        if (names.isType(symbol) && base == 0) {
            TypeView t = module.typeAt(linker.address(symbol));
            // the common type's fields by this release's names (kind, hash in 1.19; Kind_, Hash from 1.21),
            // under the interface type's field that holds it (typ in 1.19, Type from 1.21)
            String prefix = symbol.equals(names.type("main.Xer")) ? abi.fieldName("interfacetype", "typ") + "." : "";
            byOffset.put(abi.fieldName("_type", "kind") + ":" + prefix, t.kindName() + " (kind byte 0x" + Integer.toHexString(t.kindByte()) + ")");
            byOffset.put(abi.fieldName("_type", "hash") + ":" + prefix, "TypeHash(\"" + t.string() + "\")");
        }
        return byOffset;
    }

    private GoStructs.Struct struct(String name) {
        return structs.find(name).orElseThrow(() -> new IllegalStateException("no struct " + name + " in " + abi.release()));
    }

    private String decode(String target) {
        if (names.isNameData(target)) {
            return " = \"" + new io.goheap.runtime.abi.NameView(module.space(), linker.address(target)).name() + "\"";
        }
        return "";
    }

    /** The bytes of a placed struct, read back through the address space. */
    byte[] bytes(Placed p) {
        return module.space().slice(p.address(), p.size()).toArray(ValueLayout.JAVA_BYTE);
    }

    List<Line> lines(Placed p) {
        List<Line> out = new ArrayList<>();
        expand(p, p.struct(), "", 0, out);
        if (p.struct().name().equals("itab")) {
            out.removeIf(l -> l.field().equals("fun"));
            for (int k = 0; ItabDescriptor.funOffset(k) < p.size(); k++) {
                out.add(line(p, "fun[" + k + "]", ItabDescriptor.funOffset(k), ItabDescriptor.FUN_WORD));
            }
        }
        return out;
    }

    private void expand(Placed p, GoStructs.Struct s, String prefix, long base, List<Line> out) {
        for (GoStructs.Field f : s.fields()) {
            String nested = f.goType().startsWith("[]") ? "slice" : f.goType().equals("string") ? "string" : f.goType();
            var inner = structs.find(nested).filter(x -> !f.goType().startsWith("*") && x.size() == f.size());
            if (inner.isPresent() && !f.goType().equals(s.name())) {
                expand(p, inner.get(), prefix + f.name() + ".", base + f.offset(), out);
            } else {
                out.add(line(p, prefix + f.name(), base + f.offset(), f.size()));
            }
        }
    }

    private Line line(Placed p, String field, long offset, long size) {
        GoMemory sp = module.space();
        MemorySegment m = sp.slice(p.address() + offset, size);
        long v = switch ((int) size) {
            case 1 -> sp.u8(p.address() + offset);
            case 2 -> sp.u16(p.address() + offset);
            case 4 -> Integer.toUnsignedLong(sp.u32(p.address() + offset));
            case 8 -> sp.u64(p.address() + offset);
            default -> 0;
        };
        String note = p.notes().getOrDefault(Long.toString(offset), "");
        String leaf = field.substring(field.lastIndexOf('.') + 1);
        String prefix = field.contains(".") ? field.substring(0, field.lastIndexOf('.') + 1) : "";
        if (note.isEmpty()) {
            note = p.notes().getOrDefault(leaf + ":" + prefix, "");
        }
        return new Line(field, offset, size, HexFormat.ofDelimiter(" ").formatHex(m.toArray(ValueLayout.JAVA_BYTE)), v, note);
    }
}
