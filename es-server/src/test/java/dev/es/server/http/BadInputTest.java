package dev.es.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.es.common.ChannelName;
import dev.es.common.Event;
import dev.es.common.PublishBody;
import dev.es.server.EsServer;
import dev.es.server.ServerSettings;
import dev.es.server.testing.ApiClient;
import dev.es.server.testing.RawHttp;
import dev.es.server.testing.SseRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Input the seed accepts wrongly or not at all: each answers clearly and delivers nothing. */
class BadInputTest {

    private static EsServer server;
    private static ApiClient api;
    /** Follows the channel bad input is sent to, for the whole class: it must only ever see the markers. */
    private static SseRecorder victim;

    @BeforeAll
    static void start() throws Exception {
        // The default limits: what a user gets.
        server = EsServer.start(ServerSettings.builder().port(0).build());
        api = new ApiClient(server.url(), null);
        victim = SseRecorder.open(api.url("/victim"));
        api.awaitConsumers("victim", 1);
    }

    /** After every case: nothing reached the victim but its marker, nobody else is subscribed, the server answers. */
    @AfterEach
    void theVictimGetsOnlyItsMarkerAndTheServerStillAnswers(TestInfo test) throws Exception {
        String marker = "after " + test.getDisplayName();
        assertEquals(201, api.publish("victim", PublishBody.write(Event.of(marker))).statusCode(), "the server answers");
        assertEquals(marker, victim.nextEvent().data());
        assertEquals(false, victim.raw().contains("\nevent: forged") || victim.raw().contains("\ndata: forged"));
        assertEquals(1, server.consumerCountAll(), "nobody else subscribed");
    }

    @AfterAll
    static void stop() throws Exception {
        victim.close();
        api.close();
        server.stop();
    }

    @ParameterizedTest(name = "{0} -> 400")
    @CsvSource(delimiter = '|', textBlock = """
            {"id": 11, "data":                          | malformed JSON
            [1, 2]                                      | the body must be a JSON object
            {"id": 1}                                   | "data" is required and must be a string
            {"data": 5}                                 | "data" is required and must be a string
            {"data": null}                              | "data" is required and must be a string
            {"data": "x", "event": 3}                   | "event" must be a string
            {"data": "x", "id": true}                   | "id" must be a string or a number
            {"data": "x", "retry": -1}                  | "retry" must be a non-negative integer
            {"data": "x", "data": "y"}                  | malformed JSON: Duplicate field 'data'
            {"data": "x", "event": "a\\nevent: forged"} | event must not contain CR, LF or NUL
            {"data": "x", "event": "a\\revil"}          | event must not contain CR, LF or NUL
            {"data": "x", "id": "1\\r\\ndata: forged"}  | id must not contain CR, LF or NUL
            {"data": "x", "id": "1\\u0000"}             | id must not contain CR, LF or NUL
            {"data": "x", "id": "~AAAAAAAAAAAAAAAAAAAAAA"} | an id of ~ and 22 letters, digits, - or _ is kept for the digests
            """)
    void badBodiesAnswer400WithAReasonAndReachNoSubscriber(String body, String reason) throws Exception {
        HttpResponse<String> answer = api.publish("victim", body);
        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(true, answer.body().startsWith("{\"error\":\"" + reason.replace("\"", "\\\"")), answer.body());
    }

    @Test
    void anIdTooLongToComeBackInAHeaderIsRefused() throws Exception {
        String id = "x".repeat(Event.MAX_ID_LENGTH + 1);
        HttpResponse<String> answer = api.publish("victim", "{\"data\": \"x\", \"id\": \"" + id + "\"}");
        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals(true, answer.body().startsWith("{\"error\":\"id is 1025 characters long: at most 1024"), answer.body());
        assertEquals(201, api.publish("elsewhere", "{\"data\": \"x\", \"id\": \"" + id.substring(1) + "\"}").statusCode());
    }

