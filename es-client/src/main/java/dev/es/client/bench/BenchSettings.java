package dev.es.client.bench;

import java.net.URI;
import java.time.Duration;

/**
 * What one load run does.
 *
 * @param rate events per second over all publishers, 0 for as fast as answers come
 * @param stalled extra subscribers (on the first channel) that never read, to see what they cost the others
 * @param hold how long the connected subscribers stay idle before publishing starts (to measure them idle)
 * @param rawPublish the body is the data itself (nchan's publisher) rather than the es JSON
 */
public record BenchSettings(
        URI url,
        String token,
        int subscribers,
        int stalled,
        int channels,
        long events,
        int size,
        double rate,
        int publishers,
        double connectRate,
        Duration duration,
        Duration hold,
        Duration timeout,
        boolean rawPublish,
        String subPath,
        String pubPath,
        String channelPrefix) {

    public BenchSettings {
        if (subscribers < 1 || stalled < 0 || channels < 1 || events < 0 || size < 0 || publishers < 1 || connectRate <= 0) {
            throw new IllegalArgumentException("subscribers, channels, publishers and the connect rate must be "
                    + "positive; events and size not negative");
        }
    }

    /** The port to connect to: the URL's, else its scheme's. */
    int port() {
        return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    String channel(int index) {
        return channelPrefix + "-" + index;
    }
}
