package dev.aligned.cli;

import dev.aligned.dkim.DkimAlgorithm;
import dev.aligned.dkim.DkimKeys;
import dev.aligned.dkim.DkimSigner;
import dev.aligned.mail.RawMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aligned dkim sign FILE}: prints the message with a DKIM-Signature added on top. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a message with DKIM (relaxed/relaxed) and print the signed message.")
final class DkimSignCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The message ('-' for standard input).")
    String file;

    @Option(names = "--domain", required = true, paramLabel = "D", description = "The signing domain (d=).")
    String domain;

    @Option(names = "--selector", required = true, paramLabel = "S", description = "The selector (s=).")
    String selector;

    @Option(names = "--key", required = true, paramLabel = "PEM",
            description = "The private key: PKCS#8 or PKCS#1 PEM, or a raw base64 Ed25519 seed.")
    Path key;

    @Option(names = "--algorithm", paramLabel = "ALG",
            description = "rsa-sha256 or ed25519-sha256 (default: follows from the key).")
    String algorithm;

    @Option(names = "--expire-after", paramLabel = "SECONDS", description = "Add x= this many seconds after t=.")
    Long expireAfter;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the signed message here instead of"
            + " standard output.")
    Path output;

    /** Where raw bytes go when the signed message is not plain ASCII and no --output is given. */
    static PrintStream rawStdout = System.out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (DkimKeys.domainProblem(domain).isPresent()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--domain " + domain + ": " + DkimKeys.domainProblem(domain).get());
        }
        if (DkimKeys.selectorProblem(selector).isPresent()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--selector " + selector + ": " + DkimKeys.selectorProblem(selector).get());
        }
        DkimAlgorithm alg = null;
        if (algorithm != null) {
            alg = DkimAlgorithm.fromTag(algorithm).filter(a -> a != DkimAlgorithm.RSA_SHA1).orElseThrow(() ->
                    new picocli.CommandLine.ParameterException(spec.commandLine(),
                            "--algorithm must be rsa-sha256 or ed25519-sha256, not " + algorithm));
        }
        PrivateKey pk;
        byte[] message;
        try {
            pk = DkimKeys.readPrivateKeyOrProblem(Files.readString(key, StandardCharsets.ISO_8859_1));
            message = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            err.println("aligned: cannot read " + e.getMessage());
            return 1;
        } catch (GeneralSecurityException e) {
            err.println("aligned: " + key + ": " + e.getMessage());
            return 1;
        }
        DkimSigner.Builder b;
        try {
            b = DkimSigner.builder(domain, selector, pk);
            if (alg != null) {
                b.algorithm(alg);
            }
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (expireAfter != null) {
            if (expireAfter <= 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--expire-after must be positive");
            }
            b.expiry(Duration.ofSeconds(expireAfter));
        }
        return switch (b.build().sign(RawMessage.parse(message))) {
            case DkimSigner.Refused r -> {
                err.println("aligned: cannot sign " + file + ": " + r.reason());
                yield 1;
            }
            case DkimSigner.Signed s -> write(s.prependTo(message), err);
        };
    }

    private int write(byte[] signed, PrintWriter err) {
        try {
            if (output != null) {
                Files.write(output, signed);
                return 0;
            }
        } catch (IOException e) {
            err.println("aligned: cannot write " + output + ": " + e.getMessage());
            return 1;
        }
        boolean ascii = true;
        for (byte x : signed) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (ascii) {
            out.print(new String(signed, StandardCharsets.US_ASCII));
            out.flush();
        } else {
            out.flush();
            rawStdout.write(signed, 0, signed.length);
            rawStdout.flush();
        }
        return 0;
    }
}
