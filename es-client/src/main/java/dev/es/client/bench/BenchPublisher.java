package dev.es.client.bench;

import dev.es.common.Event;
import dev.es.common.Protocol;
import dev.es.common.PublishBatch;
import dev.es.common.PublishBody;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One benchmark publisher: sends its share of the events (every K-th, starting at its index), each as soon
 * as the previous one is answered or at the paced rate, over a kept-alive raw socket (HttpURLConnection
 * wrote headers and body apart and managed 600 publishes/s here where this does several thousand). The data is
 * {@code publisher:event:sentNanos:} and padding up to the event size.
 */
final class BenchPublisher {

    private final LoadRun run;
    private final int index;
    private final BenchSettings settings;
    private Socket connection;
    private BufferedInputStream in;
    private boolean closeAfterAnswer;
    private String answerBody = "";

    BenchPublisher(LoadRun run, int index, BenchSettings settings) {
        this.run = run;
        this.index = index;
        this.settings = settings;
    }

    void run() {
        if (settings.batch() > 1) {
            runBatches();
            return;
        }
        long interval = settings.rate() > 0 ? (long) (1e9 * settings.publishers() / settings.rate()) : 0;
        long next = System.nanoTime();
        for (long event = index; event < settings.events() && run.publishing(); event += settings.publishers()) {
            if (interval > 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += interval;
            }
            String channel = settings.channel((int) (event % settings.channels()));
            try {
                publish(channel, data(event));
                run.published(channel);
            } catch (IOException | RuntimeException e) {
                run.publishFailed(new IOException(e.getMessage(), e));
                break;
            }
        }
        close();
    }

    /** Its share of the events, {@code batch} to a request (one line each), as fast as answers come. */
    private void runBatches() {
        long event = index;
        while (event < settings.events() && run.publishing()) {
            StringBuilder lines = new StringBuilder();
            List<String> channels = new ArrayList<>();
            for (int i = 0; i < settings.batch() && event < settings.events(); i++, event += settings.publishers()) {
                String channel = settings.channel((int) (event % settings.channels()));
                channels.add(channel);
                lines.append(PublishBatch.writeLine(new PublishBatch.Line(List.of(channel), Event.of(data(event))))).append('\n');
            }
            try {
                String answer = send(Protocol.PUBLISH_PATH, Protocol.NDJSON, lines.toString().getBytes(StandardCharsets.UTF_8));
                if (answer.contains("\"status\"")) {
                    throw new IOException("a batch line was refused: " + answer.lines().filter(l -> l.contains("\"status\"")).findFirst().orElse(""));
                }
                channels.forEach(run::published);
            } catch (IOException | RuntimeException e) {
                run.publishFailed(new IOException(e.getMessage(), e));
                break;
            }
        }
        close();
    }

    private String data(long event) {
        String head = index + ":" + event + ":" + System.nanoTime() + ":";
        return head + "x".repeat(Math.max(0, settings.size() - head.length()));
    }

    /**
     * One POST on this publisher's kept-alive socket, written in a single write (headers and body together, no
     * Nagle delay between them), its answer read whole.
     */
    private void publish(String channel, String data) throws IOException {
        byte[] body = (settings.rawPublish() ? data : PublishBody.write(Event.of(data))).getBytes(StandardCharsets.UTF_8);
        send(settings.pubPath().replace("{channel}", channel), settings.rawPublish() ? "text/plain" : Protocol.JSON, body);
    }

    /** One POST on this publisher's kept-alive socket; returns the answer's body. */
    private String send(String path, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(settings.url().getHost()).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        if (settings.token() != null) {
            head.append(Protocol.AUTH_TOKEN).append(": ").append(settings.token()).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        if (connection == null) {
            connection = new Socket();
            connection.setTcpNoDelay(true);
            connection.connect(new InetSocketAddress(settings.url().getHost(), BenchSettings.port(settings.url())), 10_000);
            in = new BufferedInputStream(connection.getInputStream());
        }
        connection.getOutputStream().write(request);
        int status = readAnswer();
        if (closeAfterAnswer) {
            // The server ends kept-alive connections after so many requests (nginx: 1000): open a new one.
            close();
            connection = null;
        }
        if (status / 100 != 2) {
            throw new IOException("publishing answered " + status);
        }
        return answerBody;
    }

    /**
     * Reads a status line, headers and a Content-Length or chunked body; returns the status. A body of known
     * length is kept in {@link #answerBody} (a batch's answer is read), a chunked one skipped.
     */
    private int readAnswer() throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        long length = 0;
        boolean chunked = false;
        closeAfterAnswer = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closeAfterAnswer = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line().strip(), 16); size > 0; size = Long.parseLong(line().strip(), 16)) {
                in.skipNBytes(size);
                line();
            }
            line();
            answerBody = "";
        } else {
            answerBody = new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
        }
        return status;
    }

    private String line() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the hub closed the publishing connection");
            }
            if (b != '\r') {
                text.append((char) b);
            }
        }
        return text.toString();
    }

    void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }
}
