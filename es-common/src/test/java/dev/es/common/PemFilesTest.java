package dev.es.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PemFilesTest {

    @Test
    void aBlockIsReadFromItsBeginToTheEndAfterItWhateverCameBefore() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        String pem = PemFiles.PUBLIC_KEY_BEGIN + "\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        // A stray END line (a block cut short, pasted above) before the one that counts.
        String text = "-----END PUBLIC KEY-----\nnotes\n" + pem;
        assertEquals(key, PemFiles.publicKey(text, Path.of("key.pem")));
    }
}
