package io.goheap.runtime.abi;

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
 * <p>The first step of the ABI as a value: the readers and the simulator still import the 1.19 layouts
 * directly; they are to take an {@code Abi} instead. Immutable and thread-safe (layouts are resolved
 * once, by reflection, and cached).
 */
public final class Abi {
    /**
     * The 1.19 field names Go renamed (not only re-cased) when the types moved to internal/abi, with
     * the later name: {@code _type.ptrdata} is {@code PtrBytes}, the embedded type descriptor of the
     * kind-specific types ({@code typ}) is {@code Type}, {@code interfacetype.mhdr} is {@code Methods},
     * {@code imethod.ityp} is {@code Typ}, {@code maptype.elemsize} is {@code ValueSize}.
     */
    static final Map<String, String> RENAMED = Map.of("ptrdata", "PtrBytes", "typ", "Type", "mhdr", "Methods", "ityp", "Typ",
            "elemsize", "ValueSize");

    private static final Map<GoRelease, Abi> ALL = new ConcurrentHashMap<>();

    private final GoRelease release;
    private final String pkg;
    private final Map<String, GroupLayout> structs = new ConcurrentHashMap<>();

    private Abi(GoRelease release) {
        this.release = release;
        this.pkg = "io.goheap.layouts.go1" + release.minor();
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
        String n = fieldName(struct, field);
        return n == null ? OptionalLong.empty()
                : OptionalLong.of(layout(struct).byteOffset(MemoryLayout.PathElement.groupElement(n)));
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
        return "Abi[" + release + "]";
    }
}
