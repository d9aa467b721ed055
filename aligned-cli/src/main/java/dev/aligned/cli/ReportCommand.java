package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned report} (alias {@code reports}): read, write and send DMARC reports. */
@Command(name = "report", aliases = "reports", mixinStandardHelpOptions = true,
        description = {"Read DMARC aggregate and failure reports (xml, gz, zip, eml, mbox) and write aggregate reports.",
                "As a receiver: record evaluations and send the reports domain owners ask for."},
        subcommands = {ReportParseCommand.class, ReportGenerateCommand.class, ReportSendCommand.class,
                ReportRecordCommand.class})
final class ReportCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
