package dev.es.completions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.cli.Main;
import dev.es.cli.testing.EsScript;
import dev.es.cli.testing.TerminalSession;
import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** What TAB completes for a user, in a real bash and a real zsh, with es on the PATH and a hub running. */
class CompletionTest {

    private static EsServer hub;
    @TempDir
    static Path home;

    @BeforeAll
    static void setUp() throws Exception {
        hub = EsServer.start(ServerSettings.builder().port(0).build());
        hub.publish("alpha", Event.of("kept in history, so the channel exists"));
        hub.publish("beta", Event.of("so does this one"));
        Path bin = Files.createDirectories(home.resolve("bin"));
        EsScript.writeTo(bin);
        for (String shell : new String[] {"bash", "zsh"}) {
            StringWriter script = new StringWriter();
            assertEquals(0, Main.run(new PrintWriter(script), new PrintWriter(new StringWriter()), "completion", shell));
            Files.writeString(home.resolve("es." + shell), script.toString());
        }
    }

    @AfterAll
    static void tearDown() {
        hub.stop();
    }

    private static TerminalSession shell(String shell) throws Exception {
        String command = shell.equals("bash") ? "bash --norc --noprofile" : "zsh -f";
        TerminalSession session = TerminalSession.start(command, Map.of(
                "PATH", home.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin",
                "HOME", home.toString(),
                "ES_URL", hub.url().toString(),
                "TERM", "xterm",
                "PS1", "$ ",
                "PROMPT", "$ "), home);
        session.send("source " + home.resolve("es." + shell) + " && echo sourced", "Enter");
        session.awaitScreen("\nsourced");
        session.reset();
        return session;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void commandsCompleteFromTheirFirstLetters(String shell) throws Exception {
        try (TerminalSession session = shell(shell)) {
            session.send("es sub", "Tab");
            session.awaitScreen("es subscribe");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void everyCommandIsOfferedAfterEs(String shell) throws Exception {
        try (TerminalSession session = shell(shell)) {
            session.send("es ", "Tab", "Tab");
            String screen = session.awaitScreen("subscribe");
            for (String command : new String[] {"serve", "publish", "history", "channels", "close", "completion", "config"}) {
                assertTrue(screen.contains(command), command + " missing:\n" + screen);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void optionsCompleteAfterDashes(String shell) throws Exception {
        try (TerminalSession session = shell(shell)) {
            session.send("es subscribe --", "Tab", "Tab");
            String screen = session.awaitScreen("--json");
            for (String option : new String[] {"--last-event-id", "--no-reconnect", "--timeout", "--url"}) {
                assertTrue(screen.contains(option), option + " missing:\n" + screen);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void channelNamesCompleteLiveFromTheHub(String shell) throws Exception {
        try (TerminalSession session = shell(shell)) {
            session.send("es subscribe al", "Tab");
            session.awaitScreen("es subscribe alpha");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void channelNamesComeFromTheEsBeingCompletedAndTheHubTypedOnTheLine(String shell) throws Exception {
        Path clone = Files.createDirectories(home.resolve("clone-" + shell));
        EsScript.writeTo(clone);
        try (EsServer other = EsServer.start(ServerSettings.builder().port(0).build());
                TerminalSession session = shell(shell)) {
            other.publish("gamma-elsewhere", Event.of("only on the other hub"));
            // No es on the PATH: only ./es, as from a clone.
            session.send("cd " + clone + " && PATH=/usr/bin:/bin && echo moved", "Enter");
            session.awaitScreen("\nmoved");
            session.send("./es subscribe al", "Tab");
            session.awaitScreen("./es subscribe alpha");
            session.send("C-u");
            session.send("./es subscribe --url " + other.url() + " gam", "Tab");
            session.awaitScreen("gamma-elsewhere");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bash", "zsh"})
    void configKeysAndHelpTopicsComplete(String shell) throws Exception {
        try (TerminalSession session = shell(shell)) {
            session.send("es config set to", "Tab");
            session.awaitScreen("es config set token");
            session.send("C-u");
            session.send("es help exit", "Tab");
            session.awaitScreen("es help exit-codes");
        }
    }
}
