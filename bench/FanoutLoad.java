/*
 * A first, bounded load tool: N subscribers on one channel, M events published one after another as fast as
 * the hub answers, every delivery timed. Run with the JDK's source launcher (no build needed):
 *
 *   java bench/FanoutLoad.java --url http://127.0.0.1:8080 --subscribers 1000 --events 2000 --size 100
 *
 * Each event's data starts with the publisher's System.nanoTime(); subscribers on the same machine read the
 * same monotonic clock, so delivery latency needs no clock sync. Loopback targets only. `es bench` replaces it.
 */

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class FanoutLoad {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of(
                "--url", "http://127.0.0.1:8080", "--subscribers", "1000", "--events", "2000",
                "--size", "100", "--channel", "bench", "--token", "", "--timeout", "120"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opts.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            opts.put(args[i], args[i + 1]);
        }
        URI url = URI.create(opts.get("--url"));
        if (!InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
            throw new IllegalArgumentException("loopback targets only: " + url.getHost());
        }
        int subscribers = Integer.parseInt(opts.get("--subscribers"));
        int events = Integer.parseInt(opts.get("--events"));
        int size = Integer.parseInt(opts.get("--size"));
        String channel = opts.get("--channel");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(opts.get("--timeout")));

        long[][] latencies = new long[subscribers][events];
        int[] received = new int[subscribers];
        AtomicLong outOfOrder = new AtomicLong();
        CountDownLatch connected = new CountDownLatch(subscribers);
        CountDownLatch done = new CountDownLatch(subscribers);
        Socket[] sockets = new Socket[subscribers];
        long connectStart = System.nanoTime();
        for (int s = 0; s < subscribers; s++) {
            int me = s;
            sockets[s] = new Socket(url.getHost(), url.getPort());
            Thread.ofVirtual().start(() -> subscribe(sockets[me], channel, latencies[me], received, me, events,
                    outOfOrder, connected, done));
        }
        if (!connected.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("subscribers did not connect in time");
        }
        long connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart);
        awaitConsumers(url, channel, subscribers, opts.get("--token"), deadline);

        String padding = "x".repeat(Math.max(0, size - 20));
        long start = System.nanoTime();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int e = 0; e < events && System.nanoTime() < deadline; e++) {
                String body = "{\"data\":\"" + System.nanoTime() + " " + padding + "\"}";
                HttpRequest.Builder post = HttpRequest.newBuilder(url.resolve("/" + channel))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (!opts.get("--token").isEmpty()) {
                    post.header("Auth-Token", opts.get("--token"));
                }
                HttpResponse<Void> answer = http.send(post.build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() != 201) {
                    throw new IllegalStateException("publish answered " + answer.statusCode());
                }
            }
        }
        long publishedNanos = System.nanoTime() - start;
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        long elapsed = System.nanoTime() - start;
        for (Socket socket : sockets) {
            socket.close();
        }

        long delivered = Arrays.stream(received).asLongStream().sum();
        long[] all = new long[(int) delivered];
        int at = 0;
        for (int s = 0; s < subscribers; s++) {
            System.arraycopy(latencies[s], 0, all, at, received[s]);
            at += received[s];
        }
        Arrays.sort(all);
        System.out.printf(
                "subscribers=%d events=%d size=%dB connect=%dms published=%.0f/s delivered=%d lost=%d out_of_order=%d "
                        + "deliveries_per_s=%.0f p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms%n",
                subscribers, events, size, connectMillis, events / (publishedNanos / 1e9), delivered,
                (long) subscribers * events - delivered, outOfOrder.get(), delivered / (elapsed / 1e9),
                pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static void subscribe(Socket socket, String channel, long[] latencies, int[] received, int me,
            int events, AtomicLong outOfOrder, CountDownLatch connected, CountDownLatch done) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /" + channel + " HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            connected.countDown();
            long lastSent = 0;
            // Chunked transfer framing lines are skipped: only "data: <nanos> ..." lines matter here.
            for (String line = in.readLine(); line != null && received[me] < events; line = in.readLine()) {
                if (line.startsWith("data: ")) {
                    int space = line.indexOf(' ', 6);
                    long sent = Long.parseLong(line.substring(6, space < 0 ? line.length() : space));
                    if (sent < lastSent) {
                        outOfOrder.incrementAndGet();
                    }
                    lastSent = sent;
                    latencies[received[me]++] = System.nanoTime() - sent;
                }
            }
        } catch (Exception closed) {
            // closed at the end of the run, or by the hub
        } finally {
            done.countDown();
        }
    }

    private static void awaitConsumers(URI url, String channel, int expected, String token, long deadline)
            throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                HttpRequest.Builder head = HttpRequest.newBuilder(url.resolve("/" + channel))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody());
                if (!token.isEmpty()) {
                    head.header("Auth-Token", token);
                }
                String count = http.send(head.build(), HttpResponse.BodyHandlers.discarding())
                        .headers().firstValue("X-Consumer-Count").orElse("0");
                if (Integer.parseInt(count) >= expected) {
                    return;
                }
                Thread.sleep(Duration.ofMillis(50));
            }
        }
        throw new IllegalStateException("the hub did not count " + expected + " subscribers in time");
    }
}
