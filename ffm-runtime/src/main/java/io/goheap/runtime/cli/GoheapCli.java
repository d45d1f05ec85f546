package io.goheap.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
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

    /** Made by {@code main} and {@code run}. */
    GoheapCli() {
    }

    /** {@code goheap} with no command: a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (demo, layout, image, stress, inspect)");
    }


    /**
     * Runs the command line and returns the exit code. Output that could not be written (a full disk, a
     * closed pipe: {@code out.checkError()}) is a failure: one line on {@code err} and exit code 1.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, () -> null, err, args);
    }

    /**
     * {@link #run(PrintWriter, PrintWriter, String...)}, with {@code whyOutFailed} telling why {@code out}
     * failed (a PrintWriter keeps only a flag): the first IOException of the stream beneath it, or null.
     */
    static int run(PrintWriter out, java.util.function.Supplier<IOException> whyOutFailed, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GoheapCli());
        helpEverywhere(cl);
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
        if (out.checkError()) { // flushes first; a PrintWriter swallows write errors, so ask it
            IOException why = whyOutFailed.get();
            err.println("goheap: cannot write standard output" + (why == null ? "" : ": " + OutputFile.why(why)));
            rc = rc == 0 ? 1 : rc;
        }
        err.flush();
        return rc;
    }

    /** The {@code goheap} command: runs {@code args} and exits with the command's exit code. */
    public static void main(String[] args) {
        // stdout is buffered (a listing of thousands of lines would otherwise cost a write call per line) and
        // flushed by run(); stderr flushes per line so progress and errors appear at once. Not System.out: a
        // PrintStream swallows write errors too, and the file descriptor's stream says why one failed
        FailureKeepingStream stdout = new FailureKeepingStream(new FileOutputStream(FileDescriptor.out));
        int rc = run(new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout), 1 << 16)), stdout::failure,
                new PrintWriter(System.err, true), args);
        System.exit(rc);
    }

    /** An output stream that keeps the first IOException of the stream beneath it (and still throws it). */
    static final class FailureKeepingStream extends FilterOutputStream {
        private volatile IOException failure;

        FailureKeepingStream(OutputStream out) {
            super(out);
        }

        /** The first IOException a write or flush threw, or null. */
        IOException failure() {
            return failure;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len); // FilterOutputStream's own would write byte by byte
            } catch (IOException e) {
                throw kept(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw kept(e);
            }
        }

        private IOException kept(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }

    /**
     * Every command and subcommand answers {@code -h}/{@code --help} (its usage, exit 0, also when a
     * required argument is missing) and {@code -V}/{@code --version}, as the top level does.
     */
    private static void helpEverywhere(CommandLine cl) {
        exitCodes(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            sub.getCommandSpec().versionProvider(new Version());
            helpEverywhere(sub);
        }
    }

    /** The exit codes, last in every command's usage (README: "Exit codes"). */
    static final java.util.Map<String, String> EXIT_CODES = exitCodeList();

    private static java.util.Map<String, String> exitCodeList() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("0", "success");
        m.put("1", "failure while running (a file not read or written): one line on stderr");
        m.put("2", "usage error (an unknown option, a missing or bad argument): one line too");
        return m;
    }

    private static void exitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
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
            return new String[] {"goheap 0.1.0 (simulates " + String.join(", ", io.goheap.runtime.GoRuntime.VERSIONS.values()) + " linux/amd64; " + io.goheap.runtime.GoRuntime.GO_VERSION + " by default)"};
        }
    }
}
