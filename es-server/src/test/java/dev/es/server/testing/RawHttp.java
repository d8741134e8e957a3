package dev.es.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Bytes sent as they are, for requests no HTTP client would send (odd paths, hostile headers, bad framing). */
public final class RawHttp {

    private RawHttp() {}

    /** Sends the request on a connection of its own; what came back within 5 s of silence, as text. */
    public static String exchange(URI server, String request) throws IOException {
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException | SocketException endedOrKept) {
                // Kept open (an answer with keep-alive) or reset after the answer: what came is the answer.
            }
            return answer.toString();
        }
    }
}
