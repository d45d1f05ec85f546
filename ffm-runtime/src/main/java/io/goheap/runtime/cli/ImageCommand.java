package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.gosrc.SourceFiles;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.PackageImage;
import io.goheap.runtime.types.TypeWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code goheap image FILE.go... [--go 1.N] [--json]}: the type descriptors, their helpers and the static itabs a
 * Go release's compiler emits for a package ({@link TypeWriter#SUPPORTED}: Go 1.19 and 1.21 to 1.27), in that
 * release's {@code -S} listing format (diffable with its {@code go build -gcflags=-S}) or as JSON. A release the
 * image does not follow is one line on stderr naming it, exit code 2.
 */
@Command(name = "image", description = "Print the type descriptors and static itabs a Go release's compiler emits for a "
        + "package (a Go subset: types, methods, var I = T{...}), as its go build -gcflags=-S prints them, or as JSON. "
        + "Releases: " + TypeWriter.SUPPORTED_TEXT + ".")
final class ImageCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE.go|MODULE", description = "the files of one package, or a module folder "
            + "(go.mod; every package, imports resolved inside the module). Regular files only (no pipes or devices), "
            + "at most 64 MiB of source in all.")
    List<Path> files;

    @Option(names = "--go", paramLabel = "1.N", converter = ImageReleaseConverter.class,
            description = "the compiler release to follow: " + TypeWriter.SUPPORTED_TEXT + " (default: 1.19)")
    GoRelease go = new GoRelease(19);

    @Option(names = "--json", description = "{\"go\":\"1.N\",\"symbols\":[{\"name\",\"section\",\"size\",\"bytes\",\"relocs\":[...]}]}")
    boolean json;

    /** {@code --go}'s value: a release (GoRelease.parse) the type image follows, else one line naming it. */
    static final class ImageReleaseConverter implements picocli.CommandLine.ITypeConverter<GoRelease> {
        @Override
        public GoRelease convert(String value) {
            GoRelease r;
            try {
                r = GoRelease.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
            if (!TypeWriter.SUPPORTED.contains(r)) {
                throw new picocli.CommandLine.TypeConversionException("the type image follows " + TypeWriter.SUPPORTED_TEXT
                        + ", not " + r);
            }
            return r;
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<ObjSym> syms;
        try {
            if (files.size() == 1 && Files.isDirectory(files.getFirst())) {
                syms = PackageImage.compileAll(io.goheap.runtime.gosrc.GoModule.load(files.getFirst()), go);
            } else {
                syms = PackageImage.compile(GoSource.parse(read(files)), go);
            }
        } catch (StackOverflowError e) {
            // a chain of thousands of type declarations each naming the next: refuse, one line
            throw new IllegalArgumentException(files + ": type declarations nested too deep for goheap");
        }
        print(syms);
        return 0;
    }

    /**
     * The files' text. Each is checked before it is opened ({@link SourceFiles}): a named pipe would
     * block the open, {@code /dev/zero} would never end, a huge file would fill the heap.
     */
    private static Map<String, String> read(List<Path> files) throws IOException {
        SourceFiles reader = new SourceFiles();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                throw new IOException(f + ": not a regular file (a directory; a module folder must be the only argument)");
            }
            sources.put(f.toString(), reader.read(f, f.toString()));
        }
        return sources;
    }

    private void print(List<ObjSym> syms) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper om = Json.mapper();
            ObjectNode root = om.createObjectNode();
            root.put("go", "1." + go.minor());
            ArrayNode arr = root.putArray("symbols");
            for (ObjSym s : syms) {
                ObjectNode o = arr.addObject();
                o.put("name", s.name()).put("section", s.section().elf).put("size", s.size())
                        .put("bytes", HexFormat.of().formatHex(s.bytes()));
                ArrayNode rs = o.putArray("relocs");
                for (ObjSym.Reloc r : s.relocs()) {
                    ObjectNode ro = rs.addObject().put("off", r.off()).put("size", r.size()).put("kind", r.kind().json)
                            .put("target", r.target()).put("add", r.add());
                    if (r.kind().weak) {
                        ro.put("weak", true);
                    }
                }
            }
            out.println(om.writeValueAsString(root));
        } else {
            syms.forEach(s -> out.print(PackageImage.listing(s, go)));
        }
    }
}
