package dev.aligned.cli;

import picocli.CommandLine.Command;

/** The top-level command: lists the subcommands. */
@Command(name = "aligned",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "SPF, DKIM and DMARC: check records, authenticate mail, read reports.",
        subcommands = {
                SpfCommand.class,
                DkimCommand.class,
                DmarcCommand.class,
                VerifyCommand.class,
                CheckCommand.class,
                RecordCommand.class,
                SetupCommand.class,
                ReportCommand.class,
                ImportCommand.class,
                IngestCommand.class,
                ServeCommand.class,
                ExportCommand.class,
                MilterCommand.class,
        })
final class AlignedCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
