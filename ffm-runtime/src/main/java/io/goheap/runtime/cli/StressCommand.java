package io.goheap.runtime.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.goheap.runtime.iface.Stress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code goheap stress --threads T --types N --interfaces M [--seconds S] [--json]}: concurrent getitab. */
@Command(name = "stress", description = "Run concurrent getitab over N types x M interfaces and check the itab table.")
final class StressCommand implements Callable<Integer> {
    @Option(names = "--threads", defaultValue = "4", description = "threads (even ones hold a P)")
    int threads;

    @Option(names = "--types", defaultValue = "1000", description = "concrete types")
    int types;

    @Option(names = "--interfaces", defaultValue = "100", description = "interfaces")
    int interfaces;

    @Option(names = "--seconds", defaultValue = "0", description = "keep asserting random pairs this long after every pair was seen")
    double seconds;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--dump", paramLabel = "FILE", description = "afterwards, write the runtime's address space to FILE as an ELF core")
    java.nio.file.Path dump;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        java.io.IOException[] failed = new java.io.IOException[1];
        Stress.Report r = Stress.run(threads, types, interfaces, seconds, rt -> {
            if (dump != null) {
                try {
                    io.goheap.runtime.inspect.DumpFile.Written w = OutputFile.write(dump, ch -> io.goheap.runtime.inspect.DumpFile.write(rt, ch));
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
