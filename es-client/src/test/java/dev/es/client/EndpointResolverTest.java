package dev.es.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.es.common.EsException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order in which the URL and token are found: flag, environment, dotfile, default. */
class EndpointResolverTest {

    @TempDir
    Path home;

    private EndpointResolver resolver(Map<String, String> env, String stdin) {
        return new EndpointResolver(env, new ClientConfig(home.resolve("config")), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withNothingSetItIsTheLocalDefaultWithNoToken() {
        assertEquals(new Endpoint(URI.create("http://127.0.0.1:8080"), null, null, null), resolver(Map.of(), "").resolve(null, null, null, null));
    }

    @Test
    void theFlagBeatsTheEnvironmentWhichBeatsTheDotfile() throws Exception {
        ClientConfig config = new ClientConfig(home.resolve("config"));
        config.set("url", "http://file:1");
        config.set("token", "file-token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.file())));
        EndpointResolver all = resolver(Map.of("ES_URL", "http://env:2", "ES_TOKEN", "env-token"), "");
        assertEquals(new Endpoint(URI.create("http://flag:3"), "flag-token", "--token", null), all.resolve("http://flag:3", "flag-token", null, null));
        assertEquals(new Endpoint(URI.create("http://env:2"), "env-token", "ES_TOKEN", null), all.resolve(null, null, null, null));
        assertEquals(new Endpoint(URI.create("http://file:1"), "file-token", config.file().toString(), null),
                resolver(Map.of(), "").resolve(null, null, null, null));
    }

    @Test
    void aTokenFileOrStandardInputGivesItsFirstLine() throws Exception {
        Path file = Files.writeString(home.resolve("token"), "  from-file  \nignored\n");
        assertEquals("from-file", resolver(Map.of(), "").resolve(null, null, file.toString(), null).token());
        assertEquals("--token-file " + file, resolver(Map.of(), "").resolve(null, null, file.toString(), null).tokenSource());
        assertEquals("from-stdin", resolver(Map.of(), "from-stdin\n").resolve(null, null, "-", null).token());
    }

    @Test
    void contradictionsAndNonsenseAreUsageErrors() {
        EsException both = assertThrows(EsException.class, () -> resolver(Map.of(), "").resolve(null, "a", "b", null));
        assertEquals(EsException.USAGE, both.exitCode());
        EsException scheme = assertThrows(EsException.class, () -> resolver(Map.of(), "").resolve("ftp://x", null, null, null));
        assertEquals("bad URL 'ftp://x': the URL must start with http:// or https://: ftp://x", scheme.getMessage());
        EsException empty = assertThrows(EsException.class, () -> resolver(Map.of(), "\n").resolve(null, null, "-", null));
        assertEquals("the token file - is empty", empty.getMessage());
    }
}
