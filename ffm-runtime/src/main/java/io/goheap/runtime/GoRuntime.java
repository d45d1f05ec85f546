package io.goheap.runtime;

import io.goheap.runtime.alloc.Heap;
import io.goheap.runtime.alloc.PersistentAlloc;
import io.goheap.runtime.alloc.Procs;
import io.goheap.runtime.image.Image;
import io.goheap.runtime.image.Linker;
import io.goheap.runtime.iface.Assert;
import io.goheap.runtime.iface.CallSites;
import io.goheap.runtime.iface.Calls;
import io.goheap.runtime.iface.Conv;
import io.goheap.runtime.iface.ItabTable;
import io.goheap.runtime.iface.Itabs;
import io.goheap.runtime.abi.Abi;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.abi.Module;
import io.goheap.runtime.types.ObjSym;

import java.util.List;
import java.util.Map;
import io.goheap.runtime.abi.ItabView;
import io.goheap.runtime.abi.TypeView;
import io.goheap.runtime.sys.ArenaHints;
import io.goheap.runtime.sys.MemStats;
import io.goheap.runtime.sys.SysMemory;

/**
 * One simulated Go process (Go 1.19, or a release of {@link #VERSIONS}) in native memory, and the one entry
 * point of goheap.
 *
 * <h2 id="release">Release</h2>
 * The runtime holds the {@link Abi} of its release ({@link #abi()}) and hands it to the parts
 * whose layout differs between releases: the Ps ({@code runtime.p}), the linker ({@code moduledata}) and
 * the module the views read. The structs that are the same in every release (itab, the itab table,
 * persistentAlloc, the value headers, the type descriptors) come from the descriptor classes of
 * {@code abi}.
 *
 * <h2 id="lifetime">Lifetime</h2>
 * A runtime owns every byte it maps (through {@link #sys()}). {@link #close()} unmaps all of it; after
 * that every method here throws {@link IllegalStateException}, and so does every access through a
 * segment the runtime handed out. A close that races with a reader on another thread is safe: every
 * segment over the runtime's memory belongs to a shared arena, {@link #close()} closes those arenas
 * first, and the JDK's close of a shared arena completes a handshake with every thread; only then are
 * the pages unmapped. So the reader either finished its access before the close or gets
 * {@code IllegalStateException}; it never touches unmapped memory.
 *
 * <h2 id="threads">Thread safety</h2>
 * All methods are thread-safe. {@link #close()} is idempotent.
 *
 * {@snippet :
 * try (GoRuntime rt = GoRuntime.start()) {
 *     Mapping m = rt.sys().sysAlloc(8192, SysStat.OTHER_SYS, "demo");  // real mmap
 *     ...
 * }   // every mapping is gone; m.segment().get(...) now throws IllegalStateException
 * }
 */
public final class GoRuntime implements AutoCloseable {
    /** The Go version a runtime started without a release follows (the reference release). */
    public static final String GO_VERSION = "go1.19.8";
    /** {@link #GO_VERSION}'s release: what {@link #start()} and {@link #start(int)} simulate. */
    public static final GoRelease RELEASE = new GoRelease(19);
    /**
     * The releases a runtime simulates, each as the Go version whose source and binaries it was proved
     * against (the versions Debian serves; there is no Go 1.20).
     */
    public static final java.util.Map<GoRelease, String> VERSIONS = versions();
    /** {@link #VERSIONS}' releases, for messages. */
    public static final String SIMULATED = "Go 1.19 and 1.21 to 1.27";

    private final GoRelease release;
    private final Abi abi;
    private final MemStats memStats = new MemStats();
    private final SysMemory sys;
    private final Image image;
    private final Heap heap;
    private final Procs procs;
    private final PersistentAlloc persistent;
    private Linker linked;
    private final ItabTable itabTable;
    private final Conv conv;
    private Itabs itabs;
    private Assert asserts;
    private Calls calls;
    /** {@link #typesByName()}, built on first use */
    private Map<String, Long> typesByName;
    private CallSites callSites;

