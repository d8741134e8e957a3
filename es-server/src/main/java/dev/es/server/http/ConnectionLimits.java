package dev.es.server.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Connections open at once, in all and per client address, counted as the connector opens and closes them.
 * A connection that opens past a limit has each request answered at once (503 past the total, 429 past its
 * client's), with Retry-After, and is closed; nothing else is done for it. The ones opened before it go on.
 * First in the handler sequence.
 */
final class ConnectionLimits extends Handler.Abstract implements Connection.Listener {

    private final int total;
    private final int perClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> byClient = new ConcurrentHashMap<>();
    private final ConcurrentMap<Connection, InetAddress> clients = new ConcurrentHashMap<>();
    /** Connections opened past a limit: true past the server's, false past their client's. */
    private final ConcurrentMap<Connection, Boolean> over = new ConcurrentHashMap<>();

    ConnectionLimits(int total, int perClient) {
        super(InvocationType.NON_BLOCKING);
        this.total = total;
        this.perClient = perClient;
    }

    @Override
    public void onOpened(Connection connection) {
        int all = open.incrementAndGet();
        InetAddress client = address(connection.getEndPoint().getRemoteSocketAddress());
        int mine = 0;
        if (client != null) {
            clients.put(connection, client);
            mine = byClient.computeIfAbsent(client, address -> new AtomicInteger()).incrementAndGet();
        }
        // The connections that came past a limit are the ones refused; those before them go on.
        if (all > total) {
            over.put(connection, Boolean.TRUE);
        } else if (mine > perClient) {
            over.put(connection, Boolean.FALSE);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.decrementAndGet();
        over.remove(connection);
        // Its address as it opened: a closed socket no longer tells it.
        InetAddress client = clients.remove(connection);
        if (client != null) {
            byClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() == 0 ? null : count);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Boolean serverFull = over.get(request.getConnectionMetaData().getConnection());
        if (serverFull == null) {
            return false;
        }
        return serverFull
                ? refuse(response, callback, 503, "this server holds its limit of " + total
                        + " connections (--max-connections); try again later")
                : refuse(response, callback, 429, "this address holds its limit of " + perClient
                        + " connections (--max-connections-per-client); close some, or try again later");
    }

    private static boolean refuse(Response response, Callback callback, int status, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return JsonErrors.answer(response, callback, new ApiError(status, message, true));
    }

    private static InetAddress address(SocketAddress socket) {
        return socket instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
