package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.cli.testing.EsScript;
import dev.es.cli.testing.TerminalSession;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.SseRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** es publish with no data on a terminal: the JLine prompt, typed into for real under tmux. */
class PublishPromptIT {

    @Test
    void eachLineTypedIsAnEventWithHistoryAndCtrlDEnds(@TempDir Path home) throws Exception {
        Path es = EsScript.writeTo(Files.createDirectories(home.resolve("bin")));
        try (EsServer server = EsServer.start(ServerSettings.builder().port(0).token("t").build());
                ApiClient api = new ApiClient(server.url(), "t");
                SseRecorder sub = SseRecorder.open(api.url("/chat"))) {
            api.awaitConsumers("chat", 1);
            try (TerminalSession terminal = TerminalSession.start(
                    "sh -c '" + es + " publish chat; echo exited $?; sleep 60'",
                    Map.of("HOME", home.toString(), "ES_URL", server.url().toString(), "ES_TOKEN", "t",
                            "TERM", "xterm", "PATH", "/usr/bin:/bin"),
                    home)) {
                terminal.awaitScreen("Ctrl-D ends.");
                terminal.awaitScreen("chat>");
                terminal.send("hello there", "Enter");
                sub.assertData("hello there");
                // Keys go in only once the prompt is back: typed ahead, the terminal's line discipline takes them.
                terminal.awaitScreen(Pattern.compile("published as \\d+\\s*\\nchat>"));
                // Up recalls the line from history; editing it with the line editor works as in a shell.
                terminal.send("Up", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace", "again", "Enter");
                sub.assertData("hello again");
                terminal.awaitScreen(Pattern.compile("(?s)published as.*published as \\d+\\s*\\nchat>"));
                // Typed ahead, while the first is still being published: nothing is lost.
                terminal.send("three", "Enter", "four", "Enter");
                sub.assertData("three", "four");
                terminal.awaitScreen(Pattern.compile("(?s)(published as.*){4}\\d+\\s*\\nchat>"));
                terminal.send("C-d");
                terminal.awaitScreen("exited 0");
            }
        }
        Path historyFile = home.resolve(".config/es/history");
        String history = Files.readString(historyFile);
        assertTrue(history.contains("hello there") && history.contains("hello again"), history);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(historyFile)),
                "what was typed is the user's alone, as the config file is");
    }
}
