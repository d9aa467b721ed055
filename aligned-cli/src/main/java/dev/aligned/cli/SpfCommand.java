package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned spf}: SPF evaluation. */
@Command(name = "spf", mixinStandardHelpOptions = true,
        description = "Evaluate SPF (RFC 7208) for a client IP and MAIL FROM.",
        subcommands = {SpfCheckCommand.class})
final class SpfCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