    @ParameterizedTest(name = "Content-Type: {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            text/plain                         | 400
            text/plain; x=application/json     | 400
            application/jsonx                  | 400
            application/json                   | 201
            Application/JSON; charset=utf-8    | 201
            """)
    void onlyTheJsonMediaTypeIsAccepted(String contentType, int status) throws Exception {
        HttpResponse<String> answer = api.send(api.request("/ch")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"x\"}")));
        assertEquals(status, answer.statusCode());
        if (status == 400) {
            assertEquals("{\"error\":\"Content-Type must be application/json\"}", answer.body());
        }
    }

    @ParameterizedTest(name = "{0} /Bad -> 404")
    @CsvSource({"PUT", "OPTIONS", "DELETE", "HEAD"})
    void everyMethodOnWhatIsNotAChannelAnswers404(String method) throws Exception {
        assertEquals(404, api.send(api.request("/Bad").method(method, HttpRequest.BodyPublishers.noBody())).statusCode());
    }

    @Test
    void deeplyNestedAndInvalidUtf8BodiesAnswer400AndReachNoSubscriber() throws Exception {
        String nested = "{\"data\":" + "[".repeat(450) + "]".repeat(450) + "}";
        HttpResponse<String> deep = api.publish("victim", nested);
        assertEquals(400, deep.statusCode(), deep.body());
        byte[] invalid = {'{', '"', 'd', 'a', 't', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpResponse<String> notUtf8 = api.send(api.request("/victim")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(invalid)));
        assertEquals(400, notUtf8.statusCode(), notUtf8.body());
        assertEquals(true, notUtf8.body().startsWith("{\"error\":\"malformed JSON"), notUtf8.body());
    }

    @Test
    void dataWithCrLfCrLfNulAndALongLineIsDeliveredIntactAsDataLines() throws Exception {
        String data = "one\rtwo\nthree\r\nfour\u0000five " + "x".repeat(200_000);
        assertEquals(201, api.publish("victim", PublishBody.write(Event.of(data))).statusCode());
        // Every line end becomes its own data: line, which EventSource joins with LF.
        assertEquals("one\ntwo\nthree\nfour\u0000five " + "x".repeat(200_000), victim.nextEvent().data());
    }

    @Test
    void aBodyOverTheLimitAnswers413FromItsDeclaredLength() throws Exception {
        // HTTP/1.1: over HTTP/2 the answer is followed by a reset of the stream (its body is not read), which
        // java.net.http reports instead of the answer when the reset overtakes it.
        // Expect: 100-continue, as curl sends for a large body: answered from the length before a byte of it is
        // sent. Without it the client may still be sending when the 413 closes the connection, and Linux may then
        // reset the connection before the client reads the answer (seen 2 runs in 10 since publishes are answered
        // where Jetty parsed them; the closing note of 2026-12-07 carries it).
        HttpResponse<String> answer = api.send(api.request("/ch")
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"data\":\"" + "x".repeat((int) ServerSettings.DEFAULT_MAX_EVENT_BYTES) + "\"}")));
        assertEquals(413, answer.statusCode());
        assertEquals("{\"error\":\"the body exceeds the limit of 1048576 bytes (--max-event-bytes)\"}", answer.body());
    }

    @Test
    void aChunkedBodyOverTheLimitAnswers413WithoutReadingTheRest() throws Exception {
        try (Socket socket = new Socket(server.url().getHost(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /ch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n100001\r\n" + "x".repeat(0x100001) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The rest of the body never comes: the answer must not wait for it.
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(true, answer.startsWith("HTTP/1.1 413 "), answer);
            assertEquals(true, answer.contains("Connection: close"), answer);
        }
    }

    @ParameterizedTest(name = "GET {0} -> {1}")
    @CsvSource({"/Updates, 404", "/up.dates, 404", "/a/b, 404", "/a%2Fb, 404", "/all, 400"})
    void pathsThatAreNotChannelsAnswerWithoutSubscribing(String path, int status) throws Exception {
        HttpResponse<String> answer = api.send(api.request(path).GET());
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals(true, answer.body().startsWith("{\"error\":"), answer.body());
        assertEquals(1, server.consumerCountAll());
    }

    /**
     * Every method on paths that are not plainly a channel, over a raw socket (no client normalises them):
     * each answers with its status. ({@code POST /all} and {@code DELETE /all} reach every channel by design: PublishAndSubscribeTest, CloseTest.)
     */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            GET     | /up.dates          | 404
            POST    | /up.dates          | 404
            DELETE  | /up.dates          | 404
            HEAD    | /up.dates          | 404
            OPTIONS | /up.dates          | 404
            GET     | /..                | 400
            POST    | /../victim         | 400
            DELETE  | /%2e%2e/victim     | 400
            GET     | /a%2Fb             | 404
            POST    | /a%2Fb             | 404
            POST    | /a/b               | 404
            POST    | /Updates           | 404
            DELETE  | /Updates           | 404
            GET     | /                  | 200
            POST    | /                  | 404
            POST    | //                 | 404
            GET     | /LONG              | 404
            POST    | /LONG              | 404
            HEAD    | /LONG              | 404
            POST    | /ch%00             | 400
            GET     | /ch;x=1            | 404
            POST    | /ch;x=1            | 404
            GET     | /all               | 400
            GET     | /all?x=1           | 400
            HEAD    | /all               | 200
            OPTIONS | /all               | 204
            PUT     | /all               | 405
            PATCH   | /all               | 405
            POST    | /%75pdates?x=1     | 201
            PUT     | /%75pdates         | 405
            HEAD    | /ch?token=x&x=%00  | 200
            """)
    void everyMethodOnOddPathsAnswers(String method, String path, int status) throws Exception {
        // One more than the longest name: refused the same way by every method.
        String target = path.replace("LONG", "a".repeat(ChannelName.MAX_LENGTH + 1));
        String answer = RawHttp.exchange(server.url(), method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 12\r\nConnection: close\r\n\r\n{\"data\":\"x\"}");
        assertEquals(true, answer.startsWith("HTTP/1.1 " + status + " "), answer);
        if (status >= 400 && !method.equals("HEAD")) {
            assertEquals(true, answer.contains("{\"error\":"), answer);
        }
    }

    @ParameterizedTest(name = "{0} bytes declared -> 413 at once")
    @CsvSource({"10000000", "100000000"})
    void hugeDeclaredBodiesAreRefusedAgainstTheDefaultLimitWithoutBeingRead(long length) throws Exception {
        try (Socket socket = new Socket(server.url().getHost(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /ch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\n\r\n{\"data\":\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Nothing more of the body is sent: the answer must come from the declared length alone.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(true, answer.startsWith("HTTP/1.1 413 "), answer);
            assertEquals(true, answer.contains("the limit of " + ServerSettings.DEFAULT_MAX_EVENT_BYTES + " bytes"), answer);
        }
    }

    @Test
    void aHundredMegabytesStreamedWithoutALengthAreCutNearTheDefaultLimit() throws Exception {
        long limit = ServerSettings.DEFAULT_MAX_EVENT_BYTES;
        long hundredMegabytes = 100_000_000;
        long sent = 0;
        try (Socket socket = new Socket(server.url().getHost(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /ch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                while (sent < hundredMegabytes) {
                    out.write(chunk);
                    sent += 0x10000;
                }
            } catch (IOException closedByTheServer) {
                // What it should do once the limit is past: the rest is never read.
            }
            // The answer came before the close, and waits in this side's buffer.
            socket.setSoTimeout(5_000);
            assertEquals("HTTP/1.1 413", new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            assertEquals(true, sent < hundredMegabytes, "the server read all 100 MB");
            // The limit, plus what the kernel's socket buffers took before the close was seen.
            assertEquals(true, sent < limit + 32L * 1024 * 1024, "sent " + sent + " bytes before the close");
        }
    }

    @ParameterizedTest(name = "{0} -> 405")
    @CsvSource({"PUT", "PATCH"})
    void otherMethodsAnswer405WithAllow(String method) throws Exception {
        HttpResponse<String> answer =
                api.send(api.request("/ch").method(method, HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(405, answer.statusCode());
        assertEquals("GET, POST, DELETE, HEAD, OPTIONS", answer.headers().firstValue("Allow").orElseThrow());
    }
}
