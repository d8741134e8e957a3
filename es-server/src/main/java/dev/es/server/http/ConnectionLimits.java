package dev.es.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Connections open at once, in all and per client address, counted as the connector opens and closes them.
 * A connection that opens past a limit has its request answered at once (503 past the total, 429 past its
 * client's), with Retry-After, and is closed; nothing else is done for it. The ones opened before it go on.
 * First in the handler sequence.
 *
 * <p>What is counted is sockets: Jetty opens several connections on one (with TLS, the TLS connection and
 * the HTTP one on it; ALPN's between them), each of which this listener hears of.
 */
final class ConnectionLimits extends Handler.Abstract implements Connection.Listener {

    /**
     * One socket: its client, its verdict (null within the limits, else whether it came past the server's),
     * and how many of Jetty's connections are open on it; changed only inside the map's compute.
     */
    private static final class Socket {
        final InetAddress client;
        final Boolean over;
        /** Whether an HTTP/2 connection on it was told to go: once, whatever the streams refused on it. */
        final AtomicBoolean toldToGo = new AtomicBoolean();
        int connections;

        Socket(InetAddress client, Boolean over) {
            this.client = client;
            this.over = over;
        }
    }

    private final int total;
    private final int perClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> byClient = new ConcurrentHashMap<>();
    /** Keyed by the socket's own end point, which its address cannot be: a closed socket no longer tells it. */
    private final ConcurrentMap<EndPoint, Socket> sockets = new ConcurrentHashMap<>();

    ConnectionLimits(int total, int perClient) {
        super(InvocationType.NON_BLOCKING);
        this.total = total;
        this.perClient = perClient;
    }

    @Override
    public void onOpened(Connection connection) {
        sockets.compute(socketOf(connection.getEndPoint()), (endPoint, known) -> {
            Socket socket = known != null ? known : admit(endPoint);
            socket.connections++;
            return socket;
        });
    }

    @Override
    public void onClosed(Connection connection) {
        sockets.computeIfPresent(socketOf(connection.getEndPoint()), (endPoint, socket) -> {
            if (--socket.connections > 0) {
                return socket;
            }
            open.decrementAndGet();
            if (socket.client != null) {
                byClient.computeIfPresent(socket.client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
            }
            return null;
        });
    }

    /** Counts a new socket; the ones that come past a limit are the ones refused, those before them go on. */
    private Socket admit(EndPoint endPoint) {
        int all = open.incrementAndGet();
        InetAddress client = endPoint.getRemoteSocketAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        int mine = client == null ? 0 : byClient.computeIfAbsent(client, address -> new AtomicInteger()).incrementAndGet();
        return new Socket(client, all > total ? Boolean.TRUE : mine > perClient ? Boolean.FALSE : null);
    }

    /** The end point of the socket itself: a TLS connection's decrypted end point sits on it. */
    private static EndPoint socketOf(EndPoint endPoint) {
        return endPoint instanceof SslConnection.SslEndPoint tls ? socketOf(tls.getSslConnection().getEndPoint()) : endPoint;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Socket socket = sockets.get(socketOf(request.getConnectionMetaData().getConnection().getEndPoint()));
        if (socket == null || socket.over == null) {
            return false;
        }
        return socket.over
                ? refuse(socket, request, response, callback, 503, "this server holds its limit of " + total
                        + " connections (--max-connections); try again later")
                : refuse(socket, request, response, callback, 429, "this address holds its limit of " + perClient
                        + " connections (--max-connections-per-client); close some, or try again later");
    }

    /**
     * Answers, and closes the connection: HTTP/1.1 by {@code Connection: close}. On HTTP/2 that header means
     * nothing, and its client would send every request on the refused connection for as long as it lasted: once
     * the first refusal on it is answered, it is told to go (GOAWAY) and, that written, its output is shut, so
     * that the client closes it and its place is free at once (with GOAWAY alone, or Jetty's graceful shutdown,
     * java.net.http kept it open, counted). A refusal answered on it after that may not reach its client, which
     * was told to go.
     */
    private static boolean refuse(Socket socket, Request request, Response response, Callback callback, int status, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Callback answered = request.getConnectionMetaData().getConnection() instanceof HTTP2Connection h2
                && socket.toldToGo.compareAndSet(false, true)
                // Told to go once the answer is written, or could not be.
                ? Callback.from(callback, () -> tellToGo(h2, message))
                : callback;
        return JsonErrors.answer(response, answered, new ApiError(status, message));
    }

    private static void tellToGo(HTTP2Connection connection, String why) {
        connection.getSession().close(ErrorCode.NO_ERROR.code, why, Callback.from(connection.getEndPoint()::shutdownOutput));
    }
}
