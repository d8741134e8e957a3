package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.es.common.Event;
import dev.es.server.testing.RawH2c;
import dev.es.server.testing.RunningHub;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reader that asks for a whole history and then reads nothing holds little of the server's memory: each
 * stream's next write is bounded, however many channels and events it resumes. The hub runs in this JVM, so
 * its heap is measured directly.
 */
class UnreadStreamMemoryTest {

    private static final int CHANNELS = 100;
    private static final int EVENTS = 1000;
    private static final int STREAMS = 8;
    /** Before the bound, each of these streams made the server build ~470 MB at once. */
    private static final long MOST_HELD = 64L * 1024 * 1024;
    private static final String PREFIX = "q".repeat(38);

    @RegisterExtension
    final RunningHub hub = RunningHub.withDefaults();

    private String resumeEveryChannelFromTheStart;

    @BeforeEach
    void fillHistory() {
        StringBuilder id = new StringBuilder("c=" + channel(0));
        for (int c = 0; c < CHANNELS; c++) {
            for (int e = 0; e < EVENTS; e++) {
                hub.server().publish(channel(c), Event.of("event " + e));
            }
            id.append('&').append(channel(c)).append("=0");
        }
        resumeEveryChannelFromTheStart = id.toString();
    }

    @Test
    void unreadStreamsResumingEveryChannelOverHttp11HoldLittle() throws Exception {
        long before = usedHeapAfterGc();
        List<Socket> readers = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                Socket reader = new Socket();
                reader.setReceiveBufferSize(4096);
                reader.setSoTimeout(30_000);
                reader.connect(new InetSocketAddress("127.0.0.1", hub.server().port()));
                readers.add(reader);
                OutputStream out = reader.getOutputStream();
                out.write(("GET /_es/v1/stream?channel=" + PREFIX + "* HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: "
                        + resumeEveryChannelFromTheStart + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // Some of the replay arrives: the server has made its first write, then the reader stops.
                InputStream in = reader.getInputStream();
                String arrived = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                // Each replayed event's id is its channel and one place, not a position in every channel.
                String firstId = arrived.substring(arrived.indexOf("\nid: ") + 5, arrived.indexOf('\n', arrived.indexOf("\nid: ") + 1));
                assertTrue(firstId.length() < 100, firstId);
            }
            assertHeldAtMost(before);
        } finally {
            for (Socket reader : readers) {
                reader.close();
            }
        }
    }

    @Test
    void unreadStreamsResumingEveryChannelOnOneH2cConnectionHoldLittle() throws Exception {
        long before = usedHeapAfterGc();
        // A window of the hello (13 bytes) and one more: a byte of the replay shows the server made its write.
        try (RawH2c connection = RawH2c.connect(hub.server().port(), 14)) {
            int[] streams = new int[STREAMS];
            for (int i = 0; i < STREAMS; i++) {
                streams[i] = connection.get("/_es/v1/stream?channel=" + PREFIX + "*",
                        Map.of("last-event-id", resumeEveryChannelFromTheStart));
            }
            connection.awaitData(14, streams);
            assertHeldAtMost(before);
        }
    }

    private static void assertHeldAtMost(long before) {
        long held = usedHeapAfterGc() - before;
        assertTrue(held < MOST_HELD, STREAMS + " unread streams hold " + held / 1024 / 1024 + " MiB of the heap");
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static String channel(int c) {
        return PREFIX + String.format("-%04d", c);
    }
}
