package dev.es.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.es.server.ServerSettings;
import dev.es.server.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when --jwt-key names a file that cannot serve: one line naming the file and the fix. */
class JwtKeyTest {

    @TempDir
    Path folder;

    @Test
    void aKeyFileThatCannotServeIsOneLineNamingIt() throws Exception {
        Path missing = folder.resolve("missing.key");
        assertEquals("cannot read the JWT key " + missing + ": no such file", refusal(missing));

        Path shortSecret = Files.writeString(folder.resolve("short.key"), "too short\n");
        assertEquals("the JWT key " + shortSecret + ": an HMAC secret of 9 bytes is too short to be safe: at least 32 "
                + "(e.g. openssl rand -base64 48)", refusal(shortSecret));

        Path ed25519 = TestCertificates.writePublicKey(folder.resolve("ed25519.pem"),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        assertEquals("the JWT key " + ed25519 + ": a EdDSA key cannot check channel tokens: use an RSA or EC key, "
                + "or an HMAC secret", refusal(ed25519));

        RSAPublicKey rsa = (RSAPublicKey) KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();
        for (String other : List.of("-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----\n",
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
                "{\"kty\":\"RSA\",\"n\":\"" + rsa.getModulus() + "\",\"e\":\"AQAB\"}",
                "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user@host")) {
            // Public material as an HMAC secret would let anyone sign tokens.
            Path file = Files.writeString(folder.resolve("other.key"), other);
            assertEquals("the JWT key " + file + " is neither a PEM public key (-----BEGIN PUBLIC KEY-----, e.g. openssl "
                    + "pkey -pubout) nor an HMAC secret: it looks like other key material", refusal(file), other);
        }

        KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
        weak.initialize(1024);
        Path weakFile = TestCertificates.writePublicKey(folder.resolve("weak.pem"), weak.generateKeyPair().getPublic());
        assertEquals("the JWT key " + weakFile + ": an RSA key of 1024 bits is too weak: at least 2048", refusal(weakFile));

        Path garbled = Files.writeString(folder.resolve("garbled.pem"), "-----BEGIN PUBLIC KEY-----\n%%%\n-----END PUBLIC KEY-----\n");
        assertEquals("the public key in " + garbled + " is neither RSA, EC nor Ed25519", refusal(garbled));
    }

    @Test
    void aSecretFileIsItsTextWithoutTheLineBreak() throws Exception {
        // One byte short once the line break is dropped: were it kept, the secret would be long enough.
        Path file = Files.writeString(folder.resolve("secret.key"), "x".repeat(JwtKey.MIN_SECRET_BYTES - 1) + "\n");
        assertEquals("the JWT key " + file + ": an HMAC secret of " + (JwtKey.MIN_SECRET_BYTES - 1) + " bytes is too "
                + "short to be safe: at least " + JwtKey.MIN_SECRET_BYTES + " (e.g. openssl rand -base64 48)", refusal(file));
    }

    @Test
    void channelTokensNeedTheHubsOwnToken() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ServerSettings.builder()
                .jwtKey(JwtKey.secret(new byte[JwtKey.MIN_SECRET_BYTES])).build());
        assertEquals("channel tokens (a JWT key) make channels private, which needs the hub's own token too "
                + "(--token or ES_TOKEN): without it anyone could publish and close", refused.getMessage());
    }

    private static String refusal(Path file) {
        return assertThrows(IllegalArgumentException.class, () -> JwtKey.read(file)).getMessage();
    }
}
