package dev.es.client.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Delivery latencies in log-linear buckets: values below 64 ns exactly, above that 32 buckets per power of
 * two (at most ~3% error on a percentile), in fixed memory whatever the run's size. Thread-safe; a run keeps
 * several and gives each subscriber one of them, so that thousands of readers do not contend on one.
 */
final class LatencyHistogram {

    private static final int DIRECT = 64;
    private static final int PER_OCTAVE = 32;
    private static final int OCTAVES = 58;

    private final AtomicLongArray counts = new AtomicLongArray(DIRECT + OCTAVES * PER_OCTAVE);
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(bucket(value));
        max.accumulateAndGet(value, Math::max);
    }

    long count() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The latency at or below which this fraction of deliveries fell. */
    long percentile(double fraction) {
        long total = count();
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < counts.length() && total > 0; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(upperBound(i), max.get());
            }
        }
        return max.get();
    }

    long max() {
        return max.get();
    }

    /** Adds another histogram's counts to this one (when the run is over). */
    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length(); i++) {
            counts.addAndGet(i, other.counts.get(i));
        }
        max.accumulateAndGet(other.max.get(), Math::max);
    }

    static int bucket(long value) {
        if (value < DIRECT) {
            return (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - 5;
        return DIRECT + (shift - 1) * PER_OCTAVE + (int) ((value >>> shift) - PER_OCTAVE);
    }

    static long upperBound(int bucket) {
        if (bucket < DIRECT) {
            return bucket;
        }
        int shift = (bucket - DIRECT) / PER_OCTAVE + 1;
        long top = (bucket - DIRECT) % PER_OCTAVE + PER_OCTAVE;
        return ((top + 1) << shift) - 1;
    }
}
