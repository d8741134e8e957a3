package dev.es.server.hub;

import dev.es.common.ChannelName;
import dev.es.common.ChannelStatus;
import dev.es.common.Event;
import dev.es.common.SseFrames;
import dev.es.server.broker.Broker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The hub: channels, their subscribers and history, and the fan-out of events. It knows nothing of HTTP;
 * the server's routes and embedding programs call it alike.
 *
 * <p>A channel exists while it has subscribers or retained history. Publishing to {@code all} reaches every
 * existing channel; closing {@code all} closes every channel.
 */
public final class Hub implements Broker.Sink {

    /** The least a subscriber of a stopping server is told to wait before it comes back. */
    public static final Duration COME_BACK_AFTER = Duration.ofMillis(500);
    /** One line in the log for a steady shedding of history, not one per publish. */
    private static final Duration SHED_REPORT_EVERY = Duration.ofSeconds(10);

    private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();
    /**
     * The names of {@link #channels}, sorted, for prefix lookups that touch only what they match: changed only
     * inside the map's compute for that name, so that it and the map agree.
     */
    private final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();
    /** How many of the channels now held each client made (by address), for {@link HubLimits#channelsPerClient}. */
    private final ConcurrentMap<String, Integer> made = new ConcurrentHashMap<>();
    /** Streams following channels by prefix, each told of the channels made since it opened. */
    private final Set<PrefixWatch> prefixWatches = ConcurrentHashMap.newKeySet();
    /**
     * The hub's order: every event stored takes its next number as its place ({@link Frame#seq}), which is also
     * the id of an event published without one. Microseconds since the epoch when the hub started, then counting
     * up: a channel closed and created again, or a restarted server, so never hands out an id a client already
     * saw — its Last-Event-ID would otherwise skip events.
     */
    private final AtomicLong ids = new AtomicLong(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
    private final Broker broker;
    private final LongAdder published = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    /** Set by {@link #shutdown()}: nothing joins or is published after it. */
    private volatile boolean shutDown;
    private final HubLimits limits;
    private final HistoryBudget budget;
    private final HistoryStore store;
    /** Told, at most every {@link #SHED_REPORT_EVERY}, how much history the budget shed. */
    private final Consumer<String> warnings;
    private final AtomicLong shedUnreported = new AtomicLong();
    private volatile long lastShedReportNanos = System.nanoTime() - SHED_REPORT_EVERY.toNanos();

    /**
     * @param broker where publishes and closes go, to reach every server sharing the channels
     * @param limits what the hub holds at most
     */
    public Hub(Broker broker, HubLimits limits) {
        this(broker, limits, warning -> {});
    }

    /**
     * @param warnings told in a line when history is shed to keep within its budget
     */
    public Hub(Broker broker, HubLimits limits, Consumer<String> warnings) {
        this(broker, limits, warnings, HistoryStore.NONE);
    }

    /**
     * @param store where each event is made durable before it is delivered, and let go of as its channel's history
     *     lets it go ({@link HistoryStore#NONE}: nowhere)
     */
    public Hub(Broker broker, HubLimits limits, Consumer<String> warnings, HistoryStore store) {
        this.broker = Objects.requireNonNull(broker);
        this.limits = Objects.requireNonNull(limits);
        this.store = Objects.requireNonNull(store);
        this.budget = new HistoryBudget(limits.historyBudget());
        this.warnings = Objects.requireNonNull(warnings);
        broker.connect(this);
    }

    /**
     * Publishes an event to a channel, or to every channel through {@code all}. Never waits on a subscriber.
     *
     * @return the event as stored, with its id (for {@code all}, as given: each channel numbers it itself)
     * @throws InvalidInputException for a name that is not a channel's, or an id no client could come back with
     *     ({@link Event#idProblem}): every publish, over HTTP or not, is checked here
     */
    public Event publish(String channel, Event event) {
        return publish(channel, event, null);
    }

    /**
     * As {@link #publish(String, Event)}, for a client whose channels made are counted against
     * {@link HubLimits#channelsPerClient}.
     *
     * @param maker who publishes (its address), or null for a publisher the hub does not bound (its token's holder)
     * @throws LimitReachedException when the event would make a channel past a limit
     */
    public Event publish(String channel, Event event, String maker) {
        try {
            return publishAsync(channel, event, maker).join();
        } catch (CompletionException e) {
            throw failureOf(e);
        }
    }

    /** What a publish's future failed with, as the hub threw it: a later stage of the future wraps it. */
    public static RuntimeException failureOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                ? wrapped.getCause() : failure;
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /**
     * As {@link #publish(String, Event, String)}, without waiting: the event is delivered at once, or, where the
     * hub keeps history on disk, once it is durable (the future completes then, on the store's thread: what runs
     * there must not wait for another publish, which would wait for that very thread).
     *
     * @return the event as stored, once delivered; failed when it could not be stored
     * @throws InvalidInputException for a name or id refused at once
     * @throws LimitReachedException when the event would make a channel past a limit
     * @throws HubStoppedException when the hub is stopping
     */
    public CompletableFuture<Event> publishAsync(String channel, Event event, String maker) {
        requireValid(channel);
        String idProblem = Event.idProblem(event.id());
        if (idProblem != null) {
            throw new InvalidInputException(idProblem);
        }
        requireRunning();
        boolean made = false;
        if (publishMakesChannel()) {
            requireRoomFor(channel, maker);
            made = maker != null && !channels.containsKey(channel);
        }
        CompletableFuture<Event> stored = broker.publish(channel, event);
        if (made) {
            // Taken in this thread (one server) the channel is here now; with --redis it may come later, unclaimed.
            channels.computeIfPresent(channel, (name, existing) -> claim(existing, maker));
        }
        if (stored.isDone() && !stored.isCompletedExceptionally()) {
            published.increment();
            return stored;
        }
        return stored.whenComplete((accepted, failure) -> {
            if (failure == null) {
                published.increment();
            }
        });
    }

    /**
     * Whether every server sharing the channels sees their events in the one order of {@link Frame#seq}, so that a
     * stream of several channels can resume all of them from one place (one server: yes; with Redis: no, each
     * server numbers its own).
     */
    public boolean ordersAcrossChannels() {
        return broker.ordersAcrossChannels();
    }

    /**
     * The place below which every event of these subscriptions' channels has been offered to them already: an
     * event of theirs below it that a subscription has not handed out is in its queue. Read the places' next
     * number first, then each channel's publish in progress ({@link Channel#placing}).
     */
    public long orderedBelow(List<Subscription> subscriptions) {
        long below = ids.get();
        for (Subscription subscription : subscriptions) {
            below = Math.min(below, subscription.channelPlacing());
        }
        return below;
    }

    /** Whether this server takes subscribers and publishes now: not stopping, and its broker connected. */
    public boolean ready() {
        return !shutDown && broker.connected();
    }

    /** Events this server accepted from publishers since it started. */
    public long published() {
        return published.sum();
    }

    /** Events other servers' publishes sent this server through Redis since it started (0 alone). */
    public long receivedFromBroker() {
        return broker.eventsReceived();
    }

    /** Frames this server queued for its subscribers since it started: one per event and subscriber. */
    public long delivered() {
        return delivered.sum();
    }

    /** Subscribers of this server now. */
    public int localSubscribers() {
        return channels.values().stream().mapToInt(Channel::subscriberCount).sum();
    }

    /** Channels this server holds now. */
    public int localChannels() {
        return channels.size();
    }

    /**
     * Events this server holds in memory for replay now, over all its channels (with a store, a channel's kept
     * events count once it has read them).
     */
    public long retained() {
        return channels.values().stream().mapToLong(Channel::retained).sum();
    }

    /**
     * Subscribes to a channel, for a consumer that blocks in {@link Subscription#take}.
     *
     * @param lastEventId the id of the last event the subscriber saw, or null; the retained events after it
     *     are queued first (all of them for an empty id: it joined before the channel's first event)
     */
    public Subscription subscribe(String channel, String lastEventId) {
        return subscribe(channel, lastEventId, () -> {});
    }

    /**
     * Subscribes to a channel, for a consumer that {@link Subscription#poll}s: after a poll that found nothing,
     * {@code wake} runs once when a frame arrives or the subscription closes. It runs on the publisher's thread
     * under the hub's locks, so it must only hand the work on (to an executor), never write or block.
     */
    public Subscription subscribe(String channel, String lastEventId, Runnable wake) {
        return subscribe(channel, lastEventId, wake, null);
    }

    /**
     * As {@link #subscribe(String, String, Runnable)}, for a client whose channels made are counted against
     * {@link HubLimits#channelsPerClient}.
     *
     * @param maker who subscribes (its address), or null for one the hub does not bound
     */
    public Subscription subscribe(String channel, String lastEventId, Runnable wake, String maker) {
        requireValid(channel);
        if (channel.equals(ChannelName.ALL)) {
            throw new InvalidInputException(ChannelName.ALL_IS_RESERVED);
        }
        requireRunning();
        requireRoomFor(channel, maker);
        broker.follow(channel, lastEventId);
        try {
            Subscription subscription = new Subscription(channel, limits.queueBytes(), wake);
            if (lastEventId != null) {
                readKeptOutsideMap(channel);
            }
            // Joined inside compute so that a channel being forgotten as idle cannot swallow the join.
            channels.compute(channel, (name, existing) -> {
                // Checked again here: a shutdown that began since would not reach a channel made now.
                requireRunning();
                Channel joined = existing != null ? existing : claim(newChannel(name), maker);
                joined.join(subscription, lastEventId);
                return joined;
            });
            // A join may have read what the store kept of its channel.
            shedHistory();
            return subscription;
        } finally {
            broker.release(channel);
        }
    }

    /**
     * Takes back a channel whose events a history store kept before a restart: it exists from now on, and its
     * events are read from the store when it is first asked for. Called at start, before the hub takes publishes
     * or subscribers.
     */
    public void restore(HistoryStore.KeptChannel kept) {
        channels.compute(kept.name(), (name, existing) -> {
            Channel target = existing != null ? existing : newChannel(name);
            target.keptBefore(kept);
            return target;
        });
        orderFrom(kept.newestPlace() + 1);
    }

    /**
     * Whether publishing to the channel may first wait for the disk: with a store, a channel not read since the
     * start reads what the store kept of it ({@code all}: any may).
     */
    public boolean mayReadStore(String channel) {
        return store != HistoryStore.NONE && (channel.equals(ChannelName.ALL) || unread(channel) != null);
    }

    /**
     * Delivers the events a history store made durable through this runner, one task per sync
     * ({@link HistoryStore#tellThrough}): set by the server before the first publish.
     */
    public void deliverDurableThrough(Executor runner) {
        store.tellThrough(runner);
    }

    /** Numbers events from at least this place on: a store's record of the places it gave before a restart. */
    public void orderFrom(long next) {
        ids.accumulateAndGet(next, Math::max);
    }

    /**
     * A channel's retained events after an id (all of them for null), oldest first, at most {@code limit}, without
     * subscribing. A channel another server holds (with {@code --redis}) is followed here first, as a subscriber's
     * would be, so that its history is read from where every server keeps it.
     */
    public HistoryPage history(String channel, String afterId, int limit) {
        requireValid(channel);
        boolean followed = channels.containsKey(channel) || broker.status(channel) != null;
        if (followed) {
            broker.follow(channel, afterId);
        }
        try {
            Channel found = channels.get(channel);
            if (found == null) {
                return new HistoryPage(List.of(), afterId == null ? null : new Resume(false, null));
            }
            History.Replay replay = found.replay(afterId == null ? "" : afterId);
            shedHistory();
            return new HistoryPage(replay.frames().stream().limit(limit).map(Frame::bytes).toList(),
                    afterId == null ? null : replay.resume());
        } finally {
            if (followed) {
                broker.release(channel);
            }
        }
    }

    /** Removes a subscription whose subscriber went away; forgets its channel when nothing is left in it. */
    public void unsubscribe(Subscription subscription) {
        channels.computeIfPresent(subscription.channel(), (name, channel) -> {
            channel.leave(subscription);
            return channel.isIdle() ? forget(channel) : channel;
        });
    }

    /** The channel with its subscribers on every server, or null when it exists nowhere. */
    public ChannelStatus status(String channel) {
        return broker.status(channel);
    }

    /** Whether the channel exists on any server sharing this hub's channels. */
    public boolean channelExists(String channel) {
        return status(channel) != null;
    }

    /** Subscribers of the channel on every server. */
    public int consumerCount(String channel) {
        ChannelStatus found = status(channel);
        return found == null ? 0 : found.consumers();
    }

    /** Subscribers of every channel on every server. */
    public int consumerCountAll() {
        return broker.statuses().stream().mapToInt(ChannelStatus::consumers).sum();
    }

    /** The existing channels of every server, sorted. */
    public List<String> channels() {
        return broker.statuses().stream().map(ChannelStatus::name).toList();
    }

    /**
     * The existing channels of every server whose names start with the prefix and that {@code wanted} accepts,
     * sorted, at most {@code limit}.
     */
    public List<String> channelsStartingWith(String prefix, Predicate<String> wanted, int limit) {
        return broker.channelsStartingWith(prefix, wanted, limit);
    }

    /** Who is told of the channels made from now on whose names start with a prefix. Identity matters: a class. */
    private static final class PrefixWatch {
        final String prefix;
        final Consumer<String> made;

        PrefixWatch(String prefix, Consumer<String> made) {
            this.prefix = prefix;
            this.made = made;
        }
    }

    /**
     * Tells {@code made} the name of each channel made from now on whose name starts with the prefix: here, or
     * (with {@code --redis}) on another server, when its first event is announced here. It runs under the hub's
     * locks, so it must only hand the name on. The returned action ends the watch.
     */
    public Runnable watchPrefix(String prefix, Consumer<String> made) {
        PrefixWatch watch = new PrefixWatch(prefix, made);
        prefixWatches.add(watch);
        return () -> prefixWatches.remove(watch);
    }

    @Override
    public void announced(String channel) {
        if (!prefixWatches.isEmpty() && !channels.containsKey(channel)) {
            tellWatches(channel);
        }
    }

    private void tellWatches(String channel) {
        for (PrefixWatch watch : prefixWatches) {
            if (channel.startsWith(watch.prefix)) {
                watch.made.accept(channel);
            }
        }
    }

    /** Every channel of every server with its counts, sorted by name, as the JSON listing shows them. */
    public List<ChannelStatus> statuses() {
        return broker.statuses();
    }

    @Override
    public List<String> localChannelsStartingWith(String prefix, Predicate<String> wanted, int limit) {
        // '~' sorts after every character a channel's name may hold.
        return names.subSet(prefix, prefix + "~").stream().filter(wanted).limit(limit).toList();
    }

    @Override
    public ChannelStatus localStatus(String channel) {
        Channel found = channels.get(channel);
        return found == null ? null : found.status();
    }

    @Override
    public boolean holds(String channel) {
        // Through the map's lock for the channel: a forget under way (its compute) is seen once it is done.
        return channels.computeIfPresent(channel, (name, held) -> held) != null;
    }

    @Override
    public List<ChannelStatus> localStatuses() {
        return channels.values().stream()
                .map(Channel::status)
                .sorted(Comparator.comparing(ChannelStatus::name))
                .toList();
    }

    @Override
    public Map<String, Integer> localSubscriberCounts() {
        Map<String, Integer> counts = new HashMap<>();
        channels.forEach((name, channel) -> {
            int subscribers = channel.subscriberCount();
            if (subscribers > 0) {
                counts.put(name, subscribers);
            }
        });
        return counts;
    }

    /** Closes a channel ({@code all}: every channel): its subscribers are disconnected, its history dropped. */
    public void close(String channel) {
        requireValid(channel);
        broker.closeChannel(channel);
    }

    /**
     * Disconnects every subscriber of this server, as the server stops, each told with a last {@code retry:}
     * to come back (to another server) after a time of its own between {@link #COME_BACK_AFTER} and twice
     * that, so that they do not all reconnect at once.
     */
    public void shutdown() {
        shutDown = true;
        Supplier<byte[]> comeBack = () -> SseFrames.retry(
                COME_BACK_AFTER.toMillis() + ThreadLocalRandom.current().nextLong(COME_BACK_AFTER.toMillis() + 1));
        for (String name : channels.keySet()) {
            Channel channel = remove(name);
            if (channel != null) {
                channel.closeAll(CloseReason.SHUTDOWN, comeBack);
            }
        }
    }

    @Override
    public CompletableFuture<Event> deliver(String channel, Event event) {
        List<Subscription> dropped = new ArrayList<>(0);
        CompletableFuture<Event> stored;
        if (channel.equals(ChannelName.ALL)) {
            List<CompletableFuture<Event>> each = new ArrayList<>();
            for (String name : channels.keySet()) {
                each.add(publishTo(name, event, false, dropped));
                // Each channel may have read what a store kept of it: the budget holds all along.
                shedHistory();
            }
            stored = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(all -> event);
        } else {
            stored = publishTo(channel, event, publishMakesChannel(), dropped);
        }
        // After every lock is released: aborting closes connections, shedding takes other channels' locks.
        dropped.forEach(Subscription::abort);
        shedHistory();
        // An event delivered once durable grows the history then.
        return stored.isDone() ? stored : stored.whenComplete((delivered, failure) -> shedHistory());
    }

    /** Bytes every channel's history holds now, each event's overhead counted (see {@link HubLimits#historyBudget}). */
    public long historyBytes() {
        return budget.bytes();
    }

    /** Events dropped from history to keep within the budget since the hub started. */
    public long historyShed() {
        return budget.shedEvents();
    }

    /**
     * Drops the events stored longer ago than the history TTL, and forgets the channels left with neither
     * history nor subscribers. The server calls it every few seconds.
     */
    public void expireHistory(long nowMillis) {
        long cutoff = nowMillis - limits.historyTtl().toMillis();
        for (String name : channels.keySet()) {
            channels.computeIfPresent(name, (key, channel) -> {
                channel.dropStoredBefore(cutoff);
                return channel.isIdle() ? forget(channel) : channel;
            });
        }
    }

    /** Keeps history within its budget, oldest first, and says so now and then. */
    private void shedHistory() {
        long shed = budget.shed(this::dropIfOldest);
        if (shed == 0) {
            return;
        }
        long unreported = shedUnreported.addAndGet(shed);
        long now = System.nanoTime();
        long last = lastShedReportNanos;
        if (now - last >= SHED_REPORT_EVERY.toNanos() && unreported > 0) {
            lastShedReportNanos = now;
            warnings.accept("history is over its budget of " + budget.maxBytes() / (1024 * 1024)
                    + " MiB (--history-budget): dropped its " + shedUnreported.getAndSet(0) + " oldest events");
        }
    }

    /** Drops an event the budget chose if its channel still holds it oldest; forgets a channel left idle. */
    private long dropIfOldest(History.Entry entry) {
        long[] freed = {0};
        channels.computeIfPresent(entry.channel(), (name, channel) -> {
            freed[0] = channel.dropIfOldest(entry);
            return channel.isIdle() ? forget(channel) : channel;
        });
        return freed[0];
    }

    /** Whether a publish makes its channel (to hold the event): with no history it would hold nothing. */
    private boolean publishMakesChannel() {
        return limits.historyEvents() > 0;
    }

    /**
     * Publishes inside the map's compute, like joins, so a channel being forgotten as idle cannot take the
     * event with it.
     *
     * @param create whether a missing channel is created (to hold the event in its history)
     */
    private CompletableFuture<Event> publishTo(String name, Event event, boolean create, List<Subscription> dropped) {
        readKeptOutsideMap(name);
        List<CompletableFuture<Event>> stored = new ArrayList<>(1);
        channels.compute(name, (key, existing) -> {
            Channel target = existing != null || !create ? existing : newChannel(key);
            if (target != null) {
                stored.add(target.publish(event, dropped));
            }
            return target;
        });
        return stored.isEmpty() ? CompletableFuture.completedFuture(event) : stored.getFirst();
    }

    @Override
    public void closeChannel(String channel) {
        if (channel.equals(ChannelName.ALL)) {
            channels.keySet().forEach(this::closeOne);
        } else {
            closeOne(channel);
        }
    }

    private void closeOne(String name) {
        Channel channel = remove(name);
        if (channel != null) {
            channel.closeAll(CloseReason.CHANNEL_CLOSED, null);
        }
    }

    /** Removes a channel from the map and the index together; returns it, or null when there was none. */
    private Channel remove(String name) {
        Channel[] removed = {null};
        channels.computeIfPresent(name, (key, channel) -> {
            removed[0] = channel;
            return forget(channel);
        });
        return removed[0];
    }

    /**
     * Takes a channel out of the index and its maker's count, inside the map's compute that removes it: returns
     * null for it.
     */
    private Channel forget(Channel channel) {
        names.remove(channel.name());
        broker.forgotten(channel.name());
        if (channel.maker() != null) {
            made.computeIfPresent(channel.maker(), (maker, count) -> count > 1 ? count - 1 : null);
        }
        return null;
    }

    /** Counts a channel just made as its maker's (none: not counted), inside the map's compute for it. */
    private Channel claim(Channel channel, String maker) {
        if (maker != null && channel.claim(maker)) {
            made.merge(maker, 1, Integer::sum);
        }
        return channel;
    }

    /**
     * Refuses a request that would make a channel more than a limit: the server's, or its maker's. Checked as
     * the request comes, before the broker is asked: an event another server published (with --redis) was stored
     * already and is delivered whatever the count. Requests creating channels at the same moment may pass it
     * together.
     */
    private void requireRoomFor(String channel, String maker) {
        if (channel.equals(ChannelName.ALL) || channels.containsKey(channel)) {
            return;
        }
        if (channels.size() >= limits.channels()) {
            throw new LimitReachedException("this server holds its limit of " + limits.channels()
                    + " channels (--max-channels); try again later", true);
        }
        if (maker != null && made.getOrDefault(maker, 0) >= limits.channelsPerClient()) {
            throw new LimitReachedException("channels made by " + maker + " that still exist are at the limit of "
                    + limits.channelsPerClient() + " (--max-channels-per-client); try again once some are gone", false);
        }
    }

    /**
     * Reads what a store kept of the channel before a restart, if it has not yet, with no lock of the map held: the
     * read waits for the disk, which would hold every channel of the map's bin meanwhile.
     */
    private void readKeptOutsideMap(String name) {
        Channel found = unread(name);
        if (found != null) {
            found.readKeptNow();
        }
    }

    /** The channel, if a store kept events of it that it has not read yet; none without a store (no map lookup). */
    private Channel unread(String name) {
        if (store == HistoryStore.NONE) {
            return null;
        }
        Channel found = channels.get(name);
        return found != null && found.hasUnreadKept() ? found : null;
    }

    /** A channel made inside the map's compute for its name, and indexed there. */
    private Channel newChannel(String name) {
        names.add(name);
        if (!prefixWatches.isEmpty()) {
            tellWatches(name);
        }
        return new Channel(name, limits, budget, store, ids, delivered);
    }

    private void requireRunning() {
        if (shutDown) {
            throw new HubStoppedException();
        }
    }

    private static void requireValid(String channel) {
        if (!ChannelName.isValid(channel)) {
            throw new InvalidInputException("invalid channel name '" + channel + "': " + ChannelName.RULE);
        }
    }
}
