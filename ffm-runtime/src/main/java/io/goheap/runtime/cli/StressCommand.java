package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.iface.Stress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code goheap stress --threads T --types N --interfaces M [--seconds S] [--json]}: concurrent getitab.
 * The arguments are checked before anything is allocated ({@link Stress#check}); one out of range is a
 * usage error (exit 2) naming it, its value and the limit.
 */
@Command(name = "stress", description = "Run concurrent getitab over N types x M interfaces and check the itab table.")
final class StressCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "4", description = "threads, 1 to 1024 (even ones hold a P)")
    int threads;

    @Option(names = "--types", defaultValue = "1000", description = "concrete types, at least 1. Types x interfaces must fit "
            + "the image: a 32-byte function per method and its wrapper in the 64 MiB .text (at most about a million pairs), "
            + "the descriptors in the 64 MiB .rodata, at most 2^30 itab.init steps (types x interfaces x interfaces) and the "
            + "Java heap (about 2 KiB a pair); a larger run is refused, naming the most that fits")
    int types;

    @Option(names = "--interfaces", defaultValue = "100", description = "interfaces (each type has a method for each), "
            + "at least 1; with --types within the image's limits (see --types)")
    int interfaces;

    @Option(names = "--seconds", defaultValue = "0", description = "keep asserting random pairs this long after every pair "
            + "was seen: 0 to 86400")
    double seconds;

    @Option(names = "--go", paramLabel = "1.N", converter = InspectCommand.ReleaseConverter.class,
            description = "simulate this Go release: 1.19 (default) or 1.21 to 1.27")
    io.goheap.runtime.abi.GoRelease go;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--dump", paramLabel = "FILE", description = "afterwards, write the runtime's address space to FILE as an ELF core")
    java.nio.file.Path dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        io.goheap.runtime.abi.GoRelease release = SimulatedRelease.of(spec, go);
        Stress.Violation bad = Stress.check(threads, types, interfaces, seconds, Runtime.getRuntime().maxMemory());
        if (bad != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--" + bad.argument() + " " + bad.value() + ": " + bad.reason());
        }
        java.io.IOException[] failed = new java.io.IOException[1];
        Stress.Report r = Stress.run(release, threads, types, interfaces, seconds, rt -> {
            if (dump != null) {
                try {
                    io.goheap.runtime.dump.DumpWriter.Written w = OutputFile.write(dump, ch -> io.goheap.runtime.dump.DumpWriter.write(rt, ch));
                    spec.commandLine().getErr().printf("goheap: wrote %s: %d segments, %d bytes of memory, %d symbols%n",
                            dump, w.segments(), w.bytes(), w.symbols());
                } catch (java.io.IOException e) {
                    failed[0] = e;
                }
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("size", r.size()).put("count", r.count()).put("distinct", r.distinct()).put("duplicates", r.duplicates())
                    .put("missing", r.missing()).put("grows", r.grows()).put("opsPerSecond", Math.round(r.opsPerSecond()))
                    .put("ops", r.ops());
            ObjectNode p = o.putObject("probeLengths");
            r.probeLengths().forEach((k, v) -> p.put(Long.toString(k), v));
            out.println(Json.mapper().writeValueAsString(o));
        } else {
            out.printf("itabTable size %d, count %d, distinct %d, duplicates %d, missing %d, grows %d%n",
                    r.size(), r.count(), r.distinct(), r.duplicates(), r.missing(), r.grows());
            out.printf("%d getitab calls on %d threads: %.0f ops/s%n", r.ops(), threads, r.opsPerSecond());
            out.printf("probe lengths: %s%n", r.probeLengths());
        }
        return r.duplicates() == 0 && r.missing() == 0 && r.count() == (long) types * interfaces ? 0 : 1;
    }
}
