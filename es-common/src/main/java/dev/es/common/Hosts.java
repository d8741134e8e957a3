package dev.es.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What a host given on the command line is. */
public final class Hosts {

    private Hosts() {}

    /** Whether the host stands for every interface (0.0.0.0, ::): no client can connect to it as it is. */
    public static boolean isEveryInterface(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0");
    }

    /**
     * Whether the host is this machine's loopback.
     *
     * @throws EsException a usage error when there is no name (which Java would resolve to loopback) or it does
     *     not resolve
     */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            throw new EsException(EsException.USAGE, "no host name: give one, e.g. 127.0.0.1");
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new EsException(EsException.USAGE, "unknown host '" + host + "'");
        }
    }
}
