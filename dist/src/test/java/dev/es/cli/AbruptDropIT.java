package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.cli.testing.EsScript;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.Eventually;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 subscribers that vanish at once (their process killed with SIGKILL, so the kernel drops their
 * connections) leave nothing behind in es serve: its count returns to zero and its open files to what they
 * were.
 */
class AbruptDropIT {

    private static final int SUBSCRIBERS = 10_000;

    @Test
    void tenThousandSubscribersDroppedAbruptlyLeaveNoSubscriberAndNoFileOpen() throws Exception {
        try (ServeProcess serve = ServeProcess.start(Map.of(), "--port", "0");
                ApiClient api = new ApiClient(serve.url(), null)) {
            int before = serve.openFiles();
            Process bench = EsScript.process(Map.of(), "bench", "--url", serve.url().toString(), "-s",
                            Integer.toString(SUBSCRIBERS), "-m", "0", "--hold", "60s", "--timeout", "90s", "--json")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                api.awaitConsumers("bench-0", SUBSCRIBERS, Duration.ofSeconds(40));
                assertTrue(serve.openFiles() >= before + SUBSCRIBERS, "one open file per subscriber while they are there");
            } finally {
                bench.destroyForcibly();
                assertTrue(bench.waitFor(10, TimeUnit.SECONDS), "the load generator is gone");
            }
            api.awaitConsumers("bench-0", 0, Duration.ofSeconds(20));
            int after = Eventually.poll(serve::openFiles, files -> files <= before + 20, Duration.ofSeconds(20));
            assertTrue(after <= before + 20, "open files back to " + before + " within 20 s: " + after);
        }
    }
}
