package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.cli.testing.EsScript;
import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands as processes: pipes, signals, standard input, the environment and the dotfile. */
class ClientProcessIT {

    private static final String TOKEN = "s3cret";

    private EsServer server;
    private ApiClient api;
    @TempDir
    Path home;

    @BeforeEach
    void start() throws Exception {
        server = EsServer.start(ServerSettings.builder().port(0).token(TOKEN).build());
        api = new ApiClient(server.url(), TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
        server.stop();
    }

    /** The environment of a user whose ES_URL points at the test hub and whose home is empty. */
    private Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("ES_URL", server.url().toString(), "HOME", home.toString()));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static String read(Process p, boolean stderr) throws Exception {
        return new String((stderr ? p.getErrorStream() : p.getInputStream()).readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A bash running the script, with the launcher as es on its PATH and this user's environment. */
    private Process bashWithEs(String script) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        EsScript.writeTo(bin);
        ProcessBuilder shell = new ProcessBuilder("bash", "-c", "PATH=" + bin + ":$PATH; " + script);
        shell.environment().putAll(env());
        return shell.start();
    }

    @Test
    void aClosedPipeEndsSubscribeQuietly() throws Exception {
        Process p = bashWithEs("es subscribe updates | head -1; echo \"es exited ${PIPESTATUS[0]}\"");
        api.awaitConsumers("updates", 1);
        // head exits after the first line; the second event meets the closed pipe and ends es quietly.
        for (int i = 1; i <= 50 && p.isAlive(); i++) {
            server.publish("updates", Event.of("event " + i));
            p.waitFor(100, TimeUnit.MILLISECONDS);
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("event 1\nes exited 0\n", read(p, false));
        assertEquals("", read(p, true));
    }

    @Test
    void subscribeEndsWhenItsReaderGoesEvenOnAQuietChannel() throws Exception {
        Process p = bashWithEs("x=$(es subscribe quiet | head -n 1); echo \"got $x\"");
        api.awaitConsumers("quiet", 1);
        server.publish("quiet", Event.of("the only event"));
        // Nothing more is published, and the hub's keepalive (15 s) is beyond this wait: only noticing that
        // head has gone ends es subscribe, and with it the substitution.
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "es subscribe outlived its reader");
        assertEquals("got the only event\n", read(p, false));
    }

    @Test
    void ctrlCExits130WithNoStackTrace() throws Exception {
        Process p = EsScript.process(env(), "subscribe", "updates").start();
        api.awaitConsumers("updates", 1);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue());
        assertEquals("", read(p, true));
    }

