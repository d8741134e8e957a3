package dev.es.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An HTTP/2 client in clear text written frame by frame (RFC 9113), for what no library client lets a test do:
 * speak h2c by prior knowledge, and open streams with a flow-control window of a few bytes, then read nothing more.
 */
public final class RawH2c implements AutoCloseable {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;
    private static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String authority;
    private int nextStream = 1;

    private RawH2c(Socket socket, String authority) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.authority = authority;
    }

    /**
     * A connection to a loopback port that lets each stream receive at most {@code windowBytes} of data.
     */
    public static RawH2c connect(int port, int windowBytes) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(30_000);
        RawH2c h2c = new RawH2c(socket, "127.0.0.1:" + port);
        byte[] setting = {0, SETTINGS_INITIAL_WINDOW_SIZE, (byte) (windowBytes >>> 24), (byte) (windowBytes >>> 16),
            (byte) (windowBytes >>> 8), (byte) windowBytes};
        // The preface and the first SETTINGS in one write, as clients send them. Written apart, the server now and
        // then answered GOAWAY invalid_settings_frame in full runs (DESIGN.md, "Transport": suspected, not shown).
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        start.writeBytes(PREFACE);
        start.writeBytes(frameBytes(SETTINGS, 0, 0, setting));
        h2c.out.write(start.toByteArray());
        h2c.out.flush();
        return h2c;
    }

    /** Opens a GET stream with these extra headers (lower-case names); returns its stream id. */
    public int get(String path, Map<String, String> headers) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "GET");
        literal(block, ":scheme", "http");
        literal(block, ":authority", authority);
        literal(block, ":path", path);
        headers.forEach((name, value) -> literal(block, name, value));
        int stream = nextStream;
        nextStream += 2;
        frame(HEADERS, END_STREAM | END_HEADERS, stream, block.toByteArray());
        return stream;
    }

    /**
     * Reads frames until each of the given streams has received at least {@code bytes} of data; the server cannot
     * send more than the window allows.
     */
    public void awaitData(int bytes, int... streams) throws IOException {
        Map<Integer, Integer> received = new HashMap<>();
        for (int stream : streams) {
            received.put(stream, 0);
        }
        while (received.values().stream().anyMatch(got -> got < bytes)) {
            Frame frame = nextFrame(received);
            if (frame.type() == DATA) {
                received.computeIfPresent(frame.stream(), (id, got) -> got + frame.payload().length);
            }
        }
    }

    /** Reads frames until the data of each stream (the key) contains its text (the value). */
    public void awaitText(Map<Integer, String> expected) throws IOException {
        Map<Integer, StringBuilder> received = new HashMap<>();
        expected.keySet().forEach(stream -> received.put(stream, new StringBuilder()));
        while (expected.entrySet().stream().anyMatch(wanted -> received.get(wanted.getKey()).indexOf(wanted.getValue()) < 0)) {
            Frame frame = nextFrame(received);
            if (frame.type() == DATA && received.containsKey(frame.stream())) {
                received.get(frame.stream()).append(new String(frame.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    private record Frame(int type, int stream, byte[] payload) {}

    /** The next frame, with the server's settings acknowledged; a GOAWAY fails with its reason and what came so far. */
    private Frame nextFrame(Object soFar) throws IOException {
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (type == GOAWAY) {
            // Said, so that a connection the server ends fails the test with its reason, not a bare EOF.
            throw new IOException("the server sent GOAWAY: error " + ByteBuffer.wrap(payload, 4, 4).getInt() + ", "
                    + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) + "; data so far " + soFar);
        }
        if (type == SETTINGS && (flags & ACK) == 0) {
            frame(SETTINGS, ACK, 0, new byte[0]);
        }
        return new Frame(type, stream, payload);
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload));
        out.flush();
    }

    /** A frame's header and payload together, for one write. */
    private static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(9 + payload.length);
        frame.writeBytes(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
            (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
            (byte) stream});
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** A header field as an HPACK literal without indexing, with a new name and no Huffman coding (RFC 7541 §6.2.2). */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0);
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // An integer with a 7-bit prefix (RFC 7541 §5.1).
        if (bytes.length < 127) {
            block.write(bytes.length);
        } else {
            block.write(127);
            int rest = bytes.length - 127;
            while (rest >= 128) {
                block.write((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            block.write(rest);
        }
        block.writeBytes(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
