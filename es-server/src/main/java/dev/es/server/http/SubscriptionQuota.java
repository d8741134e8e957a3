package dev.es.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Subscriptions one client (an address) holds at once, across its connections and streams: a stream of several
 * channels holds one per channel. One HTTP/2 connection may carry a thousand streams of a hundred channels each;
 * without this one client could follow (and so make) a hundred thousand channels.
 */
final class SubscriptionQuota {

    private final int perClient;
    private final ConcurrentMap<String, Integer> held = new ConcurrentHashMap<>();

    SubscriptionQuota(int perClient) {
        this.perClient = perClient;
    }

    /**
     * Takes {@code count} subscriptions for the client, to be given back by {@link #release} when its stream ends.
     *
     * @throws ApiError 429 when the client would hold more than its quota
     */
    void take(String client, int count) {
        held.compute(client, (key, now) -> {
            int total = (now == null ? 0 : now) + count;
            if (total > perClient) {
                throw new ApiError(429, client + " follows " + (total - count) + " channels on its streams, and one client"
                        + " follows at most " + perClient + " (--max-subscriptions-per-client); try again once some end");
            }
            return total;
        });
    }

    void release(String client, int count) {
        held.computeIfPresent(client, (key, now) -> now > count ? now - count : null);
    }
}
