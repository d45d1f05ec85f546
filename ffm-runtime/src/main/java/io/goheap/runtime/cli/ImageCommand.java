package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.gosrc.GoSource;
import io.goheap.runtime.gosrc.SourceFiles;
import io.goheap.runtime.types.ObjSym;
import io.goheap.runtime.types.PackageImage;
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
 * {@code goheap image FILE.go... [--json]}: the type.* and go.itab.* symbols Go 1.19's compiler emits
 * for a package, in the {@code -S} listing's format (diffable with {@code go build -gcflags=-S}) or as
 * JSON.
 */
@Command(name = "image", description = "Print the type descriptors and static itabs Go 1.19 emits for a package "
        + "(a Go subset: types, methods, var I = T{...}), as go build -gcflags=-S prints them, or as JSON.")
final class ImageCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE.go|MODULE", description = "the files of one package, or a module folder "
            + "(go.mod; every package, imports resolved inside the module). Regular files only (no pipes or devices), "
            + "at most 64 MiB of source in all.")
    List<Path> files;

    @Option(names = "--json", description = "{\"symbols\":[{\"name\",\"section\",\"size\",\"bytes\",\"relocs\":[...]}]}")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<ObjSym> syms;
        try {
            if (files.size() == 1 && Files.isDirectory(files.getFirst())) {
                syms = PackageImage.compileAll(io.goheap.runtime.gosrc.GoModule.load(files.getFirst()));
            } else {
                syms = PackageImage.compile(GoSource.parse(read(files)));
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
            ArrayNode arr = root.putArray("symbols");
            for (ObjSym s : syms) {
                ObjectNode o = arr.addObject();
                o.put("name", s.name()).put("section", ".rodata").put("size", s.size())
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
            syms.forEach(s -> out.print(PackageImage.listing(s)));
        }
    }
}