    private GoRuntime(GoRelease release, int gomaxprocs) {
        if (!VERSIONS.containsKey(release)) {
            throw new IllegalArgumentException(release + " is not simulated: goheap simulates " + SIMULATED);
        }
        this.release = release;
        this.abi = Abi.of(release);
        this.sys = new SysMemory(memStats, ArenaHints.of(release.minor(), heapSeed()));
        try {
            image = new Image(sys, abi);
            heap = new Heap(image);
            procs = new Procs(image, abi, heap, gomaxprocs);
            persistent = new PersistentAlloc(image, memStats, procs);
            itabTable = new ItabTable(image, heap);
            itabTable.dedupByPair(release.minor() >= 27);
            conv = new Conv(image, heap, procs, abi);
        } catch (RuntimeException | Error e) {
            sys.close();
            throw e;
        }
    }

    /**
     * Starts a runtime with GOMAXPROCS = the number of processors the JVM sees: the static image is
     * mapped, the heap is empty until the Ps are allocated in it, no persistent chunk exists yet.
     */
    public static GoRuntime start() {
        return start(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Starts a runtime with {@code gomaxprocs} Ps.
     *
     * @throws IllegalArgumentException if {@code gomaxprocs} is not in 1..1024
     */
    public static GoRuntime start(int gomaxprocs) {
        return new GoRuntime(RELEASE, gomaxprocs);
    }

    /**
     * Starts a runtime of Go {@code release} with {@code gomaxprocs} Ps: that release's layouts
     * ({@code runtime.p}, moduledata, type descriptors) and its rules where they changed (see
     * {@link Abi}).
     *
     * @throws IllegalArgumentException if {@code release} is not one of {@link #VERSIONS}, or
     *                                  {@code gomaxprocs} is not in 1..1024
     */
    public static GoRuntime start(GoRelease release, int gomaxprocs) {
        return new GoRuntime(java.util.Objects.requireNonNull(release, "release"), gomaxprocs);
    }

    /** The release this runtime simulates. Usable after close. */
    public GoRelease release() {
        return release;
    }

    /** The Go version this runtime simulates ({@code go1.19.8}, {@code go1.27.3}). Usable after close. */
    public String goVersion() {
        return VERSIONS.get(release);
    }

    /** The layouts and rules of this runtime's release. Usable after close: it is a value. */
    public Abi abi() {
        return abi;
    }

    /**
     * System property: the 64 random bits a Go 1.26+ runtime randomizes its heap base with (decimal or
     * {@code 0x} hex), for a reproducible layout; without it each runtime draws its own, as each Go process does.
     */
    public static final String HEAP_SEED_PROPERTY = "goheap.heapSeed";

    private static long heapSeed() {
        String s = System.getProperty(HEAP_SEED_PROPERTY);
        if (s == null) {
            return new java.security.SecureRandom().nextLong();
        }
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + HEAP_SEED_PROPERTY + "=" + s + " is not a 64-bit number");
        }
    }

