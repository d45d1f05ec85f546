package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.elf.ElfFile;
import io.goheap.runtime.inspect.BuildInfo;
import io.goheap.runtime.inspect.GoImage;
import io.goheap.runtime.inspect.RuntimeState;
import io.goheap.runtime.inspect.Png;
import io.goheap.runtime.inspect.Svg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code goheap inspect binary|core|dump}: itabs, types, the itabTable, persistent chunks and Ps of a
 * real Go binary (Go 1.18, 1.19, 1.21 to 1.27), a core of one, or a goheap dump. Text in aligned columns, or
 * {@code --json} (ffm-runtime/README.md documents the fields).
 */
@Command(name = "inspect", description = "Inspect a Go binary (Go 1.18, 1.19, 1.21-1.27), a core of a Go process, or a goheap dump.",
        subcommands = {InspectCommand.Binary.class, InspectCommand.Core.class, InspectCommand.Dump.class})
final class InspectCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing what to inspect (binary, core, dump)");
    }

    /** {@code --go 1.N}: a bad value is a usage error naming it. */
    static final class ReleaseConverter implements picocli.CommandLine.ITypeConverter<GoRelease> {
        @Override
        public GoRelease convert(String value) {
            try {
                return GoRelease.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Options every inspect command has. */
    static class Common {
        @Option(names = "--json", description = "print JSON (its fields: ffm-runtime/README.md; only ever added to)")
        boolean json;

        @Option(names = "--itabs", description = "list the itabs (default: itabs and types; with --itab, itabs)")
        boolean itabs;

        @Option(names = "--types", description = "list the types (default: itabs and types; with --itab, itabs)")
        boolean types;

        @Option(names = "--svg", paramLabel = "FILE", description = "draw the memory map, the chunks, the itabTable and its probe lengths to FILE (SVG)")
        Path svg;

        @Option(names = "--png", paramLabel = "FILE", description = "draw the same pictures as --svg to FILE (PNG)")
        Path png;

        @Option(names = "--wide", description = "print every cell whole (default: a cell longer than "
                + Table.MAX_WIDTH + " characters is elided in the middle, and no line is longer than " + Table.LINE_MAX + ")")
        boolean wide;

        @Option(names = "--methods", description = "list each itab's and each type's methods, one per line "
                + "(default: how many)")
        boolean methods;

        @Option(names = "--runtime-names", description = "name types by the runtime's type strings (*b.T) even where the "
                + "executable's DWARF names them with their import path (*example.com/a/b.T; the default where it has DWARF)")
        boolean runtimeNames;

        @Option(names = "--itab", paramLabel = "PATTERN", description = "only itabs (and table entries) whose interface, type or "
                + "linker name (go.itab.*main.T,main.I) matches PATTERN: a regular expression found anywhere in the name; one that is not a regular expression "
                + "(*main.T) is taken literally. No types unless --types")
        String itabPattern;

        @Option(names = "--type", paramLabel = "PATTERN", description = "only types, and itabs of a type, whose name matches "
                + "PATTERN (as --itab)")
        String typePattern;

        @Option(names = "--package", paramLabel = "P", description = "only types, and itabs of a type, of the package with "
                + "import path P (runtime, net/http, example.com/m)")
        String pkg;

        @Option(names = "--describe", paramLabel = "ADDR", description = "say what the byte at ADDR (hex, 0x optional) is: a "
                + "field of an itab, a type descriptor, runtime.staticuint64s[k], a slot of the itabTable, a persistent chunk, a "
                + "region; repeatable; prints only that")
        List<String> describe;

        @Option(names = "--x", paramLabel = "ADDR[/N]", description = "print N 8-byte words (default 4, at most 4096) at ADDR, "
                + "each with what it points at, as gdb's x/Ngx; repeatable; prints only that")
        List<String> examine;

        @Option(names = "--layout", paramLabel = "STRUCT@ADDR", description = "print the Go struct STRUCT (a name goheap layout "
                + "knows: itab, _type, p, moduledata, ...) at ADDR field by field, with what each pointer points at; repeatable; "
                + "prints only that")
        List<String> layout;

        @Spec
        CommandSpec spec;

        /** An address as the user wrote it: hex, with or without 0x. */
        long address(String option, String s) {
            String h = s.strip().toLowerCase(java.util.Locale.ROOT);
            h = h.startsWith("0x") ? h.substring(2) : h;
            if (!h.matches("[0-9a-f]{1,16}")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " " + s + ": not a hex address");
            }
            return Long.parseUnsignedLong(h, 16);
        }

        /**
         * {@code --describe} and {@code --x}: what each address is, and the words at each, from the image's
         * runtime state ({@link RuntimeState#describe}). A word that is no readable address is refused as
         * every bad address is (one line naming it, exit 1).
         */
        int query(GoImage img, PrintWriter out) throws IOException {
            RuntimeState st = new RuntimeState(img);
            com.fasterxml.jackson.databind.node.ObjectNode root = Json.mapper().createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode ds = root.putArray("describe");
            for (String a : describe == null ? List.<String>of() : describe) {
                long addr = address("--describe", a);
                String what = st.describe(addr);
                ds.addObject().put("address", String.format("0x%x", addr)).put("what", what);
                if (!json) {
                    out.printf("0x%x  %s%n", addr, what);
                }
            }
            com.fasterxml.jackson.databind.node.ArrayNode xs = root.putArray("words");
            for (String x : examine == null ? List.<String>of() : examine) {
                String[] parts = x.split("/", 2);
                long addr = address("--x", parts[0]);
                int n = 4;
                if (parts.length == 2) {
                    if (!parts[1].matches("[0-9]{1,4}") || Integer.parseInt(parts[1]) < 1 || Integer.parseInt(parts[1]) > 4096) {
                        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--x " + x + ": N must be 1 to 4096");
                    }
                    n = Integer.parseInt(parts[1]);
                }
                if (!json) {
                    out.printf("0x%x  (%s):%n", addr, st.describe(addr));
                }
                for (int i = 0; i < n; i++) {
                    long at = addr + 8L * i;
                    long w = img.space().u64(at);
                    String points = w == 0 ? "" : st.describe(w);
                    if (points.endsWith(" is not in " + img.description())) {
                        points = "";
                    }
                    xs.addObject().put("address", String.format("0x%x", at)).put("word", String.format("0x%x", w)).put("pointsAt", points);
                    if (!json) {
                        out.printf("  0x%x:  0x%016x%s%n", at, w, points.isEmpty() ? "" : "  -> " + points);
                    }
                }
            }
            com.fasterxml.jackson.databind.node.ArrayNode ls = root.putArray("layouts");
            for (String l : layout == null ? List.<String>of() : layout) {
                int at = l.lastIndexOf('@');
                if (at <= 0) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--layout " + l + ": expected STRUCT@ADDR, e.g. itab@0x4b0c28");
                }
                String name = l.substring(0, at);
                long addr = address("--layout", l.substring(at + 1));
                io.goheap.runtime.abi.GoStructs.Struct s = io.goheap.runtime.abi.GoStructs.of(
                        io.goheap.runtime.abi.GoRelease.HAS_GROUND_TRUTH.contains(img.release()) ? img.release() : new io.goheap.runtime.abi.GoRelease(19))
                        .find(name).orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                                "--layout " + l + ": no struct " + name + " in " + img.release() + " (goheap layout --go 1." + img.release().minor() + " lists them)"));
                if (json) {
                    com.fasterxml.jackson.databind.node.ObjectNode o = ls.addObject().put("struct", s.name()).put("goName", s.goName())
                            .put("address", String.format("0x%x", addr));
                    com.fasterxml.jackson.databind.node.ArrayNode fs = o.putArray("fields");
                    for (io.goheap.runtime.abi.StructDump.Line f : io.goheap.runtime.abi.StructDump.of(s, img.space(), addr, st::describe)) {
                        fs.addObject().put("name", f.field()).put("offset", f.offset()).put("size", f.size()).put("goType", f.goType())
                                .put("bytes", f.hex().replace(" ", "")).put("value", String.format("0x%x", f.value())).put("pointsAt", f.pointsAt());
                    }
                } else {
                    out.print(io.goheap.runtime.abi.StructDump.text(s, img.space(), addr, st::describe));
                }
            }
            if (json) {
                out.println(Json.mapper().writeValueAsString(root));
            }
            return 0;
        }

        boolean wantItabs() {
            return itabs || !types;
        }

        /** The types: with --types, or with neither --itabs nor --types nor --itab. */
        boolean wantTypes() {
            return types || !itabs && itabPattern == null;
        }

        /**
         * Opens the input {@code p} ({@code what} it is, for messages) after checking it is a readable
         * regular file: anything else is one line {@code PATH (WHAT): PROBLEM} saying what it is instead.
         */
        static ElfFile open(Path p, String what) throws IOException {
            String problem = problem(p);
            if (problem != null) {
                throw new IOException(p + " (" + what + "): " + problem);
            }
            try {
                return ElfFile.open(p);
            } catch (IOException e) {
                throw new IOException(p + " (" + what + "): " + OutputFile.why(e), e);
            }
        }

        /**
         * What keeps {@code p} from being read as a file, or null: "no such file", "is a directory",
         * "is a FIFO", "is a pipe", "is a socket", "is not a regular file (character device)",
         * "symbolic link loop", "file name too long", "permission denied", ...
         */
        static String problem(Path p) {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(p)) {
                    return "no such file (a symbolic link to a missing file)";
                }
                for (Path up = p.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
                    if (Files.exists(up)) { // the nearest existing folder on the way
                        return Files.isDirectory(up) ? "no such file" : "no such file (" + up + " is not a directory)";
                    }
                }
                return "no such file";
            } catch (IOException e) {
                return OutputFile.why(e);
            }
            if (a.isDirectory()) {
                return "is a directory";
            }
            if (!a.isRegularFile()) {
                return kind(p);
            }
            return Files.isReadable(p) ? null : "permission denied";
        }

        /** File type bits of {@code st_mode} ({@code <sys/stat.h>}). */
        private static final int S_IFMT = 0170000;
        private static final int S_IFIFO = 0010000;
        private static final int S_IFCHR = 0020000;
        private static final int S_IFBLK = 0060000;
        private static final int S_IFSOCK = 0140000;

        /** What a file that is neither regular nor a directory is, as a message. */
        private static String kind(Path p) {
            try {
                // /proc/PID/fd/N of a pipe or socket is a link to "pipe:[inode]" or "socket:[inode]", not a path
                if (Files.isSymbolicLink(p)) {
                    String to = Files.readSymbolicLink(p).toString();
                    if (to.startsWith("pipe:[")) {
                        return "is a pipe";
                    }
                    if (to.startsWith("socket:[")) {
                        return "is a socket";
                    }
                }
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                return switch (mode & S_IFMT) {
                    case S_IFIFO -> "is a FIFO";
                    case S_IFSOCK -> "is a socket";
                    case S_IFCHR -> "is not a regular file (character device)";
                    case S_IFBLK -> "is not a regular file (block device)";
                    default -> "is not a regular file";
                };
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                return "is not a regular file";
            }
        }

        /**
         * Opens {@code paths} (each described by {@code what} in messages), makes the image of them and
         * reports it; every file is closed (unmapped) afterwards, whatever happened.
         */
        int inspect(boolean runtimeState, boolean verify, java.util.function.Function<ElfFile[], GoImage> make, String[] what,
                    Path... paths) throws IOException {
            OutputFile.requireNotInput(spec.commandLine(), "--svg", svg, what, paths);
            OutputFile.requireNotInput(spec.commandLine(), "--png", png, what, paths);
            if (svg != null && png != null && svg.toAbsolutePath().normalize().equals(png.toAbsolutePath().normalize())) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--svg and --png name the same file " + svg);
            }
            List<ElfFile> opened = new ArrayList<>();
            try {
                for (int i = 0; i < paths.length; i++) {
                    opened.add(open(paths[i], what[i]));
                }
                try (GoImage img = make.apply(opened.toArray(new ElfFile[0]))) {
                    return report(img, runtimeState, verify);
                }
            } finally {
                opened.forEach(ElfFile::close);
            }
        }

        /** Writes {@code picture} to {@code to}, all or nothing ({@link OutputFile#write}). */
        private static void write(Path to, byte[] picture) throws IOException {
            OutputFile.write(to, ch -> {
                for (java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(picture); b.hasRemaining(); ) {
                    ch.write(b);
                }
                return null;
            });
        }

        int report(GoImage img, boolean runtimeState, boolean verify) throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (describe != null || examine != null || layout != null) {
                return query(img, out);
            }
            Report r;
            try (Progress progress = new Progress(err, "reading " + img.description())) {
                r = Report.of(img, wantItabs() || runtimeState, wantTypes(), runtimeState, verify, progress);
            }
            if (svg != null) {
                write(svg, Svg.render(img, r.state(), r.verify()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (png != null) {
                write(png, Png.render(img, r.state(), r.verify()));
            }
            Filter f = new Filter(itabPattern, typePattern, pkg);
            if (json) {
                out.println(Json.mapper().writeValueAsString(r.json(wantItabs(), wantTypes(), f)));
            } else {
                r.text(out, wantItabs(), wantTypes(), f, wide, methods, !runtimeNames);
            }
            return 0;
        }
    }

    @Command(name = "binary", description = "Itabs and types of a Go executable (Go 1.18, 1.19, 1.21-1.27; stripped, PIE, externally linked PIE).")
    static final class Binary extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the executable")
        Path file;

        @Option(names = "--go", paramLabel = "1.N", converter = ReleaseConverter.class,
                description = "read it as this Go release, whatever its build info says (default: the release it names)")
        GoRelease go;

        @Override
        public Integer call() throws Exception {
            return inspect(false, false, f -> GoImage.ofBinary(f[0], go), new String[] {"executable"}, file);
        }
    }

    @Command(name = "core", description = "The itabTable, itabs, persistent chunks, Ps, globalAlloc and (Go 1.22+) call-site caches of a core of a Go process.")
    static final class Core extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "CORE", description = "the core file (gcore, or the kernel's)")
        Path file;

        @Option(names = "--binary", required = true, paramLabel = "FILE", description = "the executable the core was taken of")
        Path binary;

        @Option(names = "--verify-table", description = "run goheap's own itabTable find for every entry of the real table")
        boolean verifyTable;

        @Option(names = "--go", paramLabel = "1.N", converter = ReleaseConverter.class,
                description = "read it as this Go release, whatever the build info says (default: the release it names)")
        GoRelease go;

        @Override
        public Integer call() throws Exception {
            return inspect(true, verifyTable, f -> GoImage.ofCore(f[0], f[1], go), new String[] {"core", "executable"}, file, binary);
        }
    }

    @Command(name = "dump", description = "A goheap dump (goheap demo --dump FILE): its itabs, types, table, chunks and Ps.")
    static final class Dump extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the dump")
        Path file;

        @Option(names = "--verify-table", description = "run goheap's own itabTable find for every entry of the table")
        boolean verifyTable;

        @Override
        public Integer call() throws Exception {
            return inspect(true, verifyTable, f -> GoImage.ofDump(f[0]), new String[] {"dump"}, file);
        }
    }

    /**
     * {@code --itab}, {@code --type}, {@code --package}: which itabs, itabTable entries and types are
     * printed; each option not given lets everything through, and those given must all match.
     */
    static final class Filter {
        private final java.util.regex.Pattern itab;
        private final java.util.regex.Pattern type;
        private final String pkg;
        final String itabText;
        final String typeText;

        Filter(String itab, String type, String pkg) {
            this.itabText = itab;
            this.typeText = type;
            this.itab = pattern(itab);
            this.type = pattern(type);
            this.pkg = pkg;
        }

        /** Whether any option was given. */
        boolean any() {
            return itab != null || type != null || pkg != null;
        }

        /** A regular expression found anywhere in the name; text that is not one ({@code *main.T}) literally. */
        private static java.util.regex.Pattern pattern(String p) {
            if (p == null) {
                return null;
            }
            try {
                return java.util.regex.Pattern.compile(p);
            } catch (java.util.regex.PatternSyntaxException e) {
                return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(p));
            }
        }

        private static boolean found(java.util.regex.Pattern p, String name) {
            return name != null && p.matcher(name).find();
        }

        boolean itab(GoImage.ItabInfo i) {
            if (!(itab == null || found(itab, i.inter()) || found(itab, i.type()) || found(itab, linkerName(i))
                    || found(itab, i.interDwarf()) || found(itab, i.typeDwarf()))
                    || !(type == null || found(type, i.type()) || found(type, i.typeDwarf()))) {
                return false;
            }
            String p = itabPackage(i);
            return pkg == null || p != null && (pkg.equals(p) || noFunName(i) && pkg.endsWith("/" + p));
        }

        boolean type(GoImage.TypeInfo t) {
            return (type == null || found(type, t.name()) || found(type, t.dwarfName()))
                    && (pkg == null || pkg.equals(t.pkgPath()));
        }

        /** {@code go.itab.*main.data,main.Xer}, as {@code go tool nm} lists a static itab. */
        static String linkerName(GoImage.ItabInfo i) {
            return i.type() == null || i.inter() == null ? null : "go.itab." + i.type() + "," + i.inter();
        }

        private static boolean noFunName(GoImage.ItabInfo i) {
            return i.funNames().stream().allMatch(java.util.Objects::isNull);
        }

        /**
         * The import path of an itab's type, from the name of its first method ({@code
         * archive/zip.(*pooledFlateWriter).Close}: {@code archive/zip}); without one (a negative itab) the
         * package name of the type's string ({@code *zip.nopCloser}: {@code zip}), which {@code --package}
         * compares with the path's last element.
         */
        static String itabPackage(GoImage.ItabInfo i) {
            for (String f : i.funNames()) {
                if (f != null) {
                    return qualifier(f);
                }
            }
            return i.type() == null ? null : qualifier(i.type().replaceFirst("^[*\\[\\]]+", ""));
        }

        /** {@code example.com/m.(*T).M}: {@code example.com/m} (the path up to the first dot after the last slash). */
        private static String qualifier(String name) {
            int end = name.length();
            for (char c : new char[] {'(', '['}) {
                int k = name.indexOf(c);
                if (k >= 0) {
                    end = Math.min(end, k);
                }
            }
            String head = name.substring(0, end);
            int dot = head.indexOf('.', head.lastIndexOf('/') + 1);
            return dot < 0 ? null : head.substring(0, dot);
        }
    }

    /** Everything one inspection found. */
    record Report(GoImage image, List<GoImage.ItabInfo> itabs, List<GoImage.TypeInfo> types, RuntimeState state,
                  RuntimeState.Verify verify) {

        static Report of(GoImage img, boolean itabs, boolean types, boolean runtimeState, boolean verify, Progress progress) {
            List<GoImage.ItabInfo> its = List.of();
            List<Long> links = List.copyOf(new java.util.LinkedHashSet<>(img.itablinks())); // each itab once
            if (itabs) {
                List<GoImage.ItabInfo> l = new ArrayList<>();
                for (long a : links) {
                    l.add(img.itab(a));
                    progress.update("itabs", l.size(), links.size());
                }
                its = l;
            }
            List<GoImage.TypeInfo> ts = types ? img.types(n -> progress.update("types", n, 0)) : List.of();
            RuntimeState st = null;
            RuntimeState.Verify v = null;
            if (runtimeState) {
                progress.update("itabTable", 0, 0);
                st = new RuntimeState(img, (done, size) -> progress.update("itabTable", done, size));
                if (itabs && st.table() != null) { // the dynamic itabs: in the table, not in itablinks
                    java.util.Set<Long> known = new java.util.HashSet<>(links);
                    List<GoImage.ItabInfo> all = new ArrayList<>(its);
                    int n = 0;
                    for (RuntimeState.Entry e : st.table().entries()) {
                        if (known.add(e.itab())) {
                            all.add(e.info()); // decoded when the table was read
                        }
                        progress.update("itabs in the table", ++n, st.table().entries().size());
                    }
                    its = all;
                }
                if (verify) {
                    v = st.verify();
                }
            }
            return new Report(img, its, ts, st, v);
        }

        private static String hex(long a) {
            return "0x" + Long.toHexString(a);
        }

        ObjectNode json(boolean withItabs, boolean withTypes, Filter filter) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("file", image.description());
            o.put("goVersion", image.goVersion());
            BuildInfo bi = image.buildInfo();
            if (bi != null) {
                ObjectNode b = o.putObject("buildInfo");
                b.put("path", bi.path());
                if (bi.main() != null) {
                    b.putObject("main").put("path", bi.main().path()).put("version", bi.main().version()).put("sum", bi.main().sum());
                }
                ArrayNode deps = b.putArray("deps");
                bi.deps().forEach(d -> deps.addObject().put("path", d.path()).put("version", d.version()).put("sum", d.sum()));
                ArrayNode settings = b.putArray("settings");
                bi.settings().forEach(settings::add);
            }
            o.put("release", "1." + image.release().minor());
            o.put("releaseFoundBy", image.releaseFoundBy());
            o.put("moduledata", hex(image.moduledata()));
            o.put("moduledataFoundBy", image.moduledataFoundBy());
            o.put("dwarf", image.dwarf().present() ? image.dwarf().source() : null);
            if (withItabs) {
                ArrayNode a = o.putArray("itabs");
                for (GoImage.ItabInfo i : itabs) {
                    if (!filter.itab(i)) {
                        continue;
                    }
                    ObjectNode n = a.addObject();
                    n.put("address", hex(i.address())).put("inter", i.inter()).put("type", i.type())
                            .put("hash", Integer.toUnsignedLong(i.hash())).put("hashHex", String.format("0x%08x", i.hash()))
                            .put("negative", negative(i));
                    if (i.interDwarf() != null) {
                        n.put("interDwarfName", i.interDwarf());
                    }
                    if (i.typeDwarf() != null) {
                        n.put("typeDwarfName", i.typeDwarf());
                    }
                    ArrayNode fun = n.putArray("fun");
                    i.funNames().forEach(fun::add);
                    ArrayNode funAddr = n.putArray("funAddresses");
                    i.fun().forEach(f -> funAddr.add(hex(f)));
                    if (i.error() != null) {
                        n.put("error", i.error());
                    }
                }
            }
            if (withTypes) {
                ArrayNode a = o.putArray("types");
                for (GoImage.TypeInfo t : types) {
                    if (!filter.type(t)) {
                        continue;
                    }
                    ObjectNode n = a.addObject();
                    n.put("address", hex(t.address())).put("name", t.name()).put("kind", t.kind()).put("size", t.size())
                            .put("package", t.pkgPath());
                    if (t.dwarfName() != null) {
                        n.put("dwarfName", t.dwarfName());
                    }
                    ArrayNode m = n.putArray("methods");
                    t.methods().forEach(m::add);
                    if (t.error() != null) {
                        n.put("error", t.error());
                    }
                }
            }
            if (state != null) {
                RuntimeState.Table t = state.table();
                if (t != null) {
                    ObjectNode tn = o.putObject("itabTable");
                    tn.put("address", hex(t.address())).put("size", t.size()).put("count", t.count()).put("foundBy", t.foundBy());
                    ArrayNode es = tn.putArray("entries");
                    for (RuntimeState.Entry e : t.entries()) {
                        if (!filter.itab(e.info())) {
                            continue;
                        }
                        es.addObject().put("slot", e.slot()).put("itab", hex(e.itab())).put("inter", e.inter()).put("type", e.type());
                    }
                } else {
                    o.putNull("itabTable");
                }
                if (verify != null) {
                    o.putObject("verify").put("found", verify.found()).put("of", verify.of());
                }
                if (state.chunks() != null) {
                    ArrayNode c = o.putArray("persistentChunks");
                    state.chunks().forEach(x -> c.add(hex(x)));
                    o.put("persistentChunksFoundBy", state.chunksFoundBy());
                } else {
                    o.putNull("persistentChunks");
                }
                if (state.ps() != null) {
                    ArrayNode ps = o.putArray("ps");
                    for (RuntimeState.PInfo p : state.ps()) {
                        ps.addObject().put("address", hex(p.address())).put("id", p.id()).put("status", p.status())
                                .put("pallocBase", hex(p.pallocBase())).put("pallocOff", p.pallocOff());
                    }
                    o.put("psFoundBy", state.psFoundBy());
                } else {
                    o.putNull("ps");
                }
                RuntimeState.GlobalAllocInfo g = state.globalAlloc();
                if (g != null) {
                    o.putObject("globalAlloc").put("address", hex(g.address())).put("base", hex(g.base())).put("off", g.off());
                } else {
                    o.putNull("globalAlloc");
                }
                if (state.caches() != null) {
                    ArrayNode cs = o.putArray("callSiteCaches");
                    for (RuntimeState.CacheSite c : state.caches()) {
                        ObjectNode cn = cs.addObject();
                        cn.put("symbol", c.symbol()).put("address", hex(c.address())).put("kind", c.kind()).put("canFail", c.canFail())
                                .put("cache", hex(c.cache())).put("mask", c.mask());
                        ArrayNode in = cn.putArray("interfaces");
                        c.inters().forEach(in::add);
                        ArrayNode es = cn.putArray("entries");
                        for (RuntimeState.CacheEntry e : c.entries()) {
                            ObjectNode en = es.addObject().put("slot", e.slot()).put("type", hex(e.typ())).put("typeName", e.type());
                            if (c.kind().equals("interfaceSwitch")) {
                                en.put("case", e.kase());
                            }
                            en.put("itab", hex(e.itab())).put("check", e.check());
                        }
                    }
                    o.put("callSiteCachesFoundBy", state.cachesFoundBy());
                }
            }
            if (filter.any()) {
                o.putObject("filter").put("itab", filter.itabText).put("type", filter.typeText).put("package", filter.pkg);
            }
            ArrayNode f = o.putArray("findings");
            image.findings().forEach(f::add);
            if (state != null) {
                state.findings().forEach(f::add);
            }
            return o;
        }

        /**
         * Text: itabs sorted by interface, type and address, types by name and address (the JSON keeps
         * itablinks and address order); {@code methods} lists the methods one per line under {@code FUN}
         * or {@code METHODS}, else their count; {@code wide} prints every cell and line whole, else no
         * line is longer than {@link Table#LINE_MAX}.
         */
        void text(PrintWriter to, boolean withItabs, boolean withTypes, Filter filter, boolean wide, boolean methods, boolean dwarfNames) {
            // headers and findings name files and how things were found: bounded as the tables are
            PrintWriter out = wide ? to : new PrintWriter(new BoundedLines(to, Table.LINE_MAX));
            lines(out, withItabs, withTypes, filter, wide, methods, dwarfNames);
            out.flush();
        }

        private void lines(PrintWriter out, boolean withItabs, boolean withTypes, Filter filter, boolean wide, boolean methods, boolean dwarfNames) {
            boolean dwarf = dwarfNames && (withItabs || withTypes) && image.dwarf().present();
            java.util.function.Function<GoImage.ItabInfo, String> inter = dwarf ? GoImage.ItabInfo::interName : GoImage.ItabInfo::inter;
            java.util.function.Function<GoImage.ItabInfo, String> itype = dwarf ? GoImage.ItabInfo::typeName : GoImage.ItabInfo::type;
            java.util.function.Function<GoImage.TypeInfo, String> tname = dwarf ? GoImage.TypeInfo::displayName : GoImage.TypeInfo::name;
            BuildInfo bi = image.buildInfo();
            out.printf("%s: %s%s%n", image.description(), image.goVersion() == null ? "Go version unknown" : image.goVersion(),
                    bi == null ? "" : ", path " + bi.path());
            out.printf("read as %s (by %s)%n", image.release(), image.releaseFoundBy());
            out.printf("moduledata 0x%x (by %s)%n", image.moduledata(), image.moduledataFoundBy());
            if (dwarf) {
                out.printf("names: DWARF (import paths; --runtime-names for the runtime's strings), from the %s%n", image.dwarf().source());
            }
            if (withItabs) {
                List<GoImage.ItabInfo> shown = itabs.stream().filter(filter::itab).sorted(itabOrder(inter, itype)).toList();
                out.printf("%nitabs: %s%n", count(shown.size(), itabs.size(), filter));
                Table tab = new Table(wide, "ADDRESS", "HASH", "INTERFACE", "TYPE", "FUN");
                for (GoImage.ItabInfo i : shown) {
                    tab.row(Long.toHexString(i.address()), String.format("0x%08x", i.hash()), String.valueOf(inter.apply(i)),
                            String.valueOf(itype.apply(i)), i.error() != null ? "error: " + i.error()
                                    : negative(i) ? NEGATIVE : methods ? String.join("\n", names(i)) : methodCount(i.fun().size()));
                }
                tab.print(out);
            }
            if (withTypes) {
                List<GoImage.TypeInfo> shown = types.stream().filter(filter::type).sorted(typeOrder(tname)).toList();
                out.printf("%ntypes: %s%n", count(shown.size(), types.size(), filter));
                Table tab = new Table(wide, "ADDRESS", "KIND", "SIZE", "NAME", "METHODS");
                for (GoImage.TypeInfo t : shown) {
                    tab.row(Long.toHexString(t.address()), String.valueOf(t.kind()), Long.toString(t.size()), String.valueOf(tname.apply(t)),
                            t.error() != null ? "error: " + t.error() : t.methods().isEmpty() ? "-"
                                    : methods ? String.join("\n", t.methods()) : methodCount(t.methods().size()));
                }
                tab.print(out);
            }
            if (state != null) {
                RuntimeState.Table t = state.table();
                if (t != null) {
                    out.printf("%nitabTable at 0x%x (by %s): size %d, count %d, %d occupied%s%n", t.address(), t.foundBy(), t.size(),
                            t.count(), t.entries().size(), filter.any()
                                    ? ", " + t.entries().stream().filter(e -> filter.itab(e.info())).count() + " shown" : "");
                    Table tab = new Table(wide, "SLOT", "ITAB", "INTERFACE", "TYPE");
                    for (RuntimeState.Entry e : t.entries()) {
                        if (!filter.itab(e.info())) {
                            continue;
                        }
                        tab.row(Long.toString(e.slot()), Long.toHexString(e.itab()),
                                String.valueOf(inter.apply(e.info())), String.valueOf(itype.apply(e.info())));
                    }
                    tab.print(out);
                }
                if (verify != null) {
                    out.printf("%nverify: goheap's find found %d of %d entries%n", verify.found(), verify.of());
                }
                if (state.chunks() != null) {
                    out.printf("%npersistentChunks: %d, newest first (by %s)%n", state.chunks().size(), state.chunksFoundBy());
                    for (long c : state.chunks()) {
                        out.printf("  %x%n", c);
                    }
                }
                if (state.ps() != null) {
                    out.printf("%nallp: %d (by %s)%n", state.ps().size(), state.psFoundBy());
                    Table tab = new Table(wide, "P", "ADDRESS", "STATUS", "PALLOC.BASE", "PALLOC.OFF");
                    for (RuntimeState.PInfo p : state.ps()) {
                        tab.row(Integer.toString(p.id()), Long.toHexString(p.address()), Integer.toString(p.status()),
                                Long.toHexString(p.pallocBase()), Long.toString(p.pallocOff()));
                    }
                    tab.print(out);
                }
                RuntimeState.GlobalAllocInfo g = state.globalAlloc();
                if (g != null) {
                    out.printf("%nglobalAlloc at 0x%x: persistentAlloc base 0x%x, off %d%n", g.address(), g.base(), g.off());
                }
                if (state.caches() != null) {
                    long filled = state.caches().stream().filter(c -> c.mask() != 0 || !c.entries().isEmpty()).count();
                    out.printf("%ncall-site caches: %d sites, %d filled (by %s)%n", state.caches().size(), filled, state.cachesFoundBy());
                    Table tab = new Table(wide, "SITE", "KIND", "INTERFACES", "SLOTS", "ENTRIES");
                    for (RuntimeState.CacheSite c : state.caches()) {
                        List<String> lines = new ArrayList<>();
                        for (RuntimeState.CacheEntry e : c.entries()) {
                            lines.add(String.format("[%d] %s%s -> itab %x%s", e.slot(), e.type() == null ? Long.toHexString(e.typ()) : e.type(),
                                    c.kind().equals("interfaceSwitch") ? " case " + e.kase() : "", e.itab(), e.check().equals("ok") ? "" : " (" + e.check() + ")"));
                        }
                        tab.row(c.symbol(), c.kind() + (c.canFail() ? " (ok form)" : ""), String.join(", ", c.inters()),
                                c.mask() == 0 && c.entries().isEmpty() ? "empty" : Long.toString(c.mask() + 1),
                                lines.isEmpty() ? "-" : String.join("\n", lines));
                    }
                    tab.print(out);
                }
            }
            List<String> findings = new ArrayList<>(image.findings());
            if (state != null) {
                findings.addAll(state.findings());
            }
            if (!findings.isEmpty()) {
                out.printf("%nfindings: %d%n", findings.size());
                findings.forEach(f -> out.printf("  %s%n", f));
            }
        }

        /** Interface, then type (as shown), then address; an undecodable name last. */
        static java.util.Comparator<GoImage.ItabInfo> itabOrder(java.util.function.Function<GoImage.ItabInfo, String> inter,
                                                                java.util.function.Function<GoImage.ItabInfo, String> type) {
            return java.util.Comparator.comparing(inter, java.util.Comparator.nullsLast(java.util.Comparator.<String>naturalOrder()))
                    .thenComparing(type, java.util.Comparator.nullsLast(java.util.Comparator.<String>naturalOrder()))
                    .thenComparingLong(GoImage.ItabInfo::address);
        }

        /** Name (as shown), then address; an undecodable name last. */
        static java.util.Comparator<GoImage.TypeInfo> typeOrder(java.util.function.Function<GoImage.TypeInfo, String> name) {
            return java.util.Comparator.comparing(name, java.util.Comparator.nullsLast(java.util.Comparator.<String>naturalOrder()))
                    .thenComparingLong(GoImage.TypeInfo::address);
        }

        /** The label of a negative itab in the text (the JSON says {@code "negative": true}). */
        static final String NEGATIVE = "negative (fun[0] = 0: the type does not implement the interface)";

        /** Go caches a failed assertion as an itab whose fun[0] is 0. */
        static boolean negative(GoImage.ItabInfo i) {
            return i.error() == null && !i.fun().isEmpty() && i.fun().getFirst() == 0;
        }

        private static String methodCount(int n) {
            return n == 1 ? "1 method" : n + " methods";
        }

        private static String count(int shown, int of, Filter filter) {
            return filter.any() ? shown + " of " + of : Integer.toString(shown);
        }

        private static List<String> names(GoImage.ItabInfo i) {
            List<String> out = new ArrayList<>();
            for (int k = 0; k < i.fun().size(); k++) {
                String n = i.funNames().get(k);
                out.add(n != null ? n : "0x" + Long.toHexString(i.fun().get(k)));
            }
            return out;
        }
    }

    /**
     * {@code s} if at most {@code max} characters long, else its start and end around {@code ...} in
     * the middle, {@code max} characters in all (the end of a name tells most: {@code struct { ...; f int }},
     * {@code net/http.(*conn).serve}).
     */
    static String elide(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int keep = Math.max(0, max - ELLIPSIS.length());
        return s.substring(0, (keep + 1) / 2) + ELLIPSIS + s.substring(s.length() - keep / 2);
    }

    private static final String ELLIPSIS = "...";

    /**
     * Writes each line to {@code out} {@linkplain #elide elided} to {@code max} characters; a last line
     * without its newline is written by {@link #flush}. Not thread-safe, as the PrintWriter over it is not
     * shared.
     */
    static final class BoundedLines extends java.io.Writer {
        private final PrintWriter out;
        private final int max;
        private final StringBuilder line = new StringBuilder();

        BoundedLines(PrintWriter out, int max) {
            this.out = out;
            this.max = max;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (cbuf[i] == '\n') {
                    out.print(elide(line.toString(), max));
                    out.print('\n');
                    line.setLength(0);
                } else {
                    line.append(cbuf[i]);
                }
            }
        }

        @Override
        public void flush() {
            if (!line.isEmpty()) {
                out.print(elide(line.toString(), max));
                line.setLength(0);
            }
            out.flush();
        }

        /** Flushes; {@code out} stays open. */
        @Override
        public void close() {
            flush();
        }
    }

    /**
     * Columns padded to their widest cell, numbers right-aligned like {@code go tool nm}'s addresses.
     * By default a cell longer than {@link #MAX_WIDTH} is elided in the middle ({@link #elide}) and
     * each line of the last cell is elided to end by {@link #LINE_MAX}, so no line is longer than that
     * (one anonymous struct type would otherwise push a real binary's lines to thousands of columns).
     * {@code wide}: every cell whole; a cell longer than {@link #MAX_WIDTH} still does not widen its
     * column, it shifts only its own line. The last column is never padded; a last cell of several
     * lines ({@code \n}) goes on under its column.
     */
    static final class Table {
        private static final java.util.Set<String> NUMERIC = java.util.Set.of("ADDRESS", "HASH", "SIZE", "SLOT", "ITAB", "P");
        /** A number in a numeric column (a header or a {@code -} is not one): right-aligned. */
        private static final java.util.regex.Pattern HEX_OR_DECIMAL = java.util.regex.Pattern.compile("(0x)?[0-9a-f]+");
        /** The widest a column grows; longer cells are elided (or, wide, overflow their own line). */
        static final int MAX_WIDTH = 48;
        /** The longest line printed unless wide. */
        static final int LINE_MAX = 200;
        /** The least room the last column keeps, however far right it starts. */
        private static final int LAST_MIN = 24;
        private final boolean wide;
        private final List<String[]> rows = new ArrayList<>();

        Table(boolean wide, String... header) {
            this.wide = wide;
            rows.add(header);
        }

        void row(String... cells) {
            if (!wide) {
                cells = cells.clone();
                for (int i = 0; i < cells.length - 1; i++) {
                    cells[i] = elide(cells[i], MAX_WIDTH);
                }
            }
            rows.add(cells);
        }

        /** Prints the table; nothing at all if it has no row but the header. */
        void print(PrintWriter out) {
            if (rows.size() == 1) {
                return;
            }
            int n = rows.get(0).length;
            int[] w = new int[n];
            for (String[] r : rows) {
                for (int i = 0; i < n - 1; i++) {
                    if (r[i].length() <= MAX_WIDTH) {
                        w[i] = Math.max(w[i], r[i].length());
                    }
                }
            }
            // numeric columns among the first three are right-aligned, like go tool nm's addresses
            boolean[] numeric = new boolean[n];
            for (int i = 0; i < Math.min(n, 3); i++) {
                numeric[i] = NUMERIC.contains(rows.get(0)[i]);
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                sb.setLength(0);
                for (int i = 0; i < n; i++) {
                    boolean right = numeric[i] && HEX_OR_DECIMAL.matcher(r[i]).matches(); // b2faa0 as well as 4a5df8
                    if (i == n - 1) {
                        // a last cell of several lines (an itab's methods, one per line) continues
                        // under its own column
                        int col = sb.length();
                        int room = Math.max(LAST_MIN, LINE_MAX - col);
                        String[] parts = r[i].split("\n", -1);
                        for (int k = 0; k < parts.length; k++) {
                            if (k > 0) {
                                sb.append('\n').append(" ".repeat(col));
                            }
                            sb.append(wide ? parts[k] : elide(parts[k], room));
                        }
                    } else if (right) {
                        sb.append(" ".repeat(Math.max(0, w[i] - r[i].length()))).append(r[i]).append("  ");
                    } else {
                        sb.append(r[i]).append(" ".repeat(Math.max(0, w[i] - r[i].length()))).append("  ");
                    }
                }
                out.println(sb.toString().stripTrailing());
            }
        }
    }
}
