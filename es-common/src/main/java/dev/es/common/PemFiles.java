package dev.es.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material in PEM files, as openssl and certificate authorities hand it out: a certificate chain and a
 * PKCS#8 private key for a server, certificates of authorities to trust for a client. Every failure is an
 * {@link IllegalArgumentException} whose message names the file and says what is wrong, in one line.
 */
public final class PemFiles {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    /** How a PEM public key starts, to tell it from other key material. */
    public static final String PUBLIC_KEY_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PUBLIC_KEY_END = "-----END PUBLIC KEY-----";

    private PemFiles() {}

    /** A key store holding the server's key under the alias "es", with its certificate chain. */
    public static KeyStore serverKeyStore(Path certificateFile, Path keyFile, char[] password) {
        List<Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile, chain.getFirst());
        requirePair(key, chain.getFirst(), keyFile, certificateFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("es", key, password, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the key in " + keyFile + " with " + certificateFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** A client context that trusts the authorities in the file (and only those). */
    public static SSLContext trusting(Path authorities) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(authorities).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust the certificates in " + authorities + ": " + e.getMessage(), e);
        }
    }

    /** Trust in the authorities in the file (and only those), for libraries that take a factory (Lettuce). */
    public static TrustManagerFactory trustManagers(Path authorities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(authorities)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            return trust;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the certificates in " + authorities + ": " + e.getMessage(), e);
        }
    }

    /** The certificates in a PEM file, in order: for a server, its own first, then the ones that signed it. */
    static List<Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> found = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return found;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + UserFiles.why(e), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("no PEM certificate in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The public key in a PEM file's text ({@code openssl pkey -pubout} writes one): RSA, EC or Ed25519.
     *
     * @param file where the text was read from, for the messages
     */
    public static PublicKey publicKey(String text, Path file) {
        byte[] der = block(text, PUBLIC_KEY_BEGIN, PUBLIC_KEY_END, file);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // Try the next: the encoding names its algorithm, but KeyFactory wants to be told.
            }
        }
        throw new IllegalArgumentException("the public key in " + file + " is neither RSA, EC nor Ed25519");
    }

    /** The unencrypted PKCS#8 key in a PEM file, of the certificate's algorithm (RSA, EC, Ed25519…). */
    static PrivateKey privateKey(Path file, Certificate certificate) {
        String text = read(file);
        if (!text.contains(KEY_BEGIN)) {
            throw new IllegalArgumentException("no unencrypted PKCS#8 key (" + KEY_BEGIN + ") in " + file
                    + "; convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file);
        }
        byte[] der = block(text, KEY_BEGIN, KEY_END, file);
        try {
            return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + file + " is not a "
                    + certificate.getPublicKey().getAlgorithm() + " key for its certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The key must be the certificate's (the first of the file): a renewed certificate deployed with the old
     * key would start a server every handshake with fails. Checked by signing and verifying a few bytes.
     */
    private static void requirePair(PrivateKey key, Certificate certificate, Path keyFile, Path certificateFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "es".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the key in " + keyFile + " is not the key of the first certificate in "
                        + certificateFile);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot check the key in " + keyFile + " against " + certificateFile
                    + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + UserFiles.why(e), e);
        }
    }

    /** The bytes between a PEM block's BEGIN and END lines. */
    private static byte[] block(String text, String begin, String end, Path file) {
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (to < 0) {
            throw new IllegalArgumentException("no " + begin + " block in " + file);
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + begin + " block in " + file + " is not base64: " + e.getMessage(), e);
        }
    }
}
