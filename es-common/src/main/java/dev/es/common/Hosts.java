package dev.es.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What a host given on the command line is. */
public final class Hosts {

    private Hosts() {}

    /**
     * Whether the host is this machine's loopback.
     *
     * @throws EsException a usage error when the name does not resolve
     */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new EsException(EsException.USAGE, "unknown host '" + host + "'");
        }
    }
}
