package io.goheap.runtime.abi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every runtime struct goheap lays out, per release ({@link #of}; the static methods are Go 1.19's),
 * read from the jextract layouts: names, offsets and sizes come from {@code io.goheap.layouts.go1N};
 * this class adds only what C cannot say, the Go
 * name of each struct and the Go type of each field (spelled as Go's DWARF spells it, e.g. {@code
 * uint8} for {@code byte}, without the {@code runtime.} prefix). Which structs and fields there are,
 * their order, Go names and Go types come from {@code native/structs.manifest} (the {@link Manifest}),
 * which the build copies next to this class; the layouts are looked up by the manifest's C names.
 *
 * <p>Immutable and thread-safe.
 */
public final class GoStructs {

    /**
     * One field: Go name (blank fields are {@code _}), the C name in the header, offset, size, Go type
     * ({@code -} for the fields of the C helpers that stand for a named Go struct whose fields gdb does not
     * show, as the manifest says).
     */
    public record Field(String name, String cName, long offset, long size, String goType) {
    }

    /**
     * One struct: its name in the header ({@code itab}), in Go ({@code runtime.itab}), size and fields.
     * An anonymous Go struct type (the type of {@code p.gFree}) has as Go name the field that holds it.
     *
     * @param anonymous true for a Go struct type without a name of its own (gdb shows it only inside its holder)
     */
    public record Struct(String name, String goName, GroupLayout layout, List<Field> fields, boolean anonymous) {

        /** {@code sizeof}, from the layout. */
        public long size() {
            return layout.byteSize();
        }

        /** The field with Go or C name {@code n}. */
        public Optional<Field> field(String n) {
            return fields.stream().filter(f -> f.name().equals(n) || f.cName().equals(n)).findFirst();
        }
    }

    /** The reference release: what the static {@link #all()} and {@link #byName} describe. */
    static final String RELEASE = "1.19";

    private static final Manifest MANIFEST = Manifest.resource();
    private static final Map<String, GoStructs> BY_RELEASE = new java.util.concurrent.ConcurrentHashMap<>();

    private final String release;
    private final Set<String> anonymous;
    private final List<Struct> structs;

    private GoStructs(String release) {
        this.release = release;
        this.anonymous = MANIFEST.anonymous(release);
        this.structs = load(release, anonymous);
    }

    /**
     * The structs of Go {@code release}'s header ({@code native/go1N.h}), with that release's Go names
     * ({@code internal/abi.ITab} in 1.23) and field names ({@code Fun}); the header (C) names are the
     * same in every release.
     *
     * @throws IllegalArgumentException if the project has no header of {@code release}
     */
    public static GoStructs of(GoRelease release) {
        String r = "1." + release.minor();
        if (!MANIFEST.releases().contains(r)) {
            throw new IllegalArgumentException("no layouts of " + release + ": the headers are of " + MANIFEST.releases());
        }
        return BY_RELEASE.computeIfAbsent(r, GoStructs::new);
    }

    /** Every struct of the reference release (Go 1.19), in the manifest's order. */
    public static List<Struct> all() {
        return of(new GoRelease(19)).structs();
    }

    /**
     * The Go 1.19 struct named {@code n}, by header name ({@code itab}), Go name ({@code runtime.itab}),
     * or case-insensitively.
     */
    public static Optional<Struct> byName(String n) {
        return of(new GoRelease(19)).find(n);
    }

    /** This release's structs, in the manifest's order. */
    public List<Struct> structs() {
        return structs;
    }

    /**
     * This release's struct named {@code n}, by header name ({@code itab}), Go name
     * ({@code internal/abi.ITab}), or case-insensitively.
     */
    public Optional<Struct> find(String n) {
        for (Struct s : structs) {
            if (s.name().equals(n) || s.goName().equals(n)) {
                return Optional.of(s);
            }
        }
        String lower = n.toLowerCase(Locale.ROOT);
        return structs.stream().filter(s -> s.name().toLowerCase(Locale.ROOT).equals(lower)
                || s.goName().toLowerCase(Locale.ROOT).equals(lower)).findFirst();
    }

    /** Whether header struct {@code cName} is an anonymous Go struct type in this release. */
    boolean isAnonymous(String cName) {
        return anonymous.contains(cName);
    }

    /** The manifest's structs of {@code release}, in its order, each over its jextract layout. */
    private static List<Struct> load(String release, Set<String> anonymous) {
        List<Struct> out = new ArrayList<>();
        String pkg = "io.goheap.layouts.go1" + release.substring(2) + ".";
        for (Manifest.Struct m : MANIFEST.structs(release)) {
            Map<String, String> goTypes = new LinkedHashMap<>();
            for (Manifest.Field f : m.fields(release)) {
                goTypes.put(f.cName(), f.goType());
            }
            out.add(struct(m.cName(), m.goName(release), layout(pkg, m.cName()), goTypes, anonymous.contains(m.cName())));
        }
        return List.copyOf(out);
    }

    /** {@code io.goheap.layouts.go1N.<n>.layout()}: the jextract class of the header's struct {@code n}. */
    private static GroupLayout layout(String pkg, String n) {
        try {
            return (GroupLayout) Class.forName(pkg + n).getMethod("layout").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("no jextract layout " + pkg + n + " for the manifest's struct " + n, e);
        }
    }

    private static Struct struct(String n, String goName, GroupLayout layout, Map<String, String> goTypes, boolean anonymous) {
        List<Field> fields = new ArrayList<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            if (member instanceof PaddingLayout) {
                continue;
            }
            String cName = member.name().orElseThrow(() -> new IllegalStateException("unnamed member in " + n));
            String goType = goTypes.get(cName);
            if (goType == null) {
                throw new IllegalStateException("no Go type for " + n + "." + cName);
            }
            long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(cName));
            fields.add(new Field(goFieldName(cName), cName, offset, member.byteSize(), goType));
        }
        if (fields.size() != goTypes.size()) {
            throw new IllegalStateException("the manifest's " + n + " has fields " + goTypes.keySet()
                    + ", its jextract layout " + fields.stream().map(Field::cName).toList());
        }
        return new Struct(n, goName, layout, List.copyOf(fields), anonymous);
    }

    /** Go's blank fields are {@code _N} in the header (jextract cannot name a Java field {@code _}). */
    static String goFieldName(String cName) {
        return cName.matches("_[0-9]+") ? "_" : cName;
    }

    /**
     * {@code native/structs.manifest}, parsed: every struct of every release header with its fields, the
     * releases that have each, Go names and Go types (the file's comment describes the format). GoStructs
     * reads its copy on the class path; the layout tests read it from native/ and hold it to the headers
     * and the jextract output.
     */
    static final class Manifest {
        /** The class path copy, next to GoStructs. */
        static final String RESOURCE = "structs.manifest";

        /** One field line: C name, the releases that have it (in order), Go type ({@code -}: not recorded). */
        record Field(String cName, Set<String> releases, String goType) {
        }

        /** One struct: C name, Go name per release (its keys are the struct's releases), and its field lines. */
        record Struct(String cName, Map<String, String> goNames, Set<String> anonymous, List<Field> fields) {
            boolean in(String release) {
                return goNames.containsKey(release);
            }

            String goName(String release) {
                return goNames.get(release);
            }

            /** The fields {@code release}'s header has, in its order. */
            List<Field> fields(String release) {
                return fields.stream().filter(f -> f.releases().contains(release)).toList();
            }
        }

        private final List<String> releases;
        private final List<Struct> structs;

        private Manifest(List<String> releases, List<Struct> structs) {
            this.releases = releases;
            this.structs = structs;
        }

        /** Every release with a header, oldest first. */
        List<String> releases() {
            return releases;
        }

        /** Every struct, in the file's order. */
        List<Struct> structs() {
            return structs;
        }

        /** The structs of {@code release}, in the file's order. */
        List<Struct> structs(String release) {
            return structs.stream().filter(s -> s.in(release)).toList();
        }

        /** The C names of the structs that are anonymous Go types in {@code release}. */
        Set<String> anonymous(String release) {
            Set<String> out = new HashSet<>();
            for (Struct s : structs(release)) {
                if (s.anonymous().contains(release)) {
                    out.add(s.cName());
                }
            }
            return Set.copyOf(out);
        }

        static Manifest resource() {
            try (InputStream in = GoStructs.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the class path next to GoStructs");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Parses the lines of the manifest; a malformed line throws IllegalArgumentException naming it. */
        static Manifest parse(List<String> lines) {
            List<String> releases = null;
            List<Struct> structs = new ArrayList<>();
            String cName = null;
            Map<String, String> goNames = null;
            Set<String> anonymous = null;
            List<Field> fields = null;
            for (int i = 0; i < lines.size(); i++) {
                String where = RESOURCE + ":" + (i + 1);
                String line = lines.get(i);
                int hash = line.indexOf('#');
                line = (hash >= 0 ? line.substring(0, hash) : line).stripTrailing();
                if (line.isBlank()) {
                    continue;
                }
                String[] t = line.strip().split("\\s+");
                if (!Character.isWhitespace(line.charAt(0))) {
                    if (cName != null) {
                        structs.add(finish(where, releases, cName, goNames, anonymous, fields));
                        cName = null;
                    }
                    if (t[0].equals("releases") && releases == null && structs.isEmpty()) {
                        releases = List.of(t).subList(1, t.length);
                        if (releases.isEmpty() || new HashSet<>(releases).size() != releases.size()) {
                            throw new IllegalArgumentException(where + ": bad releases line");
                        }
                        continue;
                    }
                    if (!t[0].equals("struct") || t.length < 3 || releases == null) {
                        throw new IllegalArgumentException(where + ": want `releases ...` first, then `struct NAME "
                                + "RELEASES:GO_NAME ...`: " + line);
                    }
                    cName = t[1];
                    goNames = new LinkedHashMap<>();
                    anonymous = new LinkedHashSet<>();
                    fields = new ArrayList<>();
                    for (int k = 2; k < t.length; k++) {
                        int colon = t[k].indexOf(':');
                        if (colon <= 0 || colon == t[k].length() - 1) {
                            throw new IllegalArgumentException(where + ": want RELEASES:GO_NAME, not " + t[k]);
                        }
                        String value = t[k].substring(colon + 1);
                        if (t[k].startsWith("anonymous:")) {
                            anonymous.addAll(releases(where, releases, value));
                            continue;
                        }
                        Set<String> rs = releases(where, releases, t[k].substring(0, colon));
                        for (String r : rs) {
                            if (goNames.put(r, value) != null) {
                                throw new IllegalArgumentException(where + ": two Go names of " + cName + " in " + r);
                            }
                        }
                    }
                    continue;
                }
                if (cName == null || t.length < 3) {
                    throw new IllegalArgumentException(where + ": want `    FIELD RELEASES GO_TYPE` inside a struct: "
                            + line);
                }
                String goType = line.strip().split("\\s+", 3)[2].strip();
                fields.add(new Field(t[0], releases(where, releases, t[1]), goType));
            }
            if (cName != null) {
                structs.add(finish(RESOURCE + ": end", releases, cName, goNames, anonymous, fields));
            }
            if (releases == null) {
                throw new IllegalArgumentException(RESOURCE + ": no releases line");
            }
            Set<String> names = new HashSet<>();
            for (Struct s : structs) {
                if (!names.add(s.cName())) {
                    throw new IllegalArgumentException(RESOURCE + ": struct " + s.cName() + " twice");
                }
            }
            return new Manifest(releases, List.copyOf(structs));
        }

        private static Struct finish(String where, List<String> releases, String cName, Map<String, String> goNames,
                Set<String> anonymous, List<Field> fields) {
            if (!goNames.keySet().containsAll(anonymous)) {
                throw new IllegalArgumentException(where + ": " + cName + " is anonymous where it does not exist");
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String r : releases) {
                if (goNames.containsKey(r)) {
                    ordered.put(r, goNames.get(r));
                }
            }
            for (String r : ordered.keySet()) {
                Set<String> seen = new HashSet<>();
                for (Field f : fields) {
                    if (f.releases().contains(r) && !seen.add(f.cName())) {
                        throw new IllegalArgumentException(where + ": " + cName + "." + f.cName() + " twice in " + r);
                    }
                }
                if (seen.isEmpty()) {
                    throw new IllegalArgumentException(where + ": " + cName + " has no field in " + r);
                }
            }
            for (Field f : fields) {
                if (!ordered.keySet().containsAll(f.releases())) {
                    throw new IllegalArgumentException(where + ": " + cName + "." + f.cName() + " in " + f.releases()
                            + ", the struct only in " + ordered.keySet());
                }
            }
            return new Struct(cName, Collections.unmodifiableMap(ordered), Set.copyOf(anonymous), List.copyOf(fields));
        }

        /** {@code 1.19,1.21-1.22,1.25+} over {@code all}: the releases named, in order. */
        static Set<String> releases(String where, List<String> all, String spec) {
            Set<String> out = new LinkedHashSet<>();
            for (String item : spec.split(",")) {
                int from;
                int to;
                if (item.endsWith("+")) {
                    from = index(where, all, item.substring(0, item.length() - 1));
                    to = all.size() - 1;
                } else if (item.contains("-")) {
                    from = index(where, all, item.substring(0, item.indexOf('-')));
                    to = index(where, all, item.substring(item.indexOf('-') + 1));
                } else {
                    from = index(where, all, item);
                    to = from;
                }
                if (to < from) {
                    throw new IllegalArgumentException(where + ": empty release range " + item);
                }
                out.addAll(all.subList(from, to + 1));
            }
            Set<String> sorted = new LinkedHashSet<>();
            for (String r : all) {
                if (out.contains(r)) {
                    sorted.add(r);
                }
            }
            return Collections.unmodifiableSet(sorted);
        }

        private static int index(String where, List<String> all, String release) {
            int i = all.indexOf(release);
            if (i < 0) {
                throw new IllegalArgumentException(where + ": " + release + " is not on the releases line " + all);
            }
            return i;
        }
    }
}
