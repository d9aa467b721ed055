package dev.aligned.cli;

import picocli.CommandLine.Command;

/** {@code aligned dkim}: DKIM verification, signing and key generation. */
@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = "DKIM (RFC 6376, RFC 8463): verify and sign messages, generate keys.",
        subcommands = {DkimVerifyCommand.class, DkimSignCommand.class, DkimKeygenCommand.class})
final class DkimCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