    private static java.util.Map<GoRelease, String> versions() {
        java.util.Map<GoRelease, String> m = new java.util.LinkedHashMap<>();
        for (String v : List.of("go1.19.8", "go1.21.13", "go1.22.12", "go1.23.5", "go1.24.4", "go1.25.12", "go1.26.10",
                "go1.27.3")) {
            m.put(GoRelease.find(v), v);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The static image: sections and symbols. @throws IllegalStateException if closed */
    public Image image() {
        ensureOpen();
        return image;
    }

    /** The heap ({@code mallocgc}). @throws IllegalStateException if closed */
    public Heap heap() {
        ensureOpen();
        return heap;
    }

    /** The Ps. @throws IllegalStateException if closed */
    public Procs procs() {
        ensureOpen();
        return procs;
    }

    /**
     * Links one package's compiled symbols into this runtime's image: type descriptors and itabs in
     * {@code .rodata}, code in {@code .text}, {@code runtime.firstmoduledata} (see {@link Linker}).
     *
     * @throws IllegalStateException if closed, or a package was linked already
     */
    public synchronized Linker link(List<ObjSym> symbols) {
        ensureOpen();
        if (linked != null) {
            throw new IllegalStateException("this runtime already holds a linked package");
        }
        linked = new Linker(image, abi).link(symbols);
        // itabsinit: the module's static itabs go into the table, as at runtime start-up
        Module m = linked.module();
        List<Long> links = linked.staticItabs();
        itabs = new Itabs(m, itabTable, persistent);
        itabs.itabsinit(links);
        asserts = new Assert(itabs, m);
        calls = new Calls(m, sys.callGate());
        if (release.compareTo(io.goheap.runtime.abi.CallSiteDescriptor.FIRST) >= 0) {
            callSites = new CallSites(image, heap, procs, itabs, m, abi);
        }
        return linked;
    }

    /**
     * The assertion entry points and type switches over the linked package.
     *
     * @throws IllegalStateException if closed, or no package is linked yet
     */
    public synchronized Assert asserts() {
        itabs();
        return asserts;
    }

    /**
     * The call-site caches of Go 1.22 and later over the linked package: type assertions and type
     * switches through per-site caches, and {@code runtime.emptyTypeAssertCache} /
     * {@code runtime.emptyInterfaceSwitchCache}, defined when the package was linked (see {@link CallSites}).
     *
     * @throws IllegalStateException if closed, no package is linked yet, or the runtime simulates a release
     *                               older than Go 1.22 (it has no call-site caches)
     */
    public synchronized CallSites callSites() {
        itabs();
        if (callSites == null) {
            throw new IllegalStateException(release + " has no call-site caches: they came with "
                    + io.goheap.runtime.abi.CallSiteDescriptor.FIRST + " (start a runtime of that release or later)");
        }
        return callSites;
    }

    /**
     * {@code getitab} and the itab table of the linked package.
     *
     * @throws IllegalStateException if closed, or no package is linked yet
     */
    public synchronized Itabs itabs() {
        ensureOpen();
        if (itabs == null) {
            throw new IllegalStateException("no package linked: link one with link(...) first");
        }
        return itabs;
    }

    /**
     * Native calls through {@code itab.fun[k]} into the linked package's code, guarded against
     * {@link #close()} (see {@link Calls}).
     *
     * @throws IllegalStateException if closed, or no package is linked yet
     */
    public synchronized Calls calls() {
        itabs();
        return calls;
    }

    /** {@code convT*}: boxing values for interfaces. @throws IllegalStateException if closed */
    public Conv conv() {
        ensureOpen();
        return conv;
    }

    /** {@code persistentalloc}. @throws IllegalStateException if closed */
    public PersistentAlloc persistentAlloc() {
        ensureOpen();
        return persistent;
    }

    /**
     * The OS memory layer ({@code sysAlloc}, {@code sysMap}, ...) that owns this runtime's mappings.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public SysMemory sys() {
        ensureOpen();
        return sys;
    }

    /**
     * The memory statistics of this runtime ({@code other_sys}, {@code heap_sys}, ...).
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public MemStats memStats() {
        ensureOpen();
        return memStats;
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return sys.isOpen();
    }

    /**
     * Unmaps everything this runtime mapped, and frees the upcall stubs of Java-implemented methods.
     * Idempotent. Calls into the runtime's code that are running finish first ({@link Calls}); if one is
     * still inside an upcall after {@link io.goheap.runtime.sys.CallGate#DRAIN_TIMEOUT_SECONDS}, the code
     * and the stubs stay and this throws {@link IllegalStateException}: close again once it returned.
     */
    @Override
    public void close() {
        try {
            sys.close();
        } finally {
            Linker l;
            synchronized (this) {
                l = linked;
            }
            if (l != null && sys.callGate().isDrained()) {
                l.close(); // no call can be inside a stub any more
            }
        }
    }

    /**
     * The linked type whose Go type string is {@code name}, as {@code reflect} and {@code %T} print it
     * ({@code main.Rect}, {@code *main.Rect}, {@code []main.Shape}, {@code geom.Point}): a typed handle
     * over its descriptor ({@link TypeView#address()} is the address).
     *
     * @throws IllegalArgumentException naming the closest types if no linked type has that string
     * @throws IllegalStateException if closed, or no package is linked yet
     */
    public TypeView type(String name) {
        Map<String, Long> byName = typesByName();
        Long a = byName.get(name);
        if (a == null) {
            List<String> near = byName.keySet().stream().filter(k -> k.contains(name) || name.contains(k.replace("*", "")))
                    .sorted(java.util.Comparator.comparingInt((String k) -> Math.abs(k.length() - name.length()))
                            .thenComparing(java.util.Comparator.naturalOrder()))
                    .limit(8).toList(); // the closest in length first
            throw new IllegalArgumentException("no linked type " + name + (near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?"));
        }
        return linked.module().typeAt(a);
    }

    /**
     * The itab of interface {@code iface} for concrete type {@code concrete}, by their Go type strings
     * ({@code rt.itab("main.Shape", "*main.Rect")}): the compiler's static itab if the package has one,
     * else the one {@code getitab} builds (see {@link Itabs#getitab(TypeView, TypeView)}).
     *
     * @throws IllegalArgumentException if a name is no linked type, or {@code iface} is no interface
     * @throws io.goheap.runtime.iface.TypeAssertionError if {@code concrete} does not implement {@code iface}
     * @throws IllegalStateException if closed, or no package is linked yet
     */
    public ItabView itab(String iface, String concrete) {
        return itabs().getitab(type(iface), type(concrete));
    }

    /**
     * What the byte at {@code addr} is, in this runtime's terms: an element of {@code runtime.staticuint64s}
     * ({@code "runtime.staticuint64s[7]"}), a field of a static itab ({@code "itab go:itab.*main.Rect,main.Shape
     * + 24 (fun[0])"}) or of one {@code getitab} built (and in which persistent chunk), a type descriptor, another
     * image symbol, a slot of the itab table, a heap object ({@code "heap span 0x... (size class 3, 24-byte
     * objects, noscan), object 12"}), a persistent chunk ({@code "persistent chunk 0x7f.. + 0x40"}), another
     * mapping of the runtime, or none of them.
     *
     * @throws IllegalStateException if closed
     */
    public synchronized String describe(long addr) {
        ensureOpen();
        io.goheap.runtime.types.SymbolNames names = io.goheap.runtime.types.SymbolNames.of(release);
        long t = itabTable.current();
        long size = sys.memory().u64(t + io.goheap.runtime.abi.ItabProbe.SIZE);
        long entries = t + io.goheap.runtime.abi.ItabProbe.ENTRIES;
        if (addr >= t && addr < entries + size * Abi.PTR_SIZE) {
            String where = itabTable.initSymbol() != null && t == itabTable.initSymbol().address() ? "runtime.itabTableInit" : "in the heap";
            return addr < entries ? String.format("the itab table (%d entries, %s) + %d", size, where, addr - t)
                    : String.format("the itab table (%d entries, %s), entries[%d]", size, where, (addr - entries) / Abi.PTR_SIZE);
        }
        io.goheap.runtime.image.Symbol sym = image.symbolAt(addr);
        if (sym != null) {
            long off = addr - sym.address();
            if (sym.name().equals("runtime.staticuint64s")) {
                return String.format("runtime.staticuint64s[%d]%s", off / 8, off % 8 == 0 ? "" : " + " + off % 8);
            }
            if (names.isItab(sym.name())) {
                return "itab " + sym.name() + itabField(off);
            }
            if (names.isType(sym.name())) {
                return "type descriptor " + sym.name() + (off == 0 ? "" : String.format(" + %d", off));
            }
            return sym.name() + (off == 0 ? "" : String.format(" + 0x%x", off));
        }
        if (itabs != null) {
            for (io.goheap.runtime.iface.ItabTable.Entry e : itabTable.slots()) {
                long n = sys.memory().u64(sys.memory().u64(e.itab()) + io.goheap.runtime.abi.TypeDescriptor.INTERFACETYPE_MHDR_LEN_OFFSET);
                if (addr >= e.itab() && addr < e.itab() + io.goheap.runtime.abi.ItabDescriptor.sizeOf((int) Math.max(1, n))) {
                    ItabView v = new ItabView(linked.module(), e.itab());
                    return String.format("itab %s,%s (built by getitab)%s%s", v.inter().type().string(), v.type().string(),
                            itabField(addr - e.itab()), chunkOf(addr));
                }
            }
        }
        String chunk = chunkOf(addr);
        if (!chunk.isEmpty()) {
            return chunk.substring(" in ".length());
        }
        String h = heap.describe(addr);
        if (h != null) {
            return h;
        }
        for (io.goheap.runtime.sys.Mapping m : sys.mappings()) {
            if (addr >= m.address() && addr < m.end()) {
                return String.format("%s [0x%x, 0x%x) + 0x%x", m.purpose(), m.address(), m.end(), addr - m.address());
            }
        }
        return String.format("0x%x is not in this runtime's memory", addr);
    }

    /**
     * The Go struct {@code struct} (a name {@code goheap layout} knows: {@code itab}, {@code _type},
     * {@code p}, {@code moduledata}, ..., in this runtime's release) at {@code addr}, field by field: offset,
     * size, Go type, bytes, value, and for a pointer what it points at ({@link #describe}).
     *
     * @throws IllegalArgumentException if the release has no such struct
     * @throws io.goheap.runtime.mem.BadAddressException if the struct's bytes are not all this runtime's memory
     * @throws IllegalStateException if closed
     */
    public String layout(String struct, long addr) {
        ensureOpen();
        io.goheap.runtime.abi.GoStructs.Struct s = io.goheap.runtime.abi.GoStructs.of(release).find(struct)
                .orElseThrow(() -> new IllegalArgumentException("no struct " + struct + " in " + release));
        return io.goheap.runtime.abi.StructDump.text(s, sys.memory(), addr, this::describe);
    }

    /** The {@code iface{tab, data}} at {@code addr} (say, {@code conv().newIface(...)}'s). @throws IllegalStateException if closed */
    public io.goheap.runtime.iface.Iface iface(long addr) {
        ensureOpen();
        return io.goheap.runtime.iface.Iface.read(sys.memory(), addr);
    }

    /** The {@code eface{_type, data}} at {@code addr}. @throws IllegalStateException if closed */
    public io.goheap.runtime.iface.Eface eface(long addr) {
        ensureOpen();
        return io.goheap.runtime.iface.Eface.read(sys.memory(), addr);
    }

    /** " + OFF (field)" of an itab. */
    private static String itabField(long off) {
        return String.format(" + %d (%s)", off, io.goheap.runtime.abi.ItabDescriptor.fieldAt(off));
    }

    /** " in persistent chunk 0x.. + 0x..", or "" if {@code addr} is in no chunk. */
    private String chunkOf(long addr) {
        for (PersistentAlloc.Chunk c : persistent.chunks()) {
            if (addr >= c.address() && addr - c.address() < Abi.PERSISTENT_CHUNK_SIZE) {
                return String.format(" in persistent chunk 0x%x + 0x%x", c.address(), addr - c.address());
            }
        }
        return "";
    }

    /** Go type string -> descriptor address, of every type the linked package has; built once. */
    private synchronized Map<String, Long> typesByName() {
        itabs(); // linked and open
        if (typesByName == null) {
            io.goheap.runtime.types.SymbolNames names = io.goheap.runtime.types.SymbolNames.of(release);
            Map<String, Long> m = new java.util.HashMap<>();
            for (io.goheap.runtime.image.Symbol s : image.symbols()) {
                if (names.isType(s.name()) && s.size() > 0) {
                    m.putIfAbsent(linked.module().typeAt(s.address()).string(), s.address());
                }
            }
            typesByName = Map.copyOf(m);
        }
        return typesByName;
    }

    private void ensureOpen() {
        if (!sys.isOpen()) {
            throw new IllegalStateException("GoRuntime is closed");
        }
    }
}
