package dev.es.server.http;

import dev.es.common.Protocol;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console's files, from the server's jar: a page, its script and its style, no build step. The page
 * only uses the API (the listing, EventSource, POST), so it shows what any client could see with the token.
 */
final class ConsoleRoutes {

    static final String PATH = Protocol.CONSOLE_PATH;

    private record File(String contentType, byte[] bytes) {}

    private static final Map<String, File> FILES = Map.of(
            "", load("index.html", "text/html; charset=utf-8"),
            "console.js", load("console.js", "text/javascript; charset=utf-8"),
            "console.css", load("console.css", "text/css; charset=utf-8"));

    private ConsoleRoutes() {}

    /** The page, at {@code /console} with or without its slash: its links are absolute. */
    static void page(Context ctx) {
        serve(ctx, "");
    }

    static void file(Context ctx) {
        serve(ctx, ctx.pathParam("file"));
    }

    private static void serve(Context ctx, String name) {
        File file = FILES.get(name);
        if (file == null) {
            throw new ApiError(404, "no console file '" + name + "'");
        }
        // Its own files only: nothing from elsewhere runs in a page that holds the token. Framed by no page
        // (frame-ancestors, and X-Frame-Options for browsers without it): another site could make its buttons
        // a click target (clickjacking).
        ctx.header("Content-Security-Policy",
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(file.contentType()).result(file.bytes());
    }

    private static File load(String name, String contentType) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/dev/es/server/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the console's " + name + " is missing from the jar");
            }
            return new File(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
