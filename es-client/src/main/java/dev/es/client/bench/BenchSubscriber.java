package dev.es.client.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One benchmark subscriber on a raw socket: asks for the stream, then scans the bytes for {@code data:} lines
 * written by a {@link BenchPublisher} ({@code publisher:event:sentNanos:…}) and times each delivery. It parses
 * bytes in place (HTTP/1.1 chunked framing included) and allocates nothing per event, so the load generator
 * is not what limits a run.
 */
final class BenchSubscriber {

    private final LoadRun run;
    private final LatencyHistogram latencies;
    private final String host;
    private final int port;
    private final String path;
    /** The last event index seen from each publisher: they send in increasing order. */
    private final long[] lastEvent;
    private volatile Socket socket;
    private volatile boolean connected;
    private volatile long lastDelivery;

    BenchSubscriber(LoadRun run, LatencyHistogram latencies, String host, int port, String path, int publishers) {
        this.run = run;
        this.latencies = latencies;
        this.host = host;
        this.port = port;
        this.path = path;
        this.lastEvent = new long[publishers];
        java.util.Arrays.fill(lastEvent, -1);
    }

    boolean isConnected() {
        return connected;
    }

    /** When this subscriber last received an event ({@link System#nanoTime()}), 0 if never. */
    long lastDelivery() {
        return lastDelivery;
    }

    /** Connects, reads until closed; reports the connection's outcome to the run. */
    void run() {
        try (Socket s = new Socket()) {
            socket = s;
            s.connect(new InetSocketAddress(host, port), 10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            boolean chunked = readHeaders(in);
            connected = true;
            run.connected();
            read(in, chunked);
        } catch (IOException e) {
            // After connecting, the stream ends when the run closes it (or the hub drops this subscriber,
            // which then shows as lost deliveries).
            if (!connected) {
                run.connectFailed(e);
            }
        }
    }

    void close() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }

    /** Reads the status line and headers; fails unless 200. Returns whether the body is chunked. */
    private static boolean readHeaders(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the hub closed the connection before answering");
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        String text = head.toString();
        if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
            throw new IOException("the hub answered " + text.lines().findFirst().orElse(""));
        }
        return text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
    }

    private void read(InputStream in, boolean chunked) throws IOException {
        // Small: there are thousands of readers, and each read returns what one or two writes sent.
        byte[] buffer = new byte[8 * 1024];
        ChunkState chunk = new ChunkState();
        LineState line = new LineState();
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (chunked && !chunk.payload(b)) {
                    continue;
                }
                line.accept(b, this);
            }
        }
    }

    /** A data line's fields, once parsed: publisher, event index, send time. */
    void delivered(int publisher, long event, long sentNanos) {
        long now = System.nanoTime();
        lastDelivery = now;
        if (publisher < 0 || publisher >= lastEvent.length) {
            return;
        }
        long last = lastEvent[publisher];
        if (event == last) {
            run.duplicate();
            return;
        }
        if (event < last) {
            run.outOfOrder();
        } else {
            lastEvent[publisher] = event;
        }
        latencies.record(now - sentNanos);
        run.delivered();
    }

    /** HTTP/1.1 chunked framing, byte by byte: says which bytes are payload. */
    private static final class ChunkState {
        private long remaining;
        private boolean inSize = true;
        private boolean sawCr;

        boolean payload(byte b) {
            if (!inSize) {
                if (remaining > 0) {
                    remaining--;
                    return true;
                }
                // the CRLF after a chunk's data
                if (b == '\n') {
                    inSize = true;
                }
                return false;
            }
            if (b == '\r') {
                sawCr = true;
            } else if (b == '\n' && sawCr) {
                inSize = false;
                sawCr = false;
            } else if (Character.digit(b, 16) >= 0 && !sawCr) {
                remaining = remaining * 16 + Character.digit(b, 16);
            }
            if (!inSize && remaining == 0) {
                // the last chunk: nothing more will come
                inSize = true;
            }
            return false;
        }
    }

    /** Finds {@code data:} lines and reads {@code publisher:event:nanos:} at their start, without strings. */
    private static final class LineState {
        private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
        private int column;
        private boolean isData;
        private int field;
        private long value;
        private final long[] fields = new long[3];

        void accept(byte b, BenchSubscriber subscriber) {
            if (b == '\n' || b == '\r') {
                column = 0;
                isData = false;
                return;
            }
            if (column < DATA.length) {
                isData = (column == 0 || isData) && b == DATA[column];
                column++;
                if (column == DATA.length && isData) {
                    field = 0;
                    value = 0;
                }
                return;
            }
            column++;
            if (!isData || field >= fields.length || b == ' ' && field == 0 && value == 0) {
                return;
            }
            if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
            } else if (b == ':') {
                fields[field++] = value;
                value = 0;
                if (field == fields.length) {
                    subscriber.delivered((int) fields[0], fields[1], fields[2]);
                }
            } else {
                field = fields.length;
            }
        }
    }
}
