package dev.es.server.broker;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One of our Lua scripts (a resource beside this class): run by its digest, and sent in full only when Redis
 * does not know it, as after a restart.
 */
final class RedisScript {

    private final String source;
    private final String digest;

    private RedisScript(String source) {
        this.source = source;
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            this.digest = HexFormat.of().formatHex(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    static RedisScript named(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name + ".lua");
            }
            return new RedisScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> T run(RedisScriptingCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(digest, type, keys, args);
        } catch (RedisNoScriptException unknownHere) {
            return redis.eval(source, type, keys, args);
        }
    }

    /** One run's keys and arguments. */
    record Call(String[] keys, String[] args) {}

    /**
     * Runs it once per call, every call sent before any answer is awaited (in a cluster, to the node of each
     * call's keys); a node that does not know the script is sent it in full.
     *
     * @throws RedisException when a run fails or does not answer within the timeout
     */
    void runEach(RedisClusterAsyncCommands<String, String> redis, List<Call> calls, Duration timeout) {
        List<RedisFuture<Object>> sent = new ArrayList<>(calls.size());
        for (Call call : calls) {
            sent.add(redis.evalsha(digest, ScriptOutputType.INTEGER, call.keys(), call.args()));
        }
        List<RedisFuture<Object>> resent = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                RedisConnections.await(sent.get(i), timeout);
            } catch (RedisNoScriptException unknownThere) {
                resent.add(redis.eval(source, ScriptOutputType.INTEGER, calls.get(i).keys(), calls.get(i).args()));
            }
        }
        for (RedisFuture<Object> again : resent) {
            RedisConnections.await(again, timeout);
        }
    }

}
