package dev.es.server.http;

import dev.es.common.ChannelName;
import org.eclipse.jetty.server.Request;

/** The channel a request's path names, for the Jetty handlers (Javalin's routes match their own paths). */
final class ChannelPath {

    private ChannelPath() {}

    /**
     * The channel {@code /{channel}} names, or null when the path is not one segment of a channel's name. Jetty
     * drops path parameters ({@code /ch;x=1} is {@code /ch} here) where Javalin's routes keep them: not a channel.
     */
    static String of(Request request) {
        String path = Request.getPathInContext(request);
        String channel = path.length() > 1 ? path.substring(1) : "";
        return request.getHttpURI().getParam() == null && ChannelName.isValid(channel) ? channel : null;
    }

    /** Whether the path is exactly this one, with no path parameters. */
    static boolean is(Request request, String path) {
        return request.getHttpURI().getParam() == null && Request.getPathInContext(request).equals(path);
    }
}
