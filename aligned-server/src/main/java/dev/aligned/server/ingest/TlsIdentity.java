package dev.aligned.server.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server's TLS identity read from the two PEM files every certificate authority and {@code certbot} hand out: the
 * certificate chain (leaf first) and its unencrypted PKCS#8 private key (RSA, EC or Ed25519). Each problem is a
 * {@link Invalid} whose message names the file and says how to fix it.
 *
 * <pre>{@code
 * SSLContext tls = TlsIdentity.load(Path.of("/etc/letsencrypt/live/mx/fullchain.pem"),
 *         Path.of("/etc/letsencrypt/live/mx/privkey.pem"));
 * SmtpReceiver.builder(ingestor).tls(tls).build().start();
 * }</pre>
 */
public final class TlsIdentity {
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519"};
    private static final long MAX_FILE_BYTES = 1 << 20;

    private TlsIdentity() {
    }

    /** The files could not be used; the message says which and why. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** A TLS context serving {@code certificate} (PEM chain) with {@code key} (PEM PKCS#8). */
    public static SSLContext load(Path certificate, Path key) throws Invalid {
        List<X509Certificate> chain = certificates(certificate);
        PrivateKey privateKey = privateKey(key);
        String certAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
        if (!sameFamily(certAlgorithm, privateKey.getAlgorithm())) {
            throw new Invalid(key + ": a " + privateKey.getAlgorithm() + " key does not belong to the "
                    + certAlgorithm + " certificate in " + certificate + "; give the key the certificate was issued for");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", privateKey, none, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new Invalid(certificate + " and " + key + ": cannot build a TLS context: " + e.getMessage());
        }
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || (isEdDsa(a) && isEdDsa(b));
    }

    private static boolean isEdDsa(String algorithm) {
        return algorithm.equals("EdDSA") || algorithm.equals("Ed25519");
    }

    private static List<X509Certificate> certificates(Path file) throws Invalid {
        byte[] bytes = read(file, "certificate");
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new Invalid(file + ": no certificate found; expected PEM blocks "
                        + "'-----BEGIN CERTIFICATE-----' (the server's first, then its intermediates)");
            }
            return chain;
        } catch (CertificateException e) {
            throw new Invalid(file + ": not a PEM certificate chain (" + e.getMessage() + "); expected "
                    + "'-----BEGIN CERTIFICATE-----' blocks, e.g. certbot's fullchain.pem");
        }
    }

    private static PrivateKey privateKey(Path file) throws Invalid {
        String text = new String(read(file, "private key"), StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new Invalid(file + ": the private key is encrypted; write it unencrypted, readable by this user "
                    + "only: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out server.key");
        }
        for (String legacy : new String[] {"RSA PRIVATE KEY", "EC PRIVATE KEY"}) {
            if (text.contains("-----BEGIN " + legacy + "-----")) {
                throw new Invalid(file + ": a '" + legacy + "' (PKCS#1/SEC1) file; convert it to PKCS#8: "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out server.key");
            }
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int b = text.indexOf(begin);
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b < 0 || e < 0) {
            throw new Invalid(file + ": no '" + begin + "' block found; expected an unencrypted PKCS#8 PEM key "
                    + "(certbot's privkey.pem, or openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new Invalid(file + ": the key block is not valid Base64 (" + x.getMessage() + ")");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException x) {
                // try the next algorithm
            }
        }
        throw new Invalid(file + ": the PKCS#8 key is neither RSA, EC nor Ed25519, or it is damaged");
    }

    private static byte[] read(Path file, String what) throws Invalid {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new Invalid(file + ": larger than 1 MiB; is this really a PEM " + what + "?");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Invalid(file + ": cannot read the " + what + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
    }
}
