package dev.es.server.http;

import dev.es.common.ChannelName;
import dev.es.common.Protocol;
import dev.es.server.access.ChannelGrant;
import dev.es.server.access.JwtKey;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Who may do what. The hub's token ({@code --token}) opens everything; the subscribe token
 * ({@code --subscribe-token}) lets its holder follow every channel; a channel token (a JWT signed with
 * {@code --jwt-key}) what it names. Following is open to anyone unless a subscribe token or a JWT key is set;
 * publishing, closing and channel information unless the hub has a token.
 */
final class Access {

    private static final Predicate<String> EVERY_CHANNEL = channel -> true;
    private static final String BEARER = "Bearer ";

    /** Each null when not set. */
    private final TokenCheck hubToken;
    private final TokenCheck subscribeToken;
    private final JwtKey channelTokens;

    Access(String hubToken, String subscribeToken, JwtKey channelTokens) {
        this.hubToken = hubToken == null ? null : new TokenCheck(hubToken);
        this.subscribeToken = subscribeToken == null ? null : new TokenCheck(subscribeToken);
        this.channelTokens = channelTokens;
    }

    /**
     * The token a request's headers show: {@code Authorization: Bearer}, else {@code Auth-Token}.
     *
     * @return the token, or null when the headers show none
     * @throws ApiError 400 for two of either header, or a bearer token and a different Auth-Token: which one counted
     *     would depend on who reads them (a proxy, or us)
     */
    static String headerToken(List<String> authorizations, List<String> authTokens) {
        if (authorizations.size() > 1 || authTokens.size() > 1) {
            throw new ApiError(400, "send one token header (Authorization or " + Protocol.AUTH_TOKEN + "), not several");
        }
        String authorization = authorizations.isEmpty() ? null : authorizations.getFirst();
        String authToken = authTokens.isEmpty() ? null : authTokens.getFirst();
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authToken;
        }
        String bearer = authorization.substring(BEARER.length());
        if (authToken != null && !authToken.strip().equals(bearer.strip())) {
            throw new ApiError(400, "Authorization: Bearer and " + Protocol.AUTH_TOKEN + " show different tokens: send one");
        }
        return bearer;
    }

    /** For closing channels and channel information. @throws ApiError 403 unless the hub's token is shown, or it has none */
    void requireHubToken(String shown, String what) {
        if (hubToken != null && !hubToken.accepts(shown)) {
            throw new ApiError(403, what + " needs a valid " + Protocol.AUTH_TOKEN + " header");
        }
    }

    /**
     * @throws ApiError 403 unless the hub's token, or a channel token granting it, is shown (or the hub has no
     *     token). Publishing to {@code all} reaches every channel: only the hub's token grants that, whatever a
     *     pattern such as {@code a*} happens to match.
     */
    void requirePublish(String shown, String channel) {
        if (hubToken == null || hubToken.accepts(shown)) {
            return;
        }
        ChannelGrant grant = channel.equals(ChannelName.ALL) ? null : grant(shown);
        if (grant == null || !grant.mayPublish(channel)) {
            throw new ApiError(403, channelTokens == null
                    ? "publishing needs a valid " + Protocol.AUTH_TOKEN + " header"
                    : "publishing to '" + channel + "' needs the hub's token or a channel token granting it ("
                            + Protocol.AUTH_TOKEN + " or Authorization: Bearer)");
        }
    }

    /**
     * For reading a channel's history without following it: as channel information, or a channel token that lets
     * its holder follow the channel.
     *
     * @throws ApiError 403 otherwise
     */
    void requireHistoryReader(String shown, String channel) {
        if (hubToken == null || hubToken.accepts(shown)) {
            return;
        }
        ChannelGrant grant = grant(shown);
        if (grant == null || !grant.mayFollow(channel)) {
            throw new ApiError(403, "reading the history of '" + channel + "' needs the hub's token or a channel token"
                    + " granting it (" + Protocol.AUTH_TOKEN + " or Authorization: Bearer)");
        }
    }

    /**
     * The channels the shown token lets its holder follow.
     *
     * @throws ApiError 403 when it shows no valid token and one is needed
     */
    Predicate<String> following(String shown) {
        if (subscribeToken == null && channelTokens == null) {
            return EVERY_CHANNEL;
        }
        if ((hubToken != null && hubToken.accepts(shown)) || (subscribeToken != null && subscribeToken.accepts(shown))) {
            return EVERY_CHANNEL;
        }
        ChannelGrant grant = grant(shown);
        if (grant == null) {
            throw new ApiError(403, "following a channel here needs a token: an Authorization: Bearer or "
                    + Protocol.AUTH_TOKEN + " header, the es_token cookie, or ?token=");
        }
        return grant::mayFollow;
    }

    /** Whether the shown token is the hub's own: its holder is trusted, and no per-client bound applies to it. */
    boolean isHubToken(String shown) {
        return hubToken != null && hubToken.accepts(shown);
    }

    /**
     * Whether the shown token may follow channels by prefix, which tells which channels exist: on a hub with a
     * token, only its token (which may list them) or a channel token (whose prefix yields only the channels it
     * grants); the subscribe token, or none, follows channels by name only.
     */
    boolean mayFollowByPrefix(String shown) {
        return hubToken == null || hubToken.accepts(shown) || grant(shown) != null;
    }

    private ChannelGrant grant(String shown) {
        return channelTokens == null || shown == null ? null : channelTokens.verify(shown, Instant.now());
    }
}
