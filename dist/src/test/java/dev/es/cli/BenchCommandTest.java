package dev.es.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.es.common.Json;
import dev.es.server.testing.RunningHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** es bench against a real hub: a small bounded run that must account for every delivery. */
class BenchCommandTest {

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.token("t"));

    @Test
    void aSmallRunDeliversEverythingAndSaysSoInJson() throws Exception {
        CliRun run = CliRun.of("bench", "--url", hub.url().toString(), "--token", "t",
                "-s", "20", "-c", "2", "-m", "50", "-p", "2", "--timeout", "30s", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertEquals(20, result.get("connected").asInt());
        assertEquals(50, result.get("published").asInt());
        // 25 events on each channel, 10 subscribers each.
        assertEquals(500, result.get("delivered").asInt());
        assertEquals(0, result.get("lost").asInt());
        assertEquals(0, result.get("duplicates").asInt());
        assertEquals(0, result.get("outOfOrder").asInt());
        assertTrue(result.get("p99").asDouble() > 0, run.out());
    }

    @Test
    void aBatchedRunSendsEventsManyToARequestAndEveryOneArrives() throws Exception {
        CliRun run = CliRun.of("bench", "--url", hub.url().toString(), "--token", "t",
                "-s", "30", "-c", "30", "-m", "300", "-p", "2", "--batch", "40", "--timeout", "30s", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertEquals(300, result.get("published").asInt());
        assertEquals(300, result.get("delivered").asInt(), "fan-out 1: each event reaches its channel's one subscriber");
        assertEquals(0, result.get("lost").asInt());
        assertEquals(0, result.get("outOfOrder").asInt());
        CliRun raw = CliRun.of("bench", "--url", hub.url().toString(), "--pub-mode", "raw", "--batch", "10", "-m", "1");
        assertEquals(2, raw.exitCode());
    }

    @Test
    void theReportForPeopleNamesEveryFigure() {
        CliRun run = CliRun.of("bench", "--url", hub.url().toString(), "--token", "t", "-s", "5", "-m", "10");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("es bench: 5 subscribers on 1 channel(s), 10 events of 100 B from 1 publisher(s)\n"
                + "connected    5/5 in "), run.out());
        assertTrue(run.out().contains("delivered    50   lost 0   duplicates 0   out of order 0\n"), run.out());
    }

    @Test
    void stalledSubscribersAreExtraAndCostTheOthersNothingOfWhatTheyReceive() throws Exception {
        CliRun run = CliRun.of("bench", "--url", hub.url().toString(), "--token", "t",
                "-s", "10", "-m", "20", "--stalled", "3", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertEquals(10, result.get("connected").asInt());
        assertEquals(200, result.get("delivered").asInt());
        assertEquals(0, result.get("lost").asInt());
    }

    @Test
    void onlyLoopbackUnlessAHostIsNamed() {
        CliRun refused = CliRun.of("bench", "--url", "http://10.1.2.3:8080", "-s", "1", "-m", "1");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().startsWith("es: es bench loads loopback only; name 10.1.2.3 with --allow-host to load it\n"),
                refused.err());
    }
}
