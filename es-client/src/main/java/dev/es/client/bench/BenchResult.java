package dev.es.client.bench;

/**
 * What a load run measured. Latencies in milliseconds; {@code lost} counts deliveries expected (each event
 * published to a channel, times the subscribers connected to it) that did not arrive.
 */
public record BenchResult(
        int subscribers,
        int connected,
        long connectMillis,
        long published,
        long delivered,
        long lost,
        long duplicates,
        long outOfOrder,
        double deliveriesPerSecond,
        double p50,
        double p90,
        double p99,
        double max,
        String firstError) {}
