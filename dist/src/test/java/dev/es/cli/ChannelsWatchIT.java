package dev.es.cli;

import dev.es.cli.testing.EsScript;
import dev.es.cli.testing.TerminalSession;
import dev.es.common.Event;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** es channels --watch on a real terminal: the table redraws with counts and rates, q quits. */
class ChannelsWatchIT {

    @Test
    void theTableFollowsTheHubAndQQuits(@TempDir Path home) throws Exception {
        Path es = EsScript.writeTo(Files.createDirectories(home.resolve("bin")));
        try (EsServer server = EsServer.start(ServerSettings.builder().port(0).build());
                TerminalSession terminal = TerminalSession.start(
                        // Its stderr kept aside and shown after: no JVM or JLine warning may be in it.
                        "sh -c '" + es + " channels --watch 2>err; echo exited $?; echo \"stderr:$(cat err).\"; sleep 60'",
                        Map.of("HOME", home.toString(), "ES_URL", server.url().toString(), "TERM", "xterm",
                                "PATH", "/usr/bin:/bin"),
                        home)) {
            terminal.awaitScreen("CHANNEL");
            terminal.awaitScreen("0 channels, 0 consumers");
            // A steady publisher: the next redraws show the channel, its count, and a rate above zero.
            Thread publisher = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 60 && !Thread.currentThread().isInterrupted(); i++) {
                    server.publish("alpha", Event.of("tick " + i));
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            terminal.awaitScreen("1 channel, 0 consumers");
            terminal.awaitScreen(Pattern.compile("alpha\\s+0\\s+\\d+\\s+[1-9][0-9]*\\.\\d"));
            publisher.interrupt();
            terminal.send("q");
            terminal.awaitScreen("exited 0");
            terminal.awaitScreen("stderr:.");
        }
    }
}
