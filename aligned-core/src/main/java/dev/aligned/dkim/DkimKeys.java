package dev.aligned.dkim;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * DKIM key pairs: generation (RSA, 2048 bits by default, or Ed25519), the private key as PKCS#8 PEM written
 * with owner-only permissions, and the key record ready to publish.
 *
 * <pre>{@code
 * DkimKeys keys = DkimKeys.generate(DkimKeys.Type.ED25519, 0);
 * keys.writePrivateKey(Path.of("sel1.example.com.pem"));      // rw------- on POSIX systems
 * System.out.println(keys.dnsName("sel1", "example.com"));    // sel1._domainkey.example.com
 * System.out.println(keys.zoneLine("sel1", "example.com"));   // ... IN TXT ( "v=DKIM1; k=ed25519; p=..." )
 * }</pre>
 */
public final class DkimKeys {
    /** The smallest RSA key generated. */
    public static final int MIN_RSA_BITS = 1024;
    /** The default RSA key size. */
    public static final int DEFAULT_RSA_BITS = 2048;

    /** The key types. */
    public enum Type { RSA, ED25519 }

    private final Type type;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DkimKeys(Type type, PrivateKey privateKey, PublicKey publicKey) {
        this.type = type;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Generates a key pair. {@code bits} is the RSA modulus size (0 for the default 2048; 1024 to 8192);
     * it is ignored for Ed25519.
     */
    public static DkimKeys generate(Type type, int bits) {
        Objects.requireNonNull(type, "type");
        try {
            KeyPair kp;
            if (type == Type.RSA) {
                int size = bits == 0 ? DEFAULT_RSA_BITS : bits;
                if (size < MIN_RSA_BITS || size > 8192) {
                    throw new IllegalArgumentException("RSA key size must be 1024 to 8192 bits, got " + size);
                }
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(size);
                kp = g.generateKeyPair();
            } else {
                kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            }
            return new DkimKeys(type, kp.getPrivate(), kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + type + " keys", e);
        }
    }

    /**
     * Reads a private key: PEM PKCS#8 ("PRIVATE KEY", RSA or Ed25519), PEM PKCS#1 ("RSA PRIVATE KEY"), or the
     * base64 of a raw 32-octet Ed25519 seed. Empty when the text is none of these; use
     * {@link #readPrivateKeyOrProblem(String)} to learn why.
     */
    public static Optional<PrivateKey> readPrivateKey(String text) {
        try {
            return Optional.of(KeyCodec.readPrivateKey(text));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Like {@link #readPrivateKey(String)}, but throws with the reason when the key cannot be read. */
    public static PrivateKey readPrivateKeyOrProblem(String text) throws GeneralSecurityException {
        Objects.requireNonNull(text, "text");
        try {
            return KeyCodec.readPrivateKey(text);
        } catch (RuntimeException e) {
            throw new GeneralSecurityException("cannot read the private key: " + e.getMessage(), e);
        }
    }

    /** Why {@code domain} cannot be a signing domain (e.g. "character space"), or empty when it can. */
    public static Optional<String> domainProblem(String domain) {
        String p = DkimNames.problem(domain);
        if (p == null && !domain.contains(".")) {
            p = "needs at least two labels";
        }
        return Optional.ofNullable(p);
    }

    /** Why {@code selector} cannot be a selector, or empty when it can. */
    public static Optional<String> selectorProblem(String selector) {
        return Optional.ofNullable(DkimNames.problem(selector));
    }

    /** The key type. */
    public Type type() {
        return type;
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The public key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The private key as PKCS#8 PEM. */
    public String privateKeyPem() {
        return KeyCodec.pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** The key record text: {@code v=DKIM1; k=rsa; p=...}. */
    public String keyRecord() {
        return "v=DKIM1; k=" + (type == Type.RSA ? "rsa" : "ed25519") + "; p="
                + Base64.getEncoder().encodeToString(KeyCodec.publicKeyData(publicKey));
    }

    /** The key record split into TXT character-strings of at most 255 octets. */
    public List<String> txtStrings() {
        return split(keyRecord());
    }

    /** Splits {@code text} (ASCII) into strings of at most 255 octets. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            out.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    /** The name to publish the key record at: {@code selector._domainkey.domain}. */
    public String dnsName(String selector, String domain) {
        return selector + "._domainkey." + domain;
    }

    /** A master-file line for the key record, e.g. for BIND or NSD. */
    public String zoneLine(String selector, String domain) {
        StringBuilder sb = new StringBuilder(dnsName(selector, domain)).append(". IN TXT (");
        for (String s : txtStrings()) {
            sb.append(" \"").append(s).append('"');
        }
        return sb.append(" )").toString();
    }

    /**
     * Writes the private key as PKCS#8 PEM to a new file readable and writable only by its owner (on POSIX
     * file systems).
     *
     * @throws FileAlreadyExistsException when {@code path} exists (a key is never overwritten)
     */
    public void writePrivateKey(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        boolean posix = Files.getFileStore(path.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(path);
        }
        try (Writer w = Files.newBufferedWriter(path, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(privateKeyPem());
        }
    }
}
