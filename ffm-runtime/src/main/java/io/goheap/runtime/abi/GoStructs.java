package io.goheap.runtime.abi;

import io.goheap.layouts.go119._type;
import io.goheap.layouts.go119.bitvector;
import io.goheap.layouts.go119.eface;
import io.goheap.layouts.go119._func;
import io.goheap.layouts.go119.functab;
import io.goheap.layouts.go119.iface;
import io.goheap.layouts.go119.imethod;
import io.goheap.layouts.go119.interfacetype;
import io.goheap.layouts.go119.itab;
import io.goheap.layouts.go119.itabTableType;
import io.goheap.layouts.go119.method;
import io.goheap.layouts.go119.moduledata;
import io.goheap.layouts.go119.name;
import io.goheap.layouts.go119.pcHeader;
import io.goheap.layouts.go119.structtype;
import io.goheap.layouts.go119.structfield;
import io.goheap.layouts.go119.maptype;
import io.goheap.layouts.go119.functype;
import io.goheap.layouts.go119.chantype;
import io.goheap.layouts.go119.arraytype;
import io.goheap.layouts.go119.slicetype;
import io.goheap.layouts.go119.ptrtype;
import io.goheap.layouts.go119.p;
import io.goheap.layouts.go119.wbBuf;
import io.goheap.layouts.go119.gcWork;
import io.goheap.layouts.go119.pMspancache;
import io.goheap.layouts.go119.pGFree;
import io.goheap.layouts.go119.pageCache;
import io.goheap.layouts.go119.sysmontick;
import io.goheap.layouts.go119.globalAlloc;
import io.goheap.layouts.go119.mutex;
import io.goheap.layouts.go119.persistentAlloc;
import io.goheap.layouts.go119.slice;
import io.goheap.layouts.go119.string;
import io.goheap.layouts.go119.textsect;
import io.goheap.layouts.go119.uncommontype;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every Go 1.19 runtime struct goheap lays out, read from the jextract layouts: names, offsets and
 * sizes come from {@code io.goheap.layouts.go119}; this class adds only what C cannot say, the Go
 * name of each struct and the Go type of each field (spelled as Go's DWARF spells it, e.g. {@code
 * uint8} for {@code byte}, without the {@code runtime.} prefix).
 *
 * <p>Immutable and thread-safe.
 */
public final class GoStructs {

    /** One field: Go name (blank fields are {@code _}), the C name in the header, offset, size, Go type. */
    public record Field(String name, String cName, long offset, long size, String goType) {
    }

    /**
     * One struct: its name in the header ({@code itab}), in Go ({@code runtime.itab}), size and fields.
     * An anonymous Go struct type (the type of {@code p.gFree}) has as Go name the field that holds it.
     */
    public record Struct(String name, String goName, GroupLayout layout, List<Field> fields) {
        /** True for a Go struct type without a name of its own (gdb shows it only inside its holder). */
        public boolean anonymous() {
            return ANONYMOUS.contains(name);
        }

        /** {@code sizeof}, from the layout. */
        public long size() {
            return layout.byteSize();
        }

        /** The field with Go or C name {@code n}. */
        public Optional<Field> field(String n) {
            return fields.stream().filter(f -> f.name().equals(n) || f.cName().equals(n)).findFirst();
        }
    }

    private static final java.util.Set<String> ANONYMOUS = java.util.Set.of("pGFree", "pMspancache");

