package dev.es.client.cli;

import dev.es.client.EsClient;
import dev.es.common.EsException;
import dev.es.common.Event;
import dev.es.common.PublishBatch;
import dev.es.common.UserFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code es publish CHANNEL [DATA]}, {@code es publish CHANNEL... -- [DATA]}. */
@Command(
        name = "publish",
        sortOptions = false,
        description = {
            "Publish an event to a channel, or to several.",
            "",
            "'all' reaches every channel. The data comes from DATA, else -f FILE, else standard input; "
                    + "on a terminal with no data, a prompt publishes each line typed (history in "
                    + "~/.config/es/history). Data is UTF-8 text: other bytes are refused, naming where they are. "
                    + "Data that is empty or only white space is refused (exit 3) unless --allow-empty; with -l and "
                    + "at the prompt such lines are skipped.",
            "",
            "Standard output: the id each event was stored with, one line per event (with several channels, "
                    + "'CHANNEL ID' per channel), so id=$(es publish ch hi) works; nothing with -q.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  es publish updates 'Hello World!'",
            "  id=$(es publish updates 'Hello World!')   # the id it was stored with",
            "  es publish updates --id 7 --event greeting hello",
            "  date | es publish updates                # the whole input is one event",
            "  tail -f app.log | es publish -l logs     # one event per line, as lines come, batched",
            "  es publish all -f notice.txt",
            "  es publish u1 u2 u3 -- 'Your export is ready'   # several channels, one request"
        })
public final class PublishCommand implements Callable<Integer> {

    /** Lines sent in one request at most: a few hundred kilobytes of small events, answered in one go. */
    private static final int MAX_BATCH_LINES = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    EndpointOptions endpoint;

    @Parameters(arity = "1..*", paramLabel = "CHANNEL", description = {
        "The channel, or 'all', then the event's data (DATA), if given here.",
        "Several channels, then -- and DATA: es publish u1 u2 -- 'hello' (one request: POST /_es/v1/publish)."})
    List<String> words;

    /** Where it goes: one channel (or 'all'), or several. Set by {@link #readWords}. */
    private List<String> channels;
    /** The data given on the command line, or null. Set by {@link #readWords}. */
    private String data;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the data from FILE.")
    Path file;

    @Option(names = {"-l", "--lines"}, description = "Publish each line of standard input as its own event, as it arrives: "
            + "lines that come while a batch is on its way go in the next (POST /_es/v1/publish); a refused line is named "
            + "on stderr, and the exit code is the first refusal's.")
    boolean lines;

    @Option(names = "--allow-empty", description = "Publish data that is empty or only white space (refused by default: "
            + "grep ... | es publish alerts with no match publishes nothing and exits 3).")
    boolean allowEmpty;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on standard output (not the ids).")
    boolean quiet;

    @Option(names = "--id", paramLabel = "ID", description = "The event id, at most 1024 characters (default: the hub numbers it).")
    String id;

    @Option(names = "--event", paramLabel = "TYPE", description = "The event type (default: message).")
    String event;

    @Option(names = "--retry", paramLabel = "MILLIS", description = "Reconnection time to suggest to subscribers.")
    Long retry;

    @Override
    public Integer call() throws IOException {
        readWords();
        int sources = (data != null ? 1 : 0) + (file != null ? 1 : 0) + (lines ? 1 : 0);
        if (sources > 1) {
            throw new EsException(EsException.USAGE, "give the data one way: DATA, -f FILE or -l");
        }
        // Before any input is read: with -l the first line may be a long time coming.
        event("");
        EsClient client = new EsClient(endpoint.endpoint());
        boolean printIds = !quiet;
        if (lines) {
            publishLines(client, printIds);
        } else if (sources == 0 && Terminals.stdinIsTerminal()) {
            if (channels.size() > 1) {
                throw new EsException(EsException.USAGE, "several channels take their data as -- DATA, -f FILE, -l or "
                        + "standard input, not from a prompt");
            }
            return PublishPrompt.run(client, channels.getFirst(), this::event, this::worthPublishing,
                    EndpointOptions.config(spec).historyFile());
        } else {
            String payload = singleData();
            if (!worthPublishing(payload)) {
                throw new EsException(EsException.NOTHING_TO_PUBLISH, "nothing to publish: the data is "
                        + (payload.isEmpty() ? "empty" : "only white space") + " (--allow-empty publishes it)");
            }
            publish(client, payload, printIds);
        }
        return 0;
    }

    private String singleData() throws IOException {
        if (data != null) {
            return data;
        }
        if (file != null) {
            return UserFiles.utf8(UserFiles.read(file), file.toString());
        }
        String input = UserFiles.utf8(System.in.readAllBytes(), "standard input");
        // Like $(…) in a shell: the newline that ends the input is not part of the data.
        return input.endsWith("\n") ? input.substring(0, input.length() - (input.endsWith("\r\n") ? 2 : 1)) : input;
    }

    /** Whether data is an event to publish: not empty nor only white space, unless --allow-empty. */
    private boolean worthPublishing(String payload) {
        return allowEmpty || !payload.isBlank();
    }

