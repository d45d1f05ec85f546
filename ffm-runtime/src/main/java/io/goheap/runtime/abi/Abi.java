package io.goheap.runtime.abi;

import io.goheap.layouts.go119.Go119;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Go release's struct layouts as a value, under one logical naming: the jextract layouts of that
 * release's header ({@code io.goheap.layouts.go1N}, made from {@code native/include/goheap/go1_N_amd64.h})
 * looked up by the Go 1.19 struct and field names. Go 1.21 moved the type descriptors to
 * {@code internal/abi} with exported names ({@code Size_}, {@code PtrBytes}, {@code Methods}, ...);
 * a field is found under its 1.19 name by the same name in any case without underscores
 * ({@code size} = {@code Size_}, {@code gcdata} = {@code GCData}, {@code _type} = {@code Type}), or by
 * one of the renames Go made ({@link #RENAMED}).
 *
 * <p>Beside the layouts, the release's rules a reader needs and C cannot say: which map type the
 * program uses ({@link #mapTypeSize()}: Go 1.24 and 1.25 build either kind, {@link #withOldMaps()}),
 * whether the module lists its types and itabs in {@code typelinks}/{@code itablinks} or in one type
 * region ({@link #hasTypeRegion()}, Go 1.27), the pclntab magic, whether the pcHeader still holds the
 * text start ({@link #pcHeaderHasTextStart()}), and where the direct-interface bit lives. The readers of
 * {@code inspect} take an {@code Abi}, and so does the simulator ({@code GoRuntime.abi()}, Go 1.19's).
 *
 * <p>Immutable and thread-safe (layouts and offsets are resolved once, by reflection, and cached).
 */
public final class Abi {
    /**
     * The 1.19 field names Go renamed (not only re-cased) when the types moved to internal/abi, with
     * the later name: {@code _type.ptrdata} is {@code PtrBytes}, the embedded type descriptor of the
     * kind-specific types ({@code typ}) is {@code Type}, {@code interfacetype.mhdr} is {@code Methods},
     * {@code imethod.ityp} is {@code Typ}, {@code maptype.elemsize} is {@code ValueSize}.
     */
    static final Map<String, String> RENAMED = Map.of("ptrdata", "PtrBytes", "typ", "Type", "mhdr", "Methods", "ityp", "Typ",
            "elemsize", "ValueSize", "bucket", "Group");

    private static final Map<GoRelease, Abi> ALL = new ConcurrentHashMap<>();

    /** Bytes of a pointer (linux/amd64, every release). */
    public static final int PTR_SIZE = Go119.GO_PTR_SIZE();
    /** {@code stringStruct.str} and {@code .len}: a Go string header's words (every release). */
    public static final long STRING_STR = io.goheap.layouts.go119.string.str$offset();
    /** {@code stringStruct.len}: the offset of a Go string header's length word. */
    public static final long STRING_LEN = io.goheap.layouts.go119.string.len$offset();
    /** {@code itabInitSize}: the initial itabTable's slots, the smallest table (iface.go; unchanged 1.19-1.27). */
    public static final long ITAB_INIT_SIZE = Go119.GO_ITAB_INIT_SIZE();
    /** {@code persistentChunkSize}: 256 KiB (malloc.go; unchanged 1.19-1.27). */
    public static final long PERSISTENT_CHUNK_SIZE = Go119.GO_PERSISTENT_CHUNK_SIZE();
    /** {@code _Pdead}, the largest P status (runtime2.go; 4 in every release, 1.27's {@code _Psyscall_unused} kept its place). */
    public static final int P_DEAD = Go119.GO_P_DEAD();

    private final GoRelease release;
    private final String pkg;
    private final Map<String, GroupLayout> structs;
    /** Cached {@link #offset} answers, "struct.field" to the offset or -1 when the release has no such field. */
    private final Map<String, Long> offsets;
    /** Cached {@link #constant} answers. */
    private final Map<String, OptionalLong> constants = new ConcurrentHashMap<>();
    /** True for a Go 1.24 or 1.25 program built with {@code GOEXPERIMENT=noswissmap}: 1.19's 88-byte map type. */
    private final boolean oldMaps;

    private Abi(GoRelease release) {
        this(release, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), false);
    }

    private Abi(GoRelease release, Map<String, GroupLayout> structs, Map<String, Long> offsets, boolean oldMaps) {
        this.release = release;
        this.pkg = "io.goheap.layouts.go1" + release.minor();
        this.structs = structs;
        this.offsets = offsets;
        this.oldMaps = oldMaps;
    }

    /**
     * The layouts a program of {@code release} is read with: its own, and Go 1.19's for Go 1.18 (whose
     * runtime structs, pclntab magic and moduledata are 1.19's).
     *
     * @throws IllegalArgumentException if goheap reads no program of that release ({@link GoRelease#isReadable()})
     */
    public static Abi forReading(GoRelease release) {
        if (!release.isReadable()) {
            throw new IllegalArgumentException(release + ": goheap reads " + GoRelease.READABLE + " programs");
        }
        return of(release.minor() == 18 ? new GoRelease(19) : release);
    }

    /**
     * This release's layouts for a program built with {@code GOEXPERIMENT=noswissmap}: Go 1.24 and 1.25
     * then lay out 1.19's 88-byte map type ({@code abi.OldMapType}); every other struct is the same.
     * Other releases have one kind of map and answer themselves.
     */
    public Abi withOldMaps() {
        if (oldMaps || release.minor() < 24 || release.minor() > 25) {
            return this;
        }
        return new Abi(release, structs, offsets, true);
    }

    /** Whether this is a Go 1.24/1.25 program's view with the old maps ({@link #withOldMaps()}). */
    public boolean oldMaps() {
        return oldMaps;
    }

    /**
     * Bytes of the map type descriptor, which the uncommon type follows: 88 up to Go 1.23 (and with
     * {@code noswissmap}), 112 for 1.24 to 1.26's swiss maps, 136 in 1.27 (GO-RELEASES.md, "Map").
     */
    public long mapTypeSize() {
        return oldMaps ? Abi.of(new GoRelease(19)).sizeOf("maptype") : sizeOf("maptype");
    }

    /**
     * True from Go 1.27: the module has no {@code typelinks}/{@code itablinks}; its type descriptors lie one
     * after the other from {@code types + 8} to {@code types + typedesclen}, and its itabs from
     * {@code types + itaboffset} for {@code itabsize} bytes.
     */
    public boolean hasTypeRegion() {
        return release.minor() >= 27;
    }

    /** The pcHeader magic this release's linker writes. */
    public int pclntabMagic() {
        return release.pclntabMagic();
    }

    /** False from Go 1.26, whose pcHeader word at textStart's place is a blank 0 ({@code moduledata.text} says it). */
    public boolean pcHeaderHasTextStart() {
        return release.minor() < 26;
    }

    /** The ELF section holding the moduledata alone (Go 1.26 on), or null. */
    public String moduledataSection() {
        return release.minor() >= 26 ? ".go.module" : null;
    }

    /** Whether {@code kindDirectIface} (0x20) moved from the kind byte to tflag (Go 1.26). */
    public boolean directIfaceInTFlag() {
        return release.minor() >= 26;
    }

    /**
     * A {@code #define GO_...} of the release's header ({@code native/include/goheap/go1_N_amd64.h}), through its
     * jextract class ({@code Go1N}), or empty if the header has no such constant: {@code GO_KIND_GC_PROG} is there up
     * to Go 1.23 only, {@code GO_TFLAG_DIRECT_IFACE} from Go 1.26.
     */
    public OptionalLong constant(String name) {
        return constants.computeIfAbsent(name, n -> {
            try {
                Class<?> c = Class.forName(pkg + ".Go1" + release.minor(), true, Abi.class.getClassLoader());
                return OptionalLong.of(((Number) c.getMethod(n).invoke(null)).longValue());
            } catch (NoSuchMethodException e) {
                return OptionalLong.empty();
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalStateException(release + ": constant " + n + " of the jextract header class", e);
            }
        });
    }

    private int required(String name) {
        return (int) constant(name).orElseThrow(() -> new IllegalArgumentException(release + "'s header has no " + name));
    }

    /**
     * Whether the compiler describes a type whose pointer mask would be too long with a GC program (kind bit
     * {@code GO_KIND_GC_PROG}, {@code type..gcprog.T}): up to Go 1.23. From 1.24 such a type has
     * {@link #tflagGCMaskOnDemand()} instead.
     */
    public boolean hasGCProgs() {
        return constant("GO_KIND_GC_PROG").isPresent();
    }

    /**
     * {@code abi.TFlagGCMaskOnDemand} (Go 1.24 on): GCData points at a word the runtime fills in with a mask it builds
     * when first asked.
     *
     * @throws IllegalArgumentException before Go 1.24
     */
    public int tflagGCMaskOnDemand() {
        return required("GO_TFLAG_GC_MASK_ON_DEMAND");
    }

    /**
     * {@code abi.MaxPtrmaskBytes}: the longest pointer mask the compiler writes, in bytes (8 words a byte); a type
     * needing more gets a GC program (up to 1.23) or a mask built on demand (1.24 on). 2048 up to Go 1.26, 16 in Go
     * 1.27 (internal/abi/type.go; cmd/compile/internal/reflectdata before 1.21 names it maxPtrmaskBytes).
     */
    public long maxPtrmaskBytes() {
        return release.minor() >= 27 ? 16 : 2048;
    }

    /**
     * The direct-interface bit of the release: {@code GO_KIND_DIRECT_IFACE} of the kind byte up to Go 1.25,
     * {@code GO_TFLAG_DIRECT_IFACE} of tflag from Go 1.26 ({@link #directIfaceInTFlag()} says which byte).
     */
    public int directIfaceBit() {
        return required(directIfaceInTFlag() ? "GO_TFLAG_DIRECT_IFACE" : "GO_KIND_DIRECT_IFACE");
    }

    /**
     * A bit of the swiss map type's Flags (Go 1.24 on), by its name without prefix: {@code NEED_KEY_UPDATE},
     * {@code HASH_MIGHT_PANIC}, {@code INDIRECT_KEY}, {@code INDIRECT_ELEM}; the header's {@code GO_SWISS_MAP_*}
     * (1.24, 1.25) or {@code GO_MAP_*} (1.26 on). They are not 1.19's maptype flags, which are ordered differently.
     *
     * @throws IllegalArgumentException if the release has no swiss map type or no such flag
     */
    public int mapFlag(String name) {
        if (oldMaps || release.minor() < 24) {
            throw new IllegalArgumentException(this + " has no swiss map type");
        }
        return required((release.minor() <= 25 ? "GO_SWISS_MAP_" : "GO_MAP_") + name);
    }

    /**
     * The layouts of {@code release}.
     *
     * @throws IllegalArgumentException if goheap holds no layouts of that release (it has
     *                                  {@link GoRelease#HAS_GROUND_TRUTH})
     */
    public static Abi of(GoRelease release) {
        if (!GoRelease.HAS_GROUND_TRUTH.contains(release)) {
            throw new IllegalArgumentException("no layouts of " + release + " (goheap has " + GoRelease.HAS_GROUND_TRUTH + ")");
        }
        return ALL.computeIfAbsent(release, Abi::new);
    }

    /** The release. */
    public GoRelease release() {
        return release;
    }

    /**
     * The layout of struct {@code name} (its 1.19 name: {@code _type}, {@code itab}, {@code moduledata}, ...).
     *
     * @throws IllegalArgumentException if the release's header has no such struct
     */
    public GroupLayout layout(String name) {
        return structs.computeIfAbsent(name, n -> {
            try {
                Class<?> c = Class.forName(pkg + "." + n, true, Abi.class.getClassLoader());
                return (GroupLayout) c.getMethod("layout").invoke(null);
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new IllegalArgumentException(release + " has no struct " + n, e);
            }
        });
    }

    /** {@code sizeof} of struct {@code name}. @throws IllegalArgumentException if there is none */
    public long sizeOf(String name) {
        return layout(name).byteSize();
    }

    /**
     * The release's name of the field that 1.19 calls {@code field} in {@code struct}, or null if the
     * release has no such field (moduledata.typelinks is gone in 1.27, for one).
     */
    public String fieldName(String struct, String field) {
        GroupLayout g = layout(struct);
        String renamed = RENAMED.get(field);
        String key = norm(field);
        for (MemoryLayout m : g.memberLayouts()) {
            if (m instanceof PaddingLayout || m.name().isEmpty()) {
                continue;
            }
            String n = m.name().get();
            if (n.equals(field) || n.equals(renamed) || norm(n).equals(key)) {
                return n;
            }
        }
        return null;
    }

    /** The offset of the field 1.19 calls {@code field} in {@code struct}, if the release has it. */
    public OptionalLong offset(String struct, String field) {
        long off = offsets.computeIfAbsent(struct + "." + field, k -> {
            String n = fieldName(struct, field);
            return n == null ? -1L : layout(struct).byteOffset(MemoryLayout.PathElement.groupElement(n));
        });
        return off < 0 ? OptionalLong.empty() : OptionalLong.of(off);
    }

    /**
     * The offset of the field 1.19 calls {@code field} in {@code struct}.
     *
     * @throws IllegalArgumentException naming the release, struct and field if the release has no such field
     */
    public long offsetOf(String struct, String field) {
        return offset(struct, field).orElseThrow(() -> new IllegalArgumentException(
                release + ": struct " + struct + " has no field " + field));
    }

    /** The names of struct {@code name}'s fields in this release, padding left out. */
    public List<String> fields(String name) {
        List<String> out = new ArrayList<>();
        for (MemoryLayout m : layout(name).memberLayouts()) {
            if (!(m instanceof PaddingLayout) && m.name().isPresent()) {
                out.add(m.name().get());
            }
        }
        return out;
    }

    private static String norm(String n) {
        return n.replace("_", "").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Abi[" + release + (oldMaps ? ", noswissmap" : "") + "]";
    }
}