    @Test
    void standardInputIsOneEventAndLinesStreamOneEventEach() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/logs"))) {
            api.awaitConsumers("logs", 1);
            Process whole = EsScript.process(env("ES_TOKEN", TOKEN), "publish", "logs").start();
            try (OutputStream in = whole.getOutputStream()) {
                in.write("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(whole.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, whole.exitValue(), read(whole, true));
            sub.assertData("first line\nsecond line");

            // -l publishes each line as it comes: the subscriber sees it while the input is still open.
            Process lines = EsScript.process(env("ES_TOKEN", TOKEN), "publish", "-l", "logs").start();
            OutputStream in = lines.getOutputStream();
            in.write("tail one\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            sub.assertData("tail one");
            in.write("tail two\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            sub.assertData("tail two");
            in.close();
            assertTrue(lines.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, lines.exitValue());
        }
    }

    @Test
    void manyLinesGoOutInBatchesInOrderAndRefusedLinesAreNamed() throws Exception {
        try (SseRecorder sub = SseRecorder.open(api.url("/bulk"))) {
            api.awaitConsumers("bulk", 1);
            Process lines = EsScript.process(env("ES_TOKEN", TOKEN), "publish", "-l", "bulk").start();
            try (OutputStream in = lines.getOutputStream()) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < 3000; i++) {
                    all.append("line ").append(i).append('\n');
                }
                in.write(all.toString().getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(lines.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, lines.exitValue(), read(lines, true));
            for (int i = 0; i < 3000; i++) {
                sub.assertData("line " + i);
            }
        }
        Process refused = EsScript.process(env("ES_TOKEN", "wrong"), "publish", "-l", "bulk").start();
        try (OutputStream in = refused.getOutputStream()) {
            in.write("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
        assertEquals(4, refused.exitValue(), "as a single publish with a refused token");
        // Both lines in one batch, or the first alone: the command ends once a batch with a refusal is answered.
        String err = read(refused, true);
        assertTrue(err.equals("es: line 1: token from ES_TOKEN was refused\nes: 1 line refused\n")
                || err.equals("es: line 1: token from ES_TOKEN was refused\nes: line 2: token from ES_TOKEN was refused\n"
                        + "es: 2 lines refused\n"), err);
    }

    /** Runs es as a process with this standard input, to its end. */
    private CliRun run(Map<String, String> env, byte[] stdin, String... args) throws Exception {
        Process p = EsScript.process(env, args).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return new CliRun(p.exitValue(), read(p, false), read(p, true));
    }

    @Test
    void aScriptGetsTheIdAndARefusalForNoDataOrBytesThatAreNotText() throws Exception {
        Map<String, String> user = env("ES_TOKEN", TOKEN);
        CliRun published = run(user, "hello\n".getBytes(StandardCharsets.UTF_8), "publish", "ch");
        assertEquals(0, published.exitCode(), published.err());
        assertTrue(published.out().matches("[0-9]+\n"), "the id it was stored with: " + published.out());
        assertEquals(new CliRun(0, "", ""), run(user, "x".getBytes(StandardCharsets.UTF_8), "publish", "-q", "ch"));

        assertEquals(new CliRun(3, "", "es: nothing to publish: the data is empty (--allow-empty publishes it)\n"),
                run(user, new byte[0], "publish", "ch"));
        assertEquals(0, run(user, new byte[0], "publish", "--allow-empty", "ch").exitCode());
        assertEquals(new CliRun(3, "", "es: nothing to publish: no line of standard input had data (--allow-empty "
                + "publishes blank lines)\n"), run(user, "\n  \n".getBytes(StandardCharsets.UTF_8), "publish", "-l", "ch"));

        byte[] notText = {'a', (byte) 0xff, 'b'};
        assertEquals(new CliRun(1, "", "es: standard input: not UTF-8 text (byte 0xff at offset 1)\n"),
                run(user, notText, "publish", "ch"));
        Path file = Files.write(home.resolve("latin1.txt"), notText);
        assertEquals(new CliRun(1, "", "es: " + file + ": not UTF-8 text (byte 0xff at offset 1)\n"),
                run(user, new byte[0], "publish", "ch", "-f", file.toString()));
        byte[] secondLineBad = {'o', 'k', '\n', (byte) 0xff, '\n'};
        CliRun lines = run(user, secondLineBad, "publish", "-l", "ch");
        assertEquals(1, lines.exitCode());
        assertEquals("es: standard input: line 2: not UTF-8 text (byte 0xff at offset 0)\n", lines.err());
        assertTrue(lines.out().matches("[0-9]+\n"), "the first line went out: " + lines.out());
    }

    @Test
    void theConfigFileIsSetReadShownAndUnsetWithTheTokenNeverOnTheCommandLine() throws Exception {
        Map<String, String> user = env();
        user.remove("ES_URL");
        byte[] none = new byte[0];
        assertEquals(new CliRun(0, "", ""), run(user, "a-token-of-some-length\n".getBytes(StandardCharsets.UTF_8),
                "config", "set", "token", "-"));
        assertEquals(new CliRun(0, "a-token-of-some-length\n", ""), run(user, none, "config", "get", "token"));
        Path file = home.resolve(".config/es/config");
        assertEquals(new CliRun(0, "url    http://127.0.0.1:8080  (from the default)\n"
                + "token  a-…th (22 characters)  (from " + file + ")\nfile   " + file + "\n", ""),
                run(user, none, "config", "show"));
        assertEquals(new CliRun(0, "url    http://h:1  (from --url)\ntoken  a-…th (22 characters)  (from " + file
                + ")\nfile   " + file + "\n", ""), run(user, none, "config", "show", "--url", "h:1"));

        assertEquals(2, run(user, none, "config", "set", "url", "http://").exitCode(), "the URL is checked");
        assertEquals(new CliRun(0, "", ""), run(user, none, "config", "unset", "token"));
        assertEquals(new CliRun(1, "", ""), run(user, none, "config", "get", "token"));
        assertEquals(2, run(user, none, "config", "get", "colour").exitCode());
    }

    @Test
    void statusLinesGoToStderrOnlyWithVerbose() throws Exception {
        Process quiet = EsScript.process(env(), "subscribe", "news", "-n", "1").start();
        Process verbose = EsScript.process(env(), "subscribe", "--verbose", "news", "-n", "1").start();
        api.awaitConsumers("news", 2);
        server.publish("news", Event.of("hello"));
        assertTrue(quiet.waitFor(10, TimeUnit.SECONDS) && verbose.waitFor(10, TimeUnit.SECONDS));
        assertEquals("hello\n", read(quiet, false));
        assertEquals("", read(quiet, true));
        assertEquals("hello\n", read(verbose, false));
        assertEquals("es: connected to " + server.url() + "/news\n", read(verbose, true));
    }

    @Test
    void theTokenComesFromTheFlagThenTheEnvironmentThenTheDotfile() throws Exception {
        Process set = EsScript.process(env(), "config", "set", "token", "from-file").start();
        assertTrue(set.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, set.exitValue(), read(set, true));
        Path dotfile = home.resolve(".config/es/config");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dotfile)));

        Process fromFile = EsScript.process(env(), "publish", "ch", "x").start();
        assertTrue(fromFile.waitFor(10, TimeUnit.SECONDS));
        assertEquals(4, fromFile.exitValue());
        assertEquals("es: token from " + dotfile + " was refused\n", read(fromFile, true));

        Process fromEnv = EsScript.process(env("ES_TOKEN", "from-env"), "publish", "ch", "x").start();
        assertTrue(fromEnv.waitFor(10, TimeUnit.SECONDS));
        assertEquals(4, fromEnv.exitValue());
        assertEquals("es: token from ES_TOKEN was refused\n", read(fromEnv, true));

        Process fromFlag = EsScript.process(env("ES_TOKEN", "from-env"), "publish", "--token", TOKEN, "ch", "x").start();
        assertTrue(fromFlag.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, fromFlag.exitValue(), read(fromFlag, true));
    }

    @Test
    void theUrlComesFromTheDotfileWhenNeitherFlagNorEnvironmentSetsIt() throws Exception {
        Map<String, String> noUrl = env();
        noUrl.remove("ES_URL");
        Process set = EsScript.process(noUrl, "config", "set", "url", server.url().toString()).start();
        assertTrue(set.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, set.exitValue(), read(set, true));
        Process publish = EsScript.process(noUrl, "publish", "--token", TOKEN, "--verbose", "--id", "9", "ch", "x").start();
        assertTrue(publish.waitFor(10, TimeUnit.SECONDS));
        assertEquals("9\n", read(publish, false));
    }
}
