package dev.es.client.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What one load run does.
 *
 * @param url the hub publishers publish to, and subscribers subscribe to unless {@code subscribeUrls} are given
 * @param subscribeUrls hubs the subscribers spread over in turn (several servers sharing channels); empty: url
 * @param rate events per second over all publishers, 0 for as fast as answers come
 * @param stalled extra subscribers (on the first channel) that never read, to see what they cost the others
 * @param hold how long the connected subscribers stay idle before publishing starts (to measure them idle)
 * @param rawPublish the body is the data itself (nchan's publisher) rather than the es JSON
 * @param batch events per request: more than 1 goes through es's batch publish
 */
public record BenchSettings(
        URI url,
        List<URI> subscribeUrls,
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
        String channelPrefix,
        int batch) {

    public BenchSettings {
        if (subscribers < 1 || stalled < 0 || channels < 1 || events < 0 || size < 0 || publishers < 1 || connectRate <= 0
                || batch < 1) {
            throw new IllegalArgumentException("subscribers, channels, publishers, the batch and the connect rate must be "
                    + "positive; events and size not negative");
        }
        subscribeUrls = subscribeUrls.isEmpty() ? List.of(url) : List.copyOf(subscribeUrls);
    }

    /** The hub the i-th subscriber subscribes to. */
    URI subscribeUrl(int i) {
        return subscribeUrls.get(i % subscribeUrls.size());
    }

    /** The port to connect to: the URL's, else its scheme's. */
    static int port(URI target) {
        return target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
    }

    String channel(int index) {
        return channelPrefix + "-" + index;
    }
}
