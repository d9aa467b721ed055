package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned report}: read and write DMARC reports. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Read DMARC aggregate and failure reports (xml, gz, zip, eml, mbox) and write aggregate reports.",
        subcommands = {ReportParseCommand.class, ReportGenerateCommand.class})
final class ReportCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