    private static final List<Struct> ALL = List.of(
            struct("_type", "runtime._type", _type.layout(), Map.of(
                    "size", "uintptr", "ptrdata", "uintptr", "hash", "uint32", "tflag", "tflag",
                    "align", "uint8", "fieldAlign", "uint8", "kind", "uint8",
                    "equal", "func(unsafe.Pointer, unsafe.Pointer) bool", "gcdata", "*uint8",
                    "str", "nameOff"), Map.of("ptrToThis", "typeOff")),
            struct("uncommontype", "runtime.uncommontype", uncommontype.layout(), Map.of(
                    "pkgpath", "nameOff", "mcount", "uint16", "xcount", "uint16", "moff", "uint32", "_12", "uint32")),
            struct("method", "runtime.method", method.layout(), Map.of(
                    "name", "nameOff", "mtyp", "typeOff", "ifn", "textOff", "tfn", "textOff")),
            struct("imethod", "runtime.imethod", imethod.layout(), Map.of("name", "nameOff", "ityp", "typeOff")),
            struct("name", "runtime.name", name.layout(), Map.of("bytes", "*uint8")),
            struct("interfacetype", "runtime.interfacetype", interfacetype.layout(), Map.of(
                    "typ", "_type", "pkgpath", "name", "mhdr", "[]imethod")),
            struct("ptrtype", "runtime.ptrtype", ptrtype.layout(), Map.of("typ", "_type", "elem", "*_type")),
            struct("slicetype", "runtime.slicetype", slicetype.layout(), Map.of("typ", "_type", "elem", "*_type")),
            struct("arraytype", "runtime.arraytype", arraytype.layout(), Map.of(
                    "typ", "_type", "elem", "*_type", "slice", "*_type", "len", "uintptr")),
            struct("chantype", "runtime.chantype", chantype.layout(), Map.of("typ", "_type", "elem", "*_type", "dir", "uintptr")),
            struct("functype", "runtime.functype", functype.layout(), Map.of("typ", "_type", "inCount", "uint16", "outCount", "uint16")),
            struct("maptype", "runtime.maptype", maptype.layout(), Map.of(
                    "typ", "_type", "key", "*_type", "elem", "*_type", "bucket", "*_type",
                    "hasher", "func(unsafe.Pointer, uintptr) uintptr", "keysize", "uint8", "elemsize", "uint8",
                    "bucketsize", "uint16", "flags", "uint32")),
            struct("structfield", "runtime.structfield", structfield.layout(), Map.of("name", "name", "typ", "*_type", "offset", "uintptr")),
            struct("structtype", "runtime.structtype", structtype.layout(), Map.of("typ", "_type", "pkgPath", "name", "fields", "[]structfield")),
            struct("itab", "runtime.itab", itab.layout(), Map.of(
                    "inter", "*interfacetype", "_type", "*_type", "hash", "uint32", "_20", "[4]uint8", "fun", "[1]uintptr")),
            struct("iface", "runtime.iface", iface.layout(), Map.of("tab", "*itab", "data", "unsafe.Pointer")),
            struct("eface", "runtime.eface", eface.layout(), Map.of("_type", "*_type", "data", "unsafe.Pointer")),
            struct("itabTableType", "runtime.itabTableType", itabTableType.layout(), Map.of(
                    "size", "uintptr", "count", "uintptr", "entries", "[512]*itab")),
            struct("persistentAlloc", "runtime.persistentAlloc", persistentAlloc.layout(), Map.of(
                    "base", "*notInHeap", "off", "uintptr")),
            struct("mutex", "runtime.mutex", mutex.layout(), Map.of("key", "uintptr")),
            struct("globalAlloc", "runtime.globalAlloc", globalAlloc.layout(), Map.of(
                    "mutex", "mutex", "persistentAlloc", "persistentAlloc")),
            struct("sysmontick", "runtime.sysmontick", sysmontick.layout(), Map.of(
                    "schedtick", "uint32", "schedwhen", "int64", "syscalltick", "uint32", "syscallwhen", "int64")),
            struct("pageCache", "runtime.pageCache", pageCache.layout(), Map.of(
                    "base", "uintptr", "cache", "uint64", "scav", "uint64")),
            struct("pGFree", "runtime.p.gFree", pGFree.layout(), Map.of("gList", "gList", "n", "int32")),
            struct("pMspancache", "runtime.p.mspancache", pMspancache.layout(), Map.of("len", "int", "buf", "[128]*mspan")),
            struct("gcWork", "runtime.gcWork", gcWork.layout(), Map.of(
                    "wbuf1", "*workbuf", "wbuf2", "*workbuf", "bytesMarked", "uint64", "heapScanWork", "int64",
                    "flushedWork", "bool")),
            struct("wbBuf", "runtime.wbBuf", wbBuf.layout(), Map.of("next", "uintptr", "end", "uintptr", "buf", "[512]uintptr")),
            struct("p", "runtime.p", p.layout(), pTypes()),
            struct("slice", "runtime.slice", slice.layout(), Map.of("array", "unsafe.Pointer", "len", "int", "cap", "int")),
            struct("string", "runtime.stringStruct", string.layout(), Map.of("str", "unsafe.Pointer", "len", "int")),
            struct("functab", "runtime.functab", functab.layout(), Map.of("entryoff", "uint32", "funcoff", "uint32")),
            struct("_func", "runtime._func", _func.layout(), Map.of(
                    "entryoff", "uint32", "nameoff", "int32", "args", "int32", "deferreturn", "uint32", "pcsp", "uint32",
                    "pcfile", "uint32", "pcln", "uint32", "npcdata", "uint32", "cuOffset", "uint32", "funcID", "funcID"),
                    Map.of("flag", "funcFlag", "_38", "[1]uint8", "nfuncdata", "uint8")),
            struct("textsect", "runtime.textsect", textsect.layout(), Map.of(
                    "vaddr", "uintptr", "end", "uintptr", "baseaddr", "uintptr")),
            struct("bitvector", "runtime.bitvector", bitvector.layout(), Map.of("n", "int32", "bytedata", "*uint8")),
            struct("pcHeader", "runtime.pcHeader", pcHeader.layout(), Map.of(
                    "magic", "uint32", "pad1", "uint8", "pad2", "uint8", "minLC", "uint8", "ptrSize", "uint8",
                    "nfunc", "int", "nfiles", "uint", "textStart", "uintptr", "funcnameOffset", "uintptr",
                    "cuOffset", "uintptr"), Map.of("filetabOffset", "uintptr", "pctabOffset", "uintptr", "pclnOffset", "uintptr")),
            struct("moduledata", "runtime.moduledata", moduledata.layout(), moduledataTypes()));

