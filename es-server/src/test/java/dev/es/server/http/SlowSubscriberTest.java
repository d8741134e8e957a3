package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.Event;
import dev.es.server.testing.RunningHub;
import dev.es.server.testing.SseRecorder;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlowSubscriberTest {

    private static final long QUEUE_BYTES = 64 * 1024;

    @RegisterExtension
    final RunningHub hub = RunningHub.with(s -> s.queueBytes(QUEUE_BYTES));

    /** A subscriber that asks for a stream and then never reads from its socket. */
    private Socket stalledSubscriber(String channel) throws Exception {
        Socket stalled = new Socket();
        // A tiny receive window: the server's writes to it soon stop making progress.
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress(hub.server().url().getHost(), hub.server().port()));
        OutputStream out = stalled.getOutputStream();
        out.write(("GET /" + channel + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return stalled;
    }


    @Test
    void aSubscriberThatNeverReadsIsDroppedAloneWhileOthersReceiveEverything() throws Exception {
        try (Socket stalled = stalledSubscriber("burst")) {
            try (SseRecorder healthy = SseRecorder.open(hub.api().url("/burst"))) {
                hub.api().awaitConsumers("burst", 2);
                // 400 events of 32 KiB: far more than the stalled reader's socket buffers and its queue hold.
                // In lockstep with the healthy reader, so that only the stalled one can fall behind.
                String data = "x".repeat(32 * 1024);
                for (int i = 0; i < 400; i++) {
                    hub.server().publish("burst", Event.of(data + i));
                    assertEquals(data + i, healthy.nextEvent().data());
                }
                hub.api().awaitConsumers("burst", 1);
            }
        }
    }

    @Test
    void aWriteThatMakesNoProgressForTheTimeoutDropsTheSubscriber() throws Exception {
        // A queue large enough never to overflow here: only the stalled write can end this subscriber.
        hub.restart(s -> s.queueBytes(1L << 30).timeout(Duration.ofMillis(300)));
        try (Socket stalled = stalledSubscriber("stuck")) {
            hub.api().awaitConsumers("stuck", 1);
            String data = "x".repeat(32 * 1024);
            for (int i = 0; i < 400; i++) {
                hub.server().publish("stuck", Event.of(data));
            }
            hub.api().awaitConsumers("stuck", 0);
        }
    }

    @Test
    void anIdleStreamOutlivesTheWriteTimeout() throws Exception {
        // The timeout is for writes that make no progress; a stream with nothing to write has none pending.
        hub.restart(s -> s.timeout(Duration.ofMillis(200)).keepalive(Duration.ofMinutes(1)));
        try (SseRecorder quiet = SseRecorder.open(hub.api().url("/quiet"))) {
            hub.api().awaitConsumers("quiet", 1);
            Thread.sleep(1_000);
            hub.server().publish("quiet", Event.of("still here"));
            quiet.assertData("still here");
        }
    }
}
