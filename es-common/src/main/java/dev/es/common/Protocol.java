package dev.es.common;

/** Header, query and path names of the HTTP API, in one place for server and client. */
public final class Protocol {

    /** The publisher's token, as the seed server names it. */
    public static final String AUTH_TOKEN = "Auth-Token";

    public static final String CONSUMER_COUNT = "X-Consumer-Count";
    public static final String CHANNEL_EXISTS = "X-Channel-Exists";
    /** Written {@code [a,b]}: sorted, no spaces, no quotes — clients of the seed parse exactly that. */
    public static final String AVAILABLE_CHANNELS = "X-Available-Channels";

    /** The header a reconnecting EventSource sends (WHATWG HTML §9.2.4). */
    public static final String LAST_EVENT_ID = "Last-Event-ID";
    /**
     * On a stream that resumed from a Last-Event-ID: {@code exact} when it replays exactly what was missed,
     * {@code gap} when events in between are gone (an {@link #GAP_EVENT} then comes first).
     */
    public static final String REPLAY_HEADER = "Es-Replay";
    /** The event that says a resume has a gap: {@code {"lastEventId", "resumedAfter"}} (and "channel" on a merged stream). */
    public static final String GAP_EVENT = "es-gap";
    /** The same as a query parameter, for clients that cannot set headers. */
    public static final String LAST_EVENT_ID_PARAM = "lastEventId";

    public static final String EVENT_STREAM = "text/event-stream";
    public static final String JSON = "application/json";

    /**
     * Everything the server offers besides channels lives under this two-segment prefix: a channel route is
     * one segment, so no channel name is ever taken away.
     */
    public static final String RESERVED_PREFIX = "/_es/v1";

    /** GET: every channel as JSON, {@code [{"name","consumers","events","lastEventAt"}]}. */
    public static final String CHANNELS_PATH = RESERVED_PREFIX + "/channels";
    /** Several channels on one stream: {@code ?channel=a&channel=b}, or a prefix {@code ?channel=news-*}. */
    public static final String STREAM_PATH = RESERVED_PREFIX + "/stream";
    /** Many events in one request: one JSON object a line, {@link PublishBatch}. */
    public static final String PUBLISH_PATH = RESERVED_PREFIX + "/publish";
    /**
     * The field that carries an event's own id on a stream of several channels, whose {@code id:} is the stream's
     * resume point: a field EventSource ignores, as the standard says of any it does not know.
     */
    public static final String EVENT_ID_FIELD = "es-id";
    /** Newline-delimited JSON: a batch publish's body and its answer. */
    public static final String NDJSON = "application/x-ndjson";
    /** The web console: a page a person opens. */
    public static final String CONSOLE_PATH = RESERVED_PREFIX + "/console";
    /** Prometheus metrics, in its text format. */
    public static final String METRICS_PATH = RESERVED_PREFIX + "/metrics";
    /** 200 while the process serves at all. */
    public static final String LIVE_PATH = RESERVED_PREFIX + "/health/live";
    /** 200 while the server takes subscribers and publishes (stopping, or Redis away: 503). */
    public static final String READY_PATH = RESERVED_PREFIX + "/health/ready";

    /** The largest publish body a hub accepts by default: 1 MiB, far above any notification. */
    public static final long DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

    private Protocol() {}
}
