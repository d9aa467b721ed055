package dev.aligned.cli;

import picocli.CommandLine;

/** Entry point of the {@code aligned} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (0 ran, 1 runtime failure, 2 usage error). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** The configured command line, for tests that capture output. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new AlignedCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("aligned: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }
}