    /**
     * Publishes each line of standard input, in batches ({@link EsClient#publish(List)}): the lines that arrive
     * while a batch is in flight form the next, so a slow line goes out at once and fast ones in few requests.
     * A line the hub refuses is named on standard error, and ends the command once its batch is answered.
     */
    private void publishLines(EsClient client, boolean printIds) throws IOException {
        BlockingQueue<Optional<String>> arrived = new LinkedBlockingQueue<>(MAX_BATCH_LINES * 4);
        AtomicReference<EsException> unreadable = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                readLines(System.in, arrived);
            } catch (EsException notText) {
                unreadable.set(notText);
            } catch (IOException | InterruptedException ended) {
                // Input gone: what came is published, as at its end.
            }
            arrived.add(Optional.empty());
        });
        long published = 0;
        boolean ended = false;
        while (!ended) {
            List<Optional<String>> next = new ArrayList<>();
            next.add(take(arrived));
            arrived.drainTo(next, MAX_BATCH_LINES - 1);
            List<PublishBatch.Line> batch = new ArrayList<>();
            for (Optional<String> line : next) {
                if (line.isEmpty()) {
                    ended = true;
                    break;
                }
                if (worthPublishing(line.get())) {
                    batch.add(new PublishBatch.Line(channels, event(line.get())));
                }
            }
            if (!batch.isEmpty()) {
                report(client, client.publish(batch), published, printIds);
                published += batch.size();
            }
        }
        if (unreadable.get() != null) {
            throw unreadable.get();
        }
        if (published == 0) {
            throw new EsException(EsException.NOTHING_TO_PUBLISH, "nothing to publish: no line of standard input "
                    + "had data (--allow-empty publishes blank lines)");
        }
    }

    /**
     * Hands on each line of the input as it ends (a newline, a CR before it, dropped), decoded by the rule that
     * -f and a whole standard input follow: a line that is not UTF-8 text ends the input, saying which.
     */
    private static void readLines(InputStream input, BlockingQueue<Optional<String>> arrived)
            throws IOException, InterruptedException {
        byte[] buffer = new byte[64 * 1024];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long number = 0;
        for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i - start);
                    arrived.put(Optional.of(decodedLine(line, ++number)));
                    start = i + 1;
                }
            }
            line.write(buffer, start, n - start);
        }
        if (line.size() > 0) {
            arrived.put(Optional.of(decodedLine(line, ++number)));
        }
    }

    private static String decodedLine(ByteArrayOutputStream line, long number) {
        byte[] bytes = line.toByteArray();
        line.reset();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return UserFiles.utf8(Arrays.copyOf(bytes, length), "standard input: line " + number);
    }

    private static Optional<String> take(BlockingQueue<Optional<String>> arrived) {
        try {
            return arrived.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Prints the ids (unless -q); names each refused line, then fails as the first refusal would alone. */
    private void report(EsClient client, List<PublishBatch.Result> results, long before, boolean printIds) {
        EsException first = null;
        int refused = 0;
        for (int i = 0; i < results.size(); i++) {
            PublishBatch.Result result = results.get(i);
            if (result.failed()) {
                EsException refusal = client.refusal(result.status(), result.error());
                spec.commandLine().getErr().println("es: line " + (before + i + 1) + ": " + refusal.getMessage());
                first = first == null ? refusal : first;
                refused++;
            } else if (printIds) {
                result.ids().forEach((channel, stored) ->
                        spec.commandLine().getOut().println(channels.size() > 1 ? channel + " " + stored : stored));
            }
        }
        spec.commandLine().getOut().flush();
        if (first != null) {
            throw new EsException(first.exitCode(), refused + (refused == 1 ? " line" : " lines") + " refused");
        }
    }

    /**
     * Splits the words given into channels and data: {@code CHANNEL [DATA]}, or {@code CHANNEL... -- [DATA]}.
     * Without {@code --} a third word is a mistake, not data: a shell splits unquoted data into words.
     */
    private void readWords() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dash = original.indexOf("--");
        if (dash >= 0) {
            int afterDash = original.size() - dash - 1;
            if (afterDash > 1) {
                throw new EsException(EsException.USAGE, "one DATA after --: quote data of several words ('hello world')");
            }
            channels = words.subList(0, words.size() - afterDash);
            data = afterDash == 1 ? words.getLast() : null;
        } else if (words.size() > 2) {
            throw new EsException(EsException.USAGE, "too many words: quote data of several words (es publish "
                    + words.getFirst() + " '" + String.join(" ", words.subList(1, words.size())) + "'); to publish to "
                    + "several channels: es publish " + String.join(" ", words.subList(0, 2)) + " -- DATA");
        } else {
            channels = words.subList(0, 1);
            data = words.size() == 2 ? words.get(1) : null;
        }
        if (channels.isEmpty()) {
            throw new EsException(EsException.USAGE, "name the channel to publish to before --");
        }
    }

    /** The event to send with this data and the options given. */
    private Event event(String payload) {
        String idProblem = Event.idProblem(id);
        if (idProblem != null) {
            throw new EsException(EsException.USAGE, idProblem);
        }
        try {
            return new Event(id, event, payload, retry);
        } catch (IllegalArgumentException e) {
            throw new EsException(EsException.USAGE, e.getMessage());
        }
    }

    /** One event: to one channel as a single publish, to several as a batch of one line. */
    private void publish(EsClient client, String payload, boolean printIds) {
        if (channels.size() > 1) {
            report(client, client.publish(List.of(new PublishBatch.Line(channels, event(payload)))), 0, printIds);
            return;
        }
        String stored = client.publish(channels.getFirst(), event(payload));
        if (stored != null && printIds) {
            spec.commandLine().getOut().println(stored);
            spec.commandLine().getOut().flush();
        }
    }
}
