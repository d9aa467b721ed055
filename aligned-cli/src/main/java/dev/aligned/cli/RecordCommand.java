package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned record}: record generators. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Generate SPF and DMARC records that receivers accept.",
        subcommands = {RecordSpfCommand.class, RecordDmarcCommand.class})
final class RecordCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
