package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned dmarc}: DMARC evaluation. */
@Command(name = "dmarc", mixinStandardHelpOptions = true,
        description = "DMARC (RFC 9989; RFC 7489 on request): what would DMARC say for a message.",
        subcommands = {DmarcEvalCommand.class})
final class DmarcCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
