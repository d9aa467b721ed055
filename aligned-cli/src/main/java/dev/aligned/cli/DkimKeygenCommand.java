package dev.aligned.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aligned.dkim.DkimKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aligned dkim keygen}: a new key pair, the private key saved owner-only, the TXT record printed. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Generate a DKIM key pair: save the private key (PKCS#8 PEM, owner-only) and print the DNS record.")
final class DkimKeygenCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--domain", required = true, paramLabel = "D", description = "The signing domain.")
    String domain;

    @Option(names = "--selector", required = true, paramLabel = "S", description = "The selector.")
    String selector;

    @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "rsa",
            description = "rsa or ed25519 (default: ${DEFAULT-VALUE}; many receivers still verify only RSA).")
    String algorithm;

    @Option(names = "--bits", paramLabel = "N", description = "RSA key size, 1024 to 8192 (default 2048).")
    Integer bits;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "Directory for the private key file (default: the current directory).")
    Path out;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String d = domain.toLowerCase(Locale.ROOT);
        if (DkimKeys.domainProblem(d).isPresent()) {
            throw new ParameterException(spec.commandLine(), "--domain " + domain + ": " + DkimKeys.domainProblem(d).get());
        }
        if (DkimKeys.selectorProblem(selector).isPresent()) {
            throw new ParameterException(spec.commandLine(),
                    "--selector " + selector + ": " + DkimKeys.selectorProblem(selector).get());
        }
        DkimKeys.Type type = switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "rsa", "rsa-sha256" -> DkimKeys.Type.RSA;
            case "ed25519", "ed25519-sha256" -> DkimKeys.Type.ED25519;
            default -> throw new ParameterException(spec.commandLine(), "--algorithm must be rsa or ed25519, not "
                    + algorithm);
        };
        if (bits != null && type == DkimKeys.Type.ED25519) {
            throw new ParameterException(spec.commandLine(), "--bits applies to RSA keys only");
        }
        if (bits != null && (bits < DkimKeys.MIN_RSA_BITS || bits > 8192)) {
            throw new ParameterException(spec.commandLine(), "--bits must be 1024 to 8192, not " + bits);
        }
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(out)) {
            err.println("aligned: --out " + out + ": not a directory");
            return 1;
        }
        Path keyFile = out.resolve(selector + "._domainkey." + d + ".pem");
        if (Files.exists(keyFile)) {
            err.println("aligned: " + keyFile + " exists; refusing to overwrite a key (choose another selector or"
                    + " --out)");
            return 1;
        }
        DkimKeys keys = DkimKeys.generate(type, bits == null ? 0 : bits);
        try {
            keys.writePrivateKey(keyFile);
        } catch (FileAlreadyExistsException e) {
            err.println("aligned: " + keyFile + " exists; refusing to overwrite a key");
            return 1;
        }
        String name = keys.dnsName(selector, d);
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode n = m.createObjectNode();
            n.put("domain", d);
            n.put("selector", selector);
            n.put("algorithm", type == DkimKeys.Type.RSA ? "rsa-sha256" : "ed25519-sha256");
            if (type == DkimKeys.Type.RSA) {
                n.put("bits", bits == null ? DkimKeys.DEFAULT_RSA_BITS : bits);
            }
            n.put("name", name);
            n.put("record", keys.keyRecord());
            keys.txtStrings().forEach(n.putArray("txt")::add);
            n.put("privateKeyFile", keyFile.toString());
            o.println(n);
        } else {
            o.println("Private key  " + keyFile + "  (owner-only; keep it secret)");
            o.println("Publish      " + name + "  TXT");
            o.println("Zone line    " + keys.zoneLine(selector, d));
            o.println("Next         aligned dkim sign MESSAGE --domain " + d + " --selector " + selector + " --key "
                    + keyFile);
        }
        o.flush();
        return 0;
    }
}