    private GoStructs() {
    }

    /** Every struct, in header order. */
    public static List<Struct> all() {
        return ALL;
    }

    /**
     * The struct named {@code n}, by header name ({@code itab}), Go name ({@code runtime.itab}), or
     * case-insensitively.
     */
    public static Optional<Struct> byName(String n) {
        for (Struct s : ALL) {
            if (s.name().equals(n) || s.goName().equals(n)) {
                return Optional.of(s);
            }
        }
        String lower = n.toLowerCase(Locale.ROOT);
        return ALL.stream().filter(s -> s.name().toLowerCase(Locale.ROOT).equals(lower)
                || s.goName().toLowerCase(Locale.ROOT).equals(lower)).findFirst();
    }

    @SafeVarargs
    private static Struct struct(String n, String goName, GroupLayout layout, Map<String, String>... goTypes) {
        List<Field> fields = new ArrayList<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            if (member instanceof PaddingLayout) {
                continue;
            }
            String cName = member.name().orElseThrow(() -> new IllegalStateException("unnamed member in " + n));
            String goType = null;
            for (Map<String, String> m : goTypes) {
                goType = goType != null ? goType : m.get(cName);
            }
            if (goType == null) {
                throw new IllegalStateException("no Go type for " + n + "." + cName);
            }
            long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(cName));
            fields.add(new Field(goFieldName(cName), cName, offset, member.byteSize(), goType));
        }
        return new Struct(n, goName, layout, List.copyOf(fields));
    }

    /** Go's blank fields are {@code _N} in the header (jextract cannot name a Java field {@code _}). */
    static String goFieldName(String cName) {
        return cName.matches("_[0-9]+") ? "_" : cName;
    }

    private static Map<String, String> pTypes() {
        return Map.ofEntries(
                Map.entry("id", "int32"), Map.entry("status", "uint32"), Map.entry("link", "puintptr"),
                Map.entry("schedtick", "uint32"), Map.entry("syscalltick", "uint32"), Map.entry("sysmontick", "sysmontick"),
                Map.entry("m", "muintptr"), Map.entry("mcache", "*mcache"), Map.entry("pcache", "pageCache"),
                Map.entry("raceprocctx", "uintptr"), Map.entry("deferpool", "[]*_defer"),
                Map.entry("deferpoolbuf", "[32]*_defer"), Map.entry("goidcache", "uint64"),
                Map.entry("goidcacheend", "uint64"), Map.entry("runqhead", "uint32"), Map.entry("runqtail", "uint32"),
                Map.entry("runq", "[256]guintptr"), Map.entry("runnext", "guintptr"),
                Map.entry("gFree", "struct { gList; n int32 }"), Map.entry("sudogcache", "[]*sudog"),
                Map.entry("sudogbuf", "[128]*sudog"), Map.entry("mspancache", "struct { len int; buf [128]*mspan }"),
                Map.entry("tracebuf", "traceBufPtr"), Map.entry("traceSweep", "bool"), Map.entry("traceSwept", "uintptr"),
                Map.entry("traceReclaimed", "uintptr"), Map.entry("palloc", "persistentAlloc"), Map.entry("_4608", "uint32"),
                Map.entry("timer0When", "uint64"), Map.entry("timerModifiedEarliest", "uint64"),
                Map.entry("gcAssistTime", "int64"), Map.entry("gcFractionalMarkTime", "int64"),
                Map.entry("limiterEvent", "limiterEvent"), Map.entry("gcMarkWorkerMode", "gcMarkWorkerMode"),
                Map.entry("gcMarkWorkerStartTime", "int64"), Map.entry("gcw", "gcWork"), Map.entry("wbBuf", "wbBuf"),
                Map.entry("runSafePointFn", "uint32"), Map.entry("statsSeq", "uint32"), Map.entry("timersLock", "mutex"),
                Map.entry("timers", "[]*timer"), Map.entry("numTimers", "uint32"), Map.entry("deletedTimers", "uint32"),
                Map.entry("timerRaceCtx", "uintptr"), Map.entry("maxStackScanDelta", "int64"),
                Map.entry("scannedStackSize", "uint64"), Map.entry("scannedStacks", "uint64"), Map.entry("preempt", "bool"));
    }

    private static Map<String, String> moduledataTypes() {
        return Map.ofEntries(
                Map.entry("pcHeader", "*pcHeader"), Map.entry("funcnametab", "[]uint8"), Map.entry("cutab", "[]uint32"),
                Map.entry("filetab", "[]uint8"), Map.entry("pctab", "[]uint8"), Map.entry("pclntable", "[]uint8"),
                Map.entry("ftab", "[]functab"), Map.entry("findfunctab", "uintptr"), Map.entry("minpc", "uintptr"),
                Map.entry("maxpc", "uintptr"), Map.entry("text", "uintptr"), Map.entry("etext", "uintptr"),
                Map.entry("noptrdata", "uintptr"), Map.entry("enoptrdata", "uintptr"), Map.entry("data", "uintptr"),
                Map.entry("edata", "uintptr"), Map.entry("bss", "uintptr"), Map.entry("ebss", "uintptr"),
                Map.entry("noptrbss", "uintptr"), Map.entry("enoptrbss", "uintptr"), Map.entry("end", "uintptr"),
                Map.entry("gcdata", "uintptr"), Map.entry("gcbss", "uintptr"), Map.entry("types", "uintptr"),
                Map.entry("etypes", "uintptr"), Map.entry("rodata", "uintptr"), Map.entry("gofunc", "uintptr"),
                Map.entry("textsectmap", "[]textsect"), Map.entry("typelinks", "[]int32"), Map.entry("itablinks", "[]*itab"),
                Map.entry("ptab", "[]ptabEntry"), Map.entry("pluginpath", "string"), Map.entry("pkghashes", "[]modulehash"),
                Map.entry("modulename", "string"), Map.entry("modulehashes", "[]modulehash"), Map.entry("hasmain", "uint8"),
                Map.entry("gcdatamask", "bitvector"), Map.entry("gcbssmask", "bitvector"),
                Map.entry("typemap", "map[typeOff]*_type"), Map.entry("bad", "bool"), Map.entry("next", "*moduledata"));
    }
}
