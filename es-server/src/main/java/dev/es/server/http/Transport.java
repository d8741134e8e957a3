package dev.es.server.http;

import dev.es.common.PemFiles;
import dev.es.server.ServerSettings;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The protocols a connection may speak. Browsers open at most six HTTP/1.1 connections to a host, so a page
 * with more streams needs HTTP/2: over TLS it is negotiated (ALPN, h2 preferred), in clear text (h2c) a client
 * starts it directly (prior knowledge). An HTTP/1.1 request asking to upgrade to h2c is answered in HTTP/1.1.
 */
final class Transport {

    /**
     * Streams one HTTP/2 connection may carry at once: an SSE stream lasts, so the usual 100–128 would cap a
     * page or a proxy that multiplexes many subscribers.
     */
    static final int MAX_STREAMS = 1000;

    private Transport() {}

    /** HTTP/1.1 and h2c (prior knowledge); or, with a certificate, TLS carrying h2 or HTTP/1.1. */
    static ConnectionFactory[] connectionFactories(ServerSettings settings, HttpConfiguration http) {
        HttpConfiguration h2 = sessions(settings, http);
        if (!settings.tls()) {
            return new ConnectionFactory[] {new HttpConnectionFactory(http), http2(new PriorKnowledgeH2c(h2))};
        }
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        h2.addCustomizer(new SecureRequestCustomizer());
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        alpn.setDefaultProtocol("http/1.1");
        return new ConnectionFactory[] {
            new SslConnectionFactory(sslContext(settings), alpn.getProtocol()),
            alpn,
            http2(new HTTP2ServerConnectionFactory(h2)),
            new HttpConnectionFactory(https)
        };
    }

    /**
     * An HTTP/2 connection idle for its idle timeout is closed (GOAWAY), even with streams open: measured, a
     * quiet event stream was cut after --timeout. Keepalive comments come at least every two intervals, so a
     * connection idle for the timeout plus that is one whose client is gone or not reading.
     */
    private static HttpConfiguration sessions(ServerSettings settings, HttpConfiguration http) {
        HttpConfiguration h2 = new HttpConfiguration(http);
        h2.setIdleTimeout(http.getIdleTimeout() + 2 * settings.keepalive().toMillis());
        return h2;
    }

    private static ConnectionFactory http2(AbstractHTTP2ServerConnectionFactory factory) {
        factory.setMaxConcurrentStreams(MAX_STREAMS);
        // A stream with nothing to send is not idle in the sense of a timeout: measured, without this an event
        // stream quiet for --timeout was reset. The connection's idle timeout (below) still bounds a write
        // stalled by a client that stopped reading, as does the subscriber's queue.
        factory.setStreamIdleTimeout(0);
        return factory;
    }

    /**
     * h2c without the HTTP/1.1 upgrade: Jetty's switch of an upgraded connection now and then lost every frame
     * after the first (DESIGN.md, "Transport"), and prior knowledge never did.
     */
    private static final class PriorKnowledgeH2c extends HTTP2CServerConnectionFactory {
        PriorKnowledgeH2c(HttpConfiguration h2) {
            super(h2);
        }

        /** Called for the prior-knowledge preface (method PRI) and for an {@code Upgrade: h2c} header; null declines. */
        @Override
        public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
                HttpFields.Mutable response101) {
            return HttpMethod.PRI.is(request.getMethod()) ? super.upgradeConnection(connector, endPoint, request, response101)
                    : null;
        }
    }

    /** The certificate and key, loaded now so that a bad file fails the start with its own message. */
    private static SslContextFactory.Server sslContext(ServerSettings settings) {
        // The key store lives in memory only; its password guards nothing but is required.
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemFiles.serverKeyStore(settings.tlsCert(), settings.tlsKey(), password.toCharArray()));
        ssl.setKeyStorePassword(password);
        return ssl;
    }
}
