package io.goheap.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code goheap} command line. Exit codes: 0 success, 1 a failure while running, 2 bad usage; both
 * failures are one line on stderr ({@code goheap: ...}). Never a stack trace unless
 * {@code -Dgoheap.debug=true} (through the launcher: {@code JDK_JAVA_OPTIONS=-Dgoheap.debug=true}).
 */
@Command(name = "goheap", mixinStandardHelpOptions = true, versionProvider = GoheapCli.Version.class,
        description = "Go 1.19's interface machinery and persistent allocator, byte for byte, in native memory.",
        subcommands = {LayoutCommand.class, DemoCommand.class, ImageCommand.class, StressCommand.class, InspectCommand.class, CommandLine.HelpCommand.class})
public final class GoheapCli implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** {@code goheap} with no command: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (demo, layout, image, stress, inspect)");
    }


    /** Runs the command line and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GoheapCli());
        cl.setOut(out);
        cl.setErr(err);
        // a usage error is one line too, with the hint where help is
        cl.setParameterExceptionHandler((ex, args2) -> {
            err.println("goheap: " + oneLine(ex) + " (see 'goheap --help')");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println("goheap: " + oneLine(ex));
            if (Boolean.getBoolean("goheap.debug")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        int rc;
        try {
            rc = cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) { // picocli passes Errors through: still one line
            err.println("goheap: " + (e instanceof OutOfMemoryError ? "out of memory" : "stack overflow")
                    + " (a corrupt or hostile input?): " + oneLine(e));
            rc = 1;
        }
        out.flush();
        err.flush();
        return rc;
    }

    public static void main(String[] args) {
        // stdout is buffered (a listing of thousands of lines would otherwise cost a write call per line) and
        // flushed by run(); stderr flushes per line so progress and errors appear at once
        int rc = run(new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(System.out), 1 << 16)), new PrintWriter(System.err, true), args);
        System.exit(rc);
    }

    /** Longest message printed: names taken from a hostile file may be long. */
    private static final int MAX_MESSAGE = 2000;

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            m = t.getClass().getSimpleName();
        }
        m = m.replace('\n', ' ').replace('\r', ' ');
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"goheap 0.1.0 (simulates " + io.goheap.runtime.GoRuntime.GO_VERSION + " linux/amd64)"};
        }
    }
}
