package dev.es.server.http;

import dev.es.common.Hosts;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Refuses a request whose Host names another site: DNS rebinding (CWE-350). A page on attacker.example whose
 * name its owner makes resolve to 127.0.0.1 reaches a hub on its visitor's loopback as its own origin, so the
 * browser's same-origin rule does not stop it, but its requests still say {@code Host: attacker.example}. A hub
 * on loopback answers loopback names ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}) and the hosts
 * {@code --allowed-hosts} names; a hub on other addresses answers any host unless {@code --allowed-hosts} is
 * given. Names are compared as written, never resolved: the attacker controls their DNS.
 */
final class AllowedHosts extends Handler.Abstract.NonBlocking {

    /** Allows every host, as an entry of {@code --allowed-hosts}. */
    static final String ANY = "*";
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.[0-9]{1,3}){3}");

    private final Set<String> allowed;
    private final boolean anyHost;

    /**
     * @param boundHost the address the hub listens on
     * @param allowedHosts host names (no port) a request may name besides loopback's; empty for the default
     */
    AllowedHosts(String boundHost, List<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(AllowedHosts::bare).collect(Collectors.toSet());
        this.anyHost = allowed.contains(ANY) || (allowed.isEmpty() && !Hosts.isLoopback(boundHost));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // Jetty's host from the Host header (or :authority), its port and an IPv6 address's brackets apart.
        String host = request.getHttpURI().getHost();
        if (anyHost || host == null || isAllowed(bare(host))) {
            return false;
        }
        return JsonErrors.answer(response, callback, new ApiError(403, "this hub does not answer to the host '" + host
                + "': it answers to localhost, 127.0.0.1 and [::1]" + (allowed.isEmpty() ? "" : " and " + String.join(", ", allowed))
                + "; start it with --allowed-hosts to add names"));
    }

    private boolean isAllowed(String host) {
        return host.equals("localhost") || host.equals("::1") || LOOPBACK_V4.matcher(host).matches() || allowed.contains(host);
    }

    /** A host in lower case, an IPv6 address without its brackets. */
    private static String bare(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.startsWith("[") && lower.endsWith("]") ? lower.substring(1, lower.length() - 1) : lower;
    }
}
