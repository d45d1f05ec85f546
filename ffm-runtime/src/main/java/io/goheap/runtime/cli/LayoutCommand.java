package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.abi.GoStructs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code goheap layout [STRUCT] [--go 1.N] [--json]}: a release's runtime structs as the Java layouts have them. */
@Command(name = "layout", description = "Print a Go runtime struct's fields with offset, size and Go type "
        + "(from the jextract layouts of the release's header). Without STRUCT: all of them.")
final class LayoutCommand implements Callable<Integer> {
    @Option(names = "--go", paramLabel = "1.N", converter = InspectCommand.ReleaseConverter.class,
            description = "the release whose layouts to print: 1.19 (default) or 1.21 to 1.27")
    io.goheap.runtime.abi.GoRelease go;

    @Parameters(arity = "0..1", paramLabel = "STRUCT", description = "itab, _type, interfacetype, moduledata, ...")
    String struct;

    @Option(names = "--json", description = "JSON: one object for STRUCT, an array of all without it")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (go != null && !io.goheap.runtime.abi.GoRelease.HAS_GROUND_TRUTH.contains(go)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--go 1." + go.minor() + ": goheap has the layouts of Go 1.19 and 1.21 to 1.27");
        }
        GoStructs release = GoStructs.of(go == null ? io.goheap.runtime.GoRuntime.RELEASE : go);
        List<GoStructs.Struct> structs;
        if (struct == null) {
            structs = release.structs();
        } else {
            structs = List.of(release.find(struct).orElseThrow(() -> new IllegalArgumentException(
                    "unknown struct '" + struct + "'" + (go == null ? "" : " in " + go) + "; known: "
                            + release.structs().stream().map(GoStructs.Struct::name).collect(Collectors.joining(", ")))));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper om = Json.mapper();
            if (struct == null) {
                ArrayNode a = om.createArrayNode();
                structs.forEach(s -> a.add(toJson(om, s)));
                out.println(om.writeValueAsString(a));
            } else {
                out.println(om.writeValueAsString(toJson(om, structs.getFirst())));
            }
            return 0;
        }
        for (GoStructs.Struct s : structs) {
            out.printf("%s (%s) size %d%n", s.name(), s.goName(), s.size());
            out.printf("  %6s  %5s  %-14s %s%n", "offset", "size", "field", "Go type");
            for (GoStructs.Field f : s.fields()) {
                out.printf("  %6d  %5d  %-14s %s%n", f.offset(), f.size(), f.name(), f.goType());
            }
            out.println();
        }
        return 0;
    }

    private static ObjectNode toJson(ObjectMapper om, GoStructs.Struct s) {
        ObjectNode o = om.createObjectNode();
        o.put("struct", s.name());
        o.put("goName", s.goName());
        o.put("size", s.size());
        ArrayNode fields = o.putArray("fields");
        for (GoStructs.Field f : s.fields()) {
            fields.addObject().put("name", f.name()).put("offset", f.offset()).put("size", f.size()).put("goType", f.goType());
        }
        return o;
    }
}
