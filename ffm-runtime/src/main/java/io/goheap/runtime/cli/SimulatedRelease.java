package io.goheap.runtime.cli;

import io.goheap.runtime.GoRuntime;
import io.goheap.runtime.abi.GoRelease;
import io.goheap.runtime.types.TypeWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --go} of the commands that simulate (demo, stress): a release the runtime and its type image both do. */
final class SimulatedRelease {
    private SimulatedRelease() {
    }

    /**
     * {@code go}, or the reference release when it is null.
     *
     * @throws ParameterException (one line, exit 2) naming the release if goheap cannot simulate it
     */
    static GoRelease of(CommandSpec spec, GoRelease go) {
        if (go == null) {
            return GoRuntime.RELEASE;
        }
        if (!GoRuntime.VERSIONS.containsKey(go)) {
            throw new ParameterException(spec.commandLine(), "--go 1." + go.minor() + ": goheap simulates " + GoRuntime.SIMULATED);
        }
        if (!TypeWriter.SUPPORTED.contains(go)) {
            throw new ParameterException(spec.commandLine(), "--go 1." + go.minor() + ": the type image does not follow " + go
                    + "'s compiler yet (it does " + TypeWriter.SUPPORTED_TEXT + ")");
        }
        return go;
    }
}
