package dev.es.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port free now, for a server that must be told its port before it starts (redis-server, a restart). */
public final class FreePort {

    private FreePort() {}

    public static int pick() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
