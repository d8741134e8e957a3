package dev.es.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay to a real server that a test can cut and mend: the network between one es serve and
 * Redis failing while Redis itself, and every other server's link to it, stays up. Cut, it closes every
 * relayed connection and refuses new ones.
 */
public final class TcpLink implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private boolean cut;

    private TcpLink(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-link-accept").start(this::accept);
    }

    /** A relay from a free loopback port to the given one. */
    public static TcpLink to(int targetPort) throws IOException {
        return new TcpLink(targetPort);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public synchronized void cut() {
        cut = true;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    public synchronized void mend() {
        cut = false;
    }

    @Override
    public void close() throws IOException {
        cut();
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
                } catch (IOException refused) {
                    // The target is down: the client sees its connection end, as it would without the link.
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                // Checked and registered under the lock cut() takes, so no connection slips past a cut.
                synchronized (this) {
                    if (cut) {
                        closeQuietly(client);
                        closeQuietly(server);
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            } catch (IOException closed) {
                // The listener closed: the loop ends.
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // One side closed or was cut.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyClosed) {
            // Nothing to do.
        }
    }
}
