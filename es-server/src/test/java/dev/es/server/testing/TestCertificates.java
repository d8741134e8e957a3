package dev.es.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority of its own and a server certificate it signed for 127.0.0.1 and localhost, made
 * with openssl in a folder, valid for a day: {@code ca.crt}, {@code server.crt}, {@code server.key} (PKCS#8).
 */
public record TestCertificates(Path ca, Path certificate, Path key) {

    public static TestCertificates makeIn(Path folder) throws IOException, InterruptedException {
        String dir = folder.toString();
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=es test CA",
                "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", dir + "/server.key", "-out", dir + "/server.csr");
        Files.writeString(folder.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("x509", "-req", "-days", "1", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt",
                "-CAkey", dir + "/ca.key", "-CAcreateserial", "-extfile", dir + "/ext.cnf", "-out", dir + "/server.crt");
        return new TestCertificates(folder.resolve("ca.crt"), folder.resolve("server.crt"), folder.resolve("server.key"));
    }

    /** Writes a public key as {@code openssl pkey -pubout} does (a PEM PUBLIC KEY block), and names the file. */
    public static Path writePublicKey(Path file, PublicKey key) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Programs.Finished done = Programs.run(argv);
        if (done.exitCode() != 0) {
            throw new IOException("openssl " + args[0] + " failed: " + done.output());
        }
    }
}
