package dev.es.client.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One benchmark run: connect the subscribers (paced), publish (as fast as answers come, or at a rate), wait
 * for every delivery or the deadline, and measure. Every wait is bounded by the run's timeout.
 */
public final class LoadRun {

    /** How often progress is reported and completion checked. */
    private static final long POLL_MILLIS = 100;
    private static final int STRIPES = 64;

    private final BenchSettings settings;
    /** Striped: each subscriber records into one, by its number, so that readers rarely contend. */
    private final LatencyHistogram[] latencies = new LatencyHistogram[STRIPES];
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger connectFailures = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final Map<String, AtomicLong> publishedPerChannel = new ConcurrentHashMap<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean publishing = true;

    public LoadRun(BenchSettings settings) {
        this.settings = settings;
        for (int i = 0; i < STRIPES; i++) {
            latencies[i] = new LatencyHistogram();
        }
    }

    /** Runs the load; {@code progress} hears a one-line status about every 10 ms while it waits. */
    public BenchResult execute(Consumer<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        List<BenchSubscriber> subscribers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < settings.subscribers() && System.nanoTime() < deadline; i++) {
            String path = settings.subPath().replace("{channel}", settings.channel(i % settings.channels()));
            URI hub = settings.subscribeUrl(i);
            BenchSubscriber subscriber = new BenchSubscriber(
                    this, latencies[i % STRIPES], hub.getHost(), BenchSettings.port(hub), path, settings.publishers());
            subscribers.add(subscriber);
            readers.add(Thread.ofVirtual().name("bench-sub-" + i).start(subscriber::run));
            long due = connectStart + (long) ((i + 1) * 1e9 / settings.connectRate());
            pause(due - System.nanoTime());
            if (i % 100 == 0) {
                progress.accept("connecting " + connected.get() + "/" + settings.subscribers());
            }
        }
        while (connected.get() + connectFailures.get() < subscribers.size() && System.nanoTime() < deadline) {
            progress.accept("connecting " + connected.get() + "/" + settings.subscribers());
            Thread.sleep(POLL_MILLIS / 10);
        }
        long connectMillis = (System.nanoTime() - connectStart) / 1_000_000;
        List<Socket> stalled = openStalled();
        long holdUntil = Math.min(deadline, System.nanoTime() + settings.hold().toNanos());
        while (System.nanoTime() < holdUntil) {
            progress.accept("holding " + connected.get() + " idle subscribers");
            pause(Math.min(holdUntil - System.nanoTime(), POLL_MILLIS * 1_000_000));
        }

        long publishStart = System.nanoTime();
        long publishDeadline = Math.min(deadline, publishStart + settings.duration().toNanos());
        List<Thread> publishers = new ArrayList<>();
        for (int k = 0; k < settings.publishers(); k++) {
            BenchPublisher publisher = new BenchPublisher(this, k, settings);
            publishers.add(Thread.ofVirtual().name("bench-pub-" + k).start(publisher::run));
        }
        for (Thread publisher : publishers) {
            while (publisher.isAlive()) {
                if (System.nanoTime() > publishDeadline) {
                    publishing = false;
                }
                progress.accept("published " + published.get() + "/" + settings.events() + ", delivered " + delivered.sum());
                publisher.join(POLL_MILLIS);
            }
        }
        long expected = expected(subscribers);
        while (delivered.sum() < expected && System.nanoTime() < deadline) {
            progress.accept("published " + published.get() + ", delivered " + delivered.sum() + "/" + expected);
            Thread.sleep(POLL_MILLIS / 10);
        }
        subscribers.forEach(BenchSubscriber::close);
        for (Socket socket : stalled) {
            closeQuietly(socket);
        }
        for (Thread reader : readers) {
            reader.join(1000);
        }
        long got = delivered.sum();
        long lastDelivery = subscribers.stream().mapToLong(BenchSubscriber::lastDelivery).max().orElse(publishStart);
        double seconds = Math.max(1e-9, (Math.max(lastDelivery, publishStart) - publishStart) / 1e9);
        LatencyHistogram all = new LatencyHistogram();
        for (LatencyHistogram stripe : latencies) {
            all.add(stripe);
        }
        return new BenchResult(settings.subscribers(), connected.get(), connectMillis, published.get(), got,
                Math.max(0, expected - got), duplicates.get(), outOfOrder.get(), got / seconds,
                millis(all.percentile(0.50)), millis(all.percentile(0.90)),
                millis(all.percentile(0.99)), millis(all.max()), firstError.get());
    }

    /**
     * Subscribers that ask for the first channel's stream and never read it, with a small receive window so
     * that the hub's writes to them stop making progress soon.
     */
    private List<Socket> openStalled() {
        List<Socket> sockets = new ArrayList<>();
        String path = settings.subPath().replace("{channel}", settings.channel(0));
        for (int i = 0; i < settings.stalled(); i++) {
            Socket socket = new Socket();
            try {
                socket.setReceiveBufferSize(4096);
                URI hub = settings.subscribeUrl(i);
                socket.connect(new InetSocketAddress(hub.getHost(), BenchSettings.port(hub)), 10_000);
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + hub.getHost()
                        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            } catch (IOException e) {
                closeQuietly(socket);
                connectFailed(e);
            }
        }
        return sockets;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    /** Each channel's published events times the subscribers that got connected to it. */
    private long expected(List<BenchSubscriber> subscribers) {
        long total = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            AtomicLong events = publishedPerChannel.get(settings.channel(i % settings.channels()));
            if (subscribers.get(i).isConnected() && events != null) {
                total += events.get();
            }
        }
        return total;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void pause(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }

    boolean publishing() {
        return publishing;
    }

    void connected() {
        connected.incrementAndGet();
    }

    void connectFailed(IOException e) {
        firstError.compareAndSet(null, "subscribing: " + e.getMessage());
        connectFailures.incrementAndGet();
    }

    void publishFailed(IOException e) {
        firstError.compareAndSet(null, "publishing: " + e.getMessage());
    }

    void published(String channel) {
        published.incrementAndGet();
        publishedPerChannel.computeIfAbsent(channel, c -> new AtomicLong()).incrementAndGet();
    }

    void delivered() {
        delivered.increment();
    }

    void duplicate() {
        duplicates.incrementAndGet();
    }

    void outOfOrder() {
        outOfOrder.incrementAndGet();
    }
}
