package dev.es.server.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three primaries, each with a replica, on loopback ports of its own: six redis-server
 * processes joined by {@code redis-cli --cluster create}, ready once every node says {@code cluster_state:ok}
 * and every replica's link to its primary is up.
 */
public final class RedisCluster implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(30);

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisCluster() {}

    public static RedisCluster start() throws Exception {
        RedisCluster cluster = new RedisCluster();
        try {
            for (int i = 0; i < 6; i++) {
                cluster.nodes.add(RedisServer.startClusterNode());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            cluster.nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Programs.Finished created = Programs.run(new ProcessBuilder(create), Duration.ofSeconds(30));
            if (created.exitCode() != 0) {
                throw new IOException("redis-cli --cluster create failed: " + created.output());
            }
            cluster.awaitReady();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The URI of one node, which is all es needs to find the others. */
    public String uri() {
        return nodes.getFirst().uri();
    }

    /** Every node's URI, comma-separated, as several seed nodes are given. */
    public String seeds() {
        return nodes.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    /** Runs a command on every primary (FLUSHALL, say) and returns their answers. */
    public List<String> onEveryPrimary(String... words) throws Exception {
        List<String> answers = new ArrayList<>();
        for (RedisServer node : nodes) {
            if (node.isAlive() && node.role().equals("master")) {
                answers.add(node.command(words));
            }
        }
        return answers;
    }

    /** Runs a command on whichever node answers for the key's slot (redis-cli follows the redirect). */
    public String commandForKey(String... words) throws Exception {
        List<String> argv = new ArrayList<>(List.of("redis-cli", "-c", "-p", Integer.toString(anyAlive().port())));
        argv.addAll(List.of(words));
        return Programs.run(argv).output().strip();
    }

    /** The live node serving the key's slot as primary. */
    public RedisServer primaryFor(String key) throws Exception {
        String slot = anyAlive().command("CLUSTER", "KEYSLOT", key);
        for (RedisServer node : nodes) {
            if (node.isAlive() && node.role().equals("master") && servesSlot(node, Integer.parseInt(slot))) {
                return node;
            }
        }
        throw new IllegalStateException("no live primary serves slot " + slot);
    }

    /** The live replica of the primary serving the key's slot. */
    public RedisServer replicaFor(String key) throws Exception {
        RedisServer primary = primaryFor(key);
        String primaryId = primary.command("CLUSTER", "MYID");
        for (RedisServer node : nodes) {
            if (node.isAlive() && node.command("CLUSTER", "NODES").lines()
                    .anyMatch(line -> line.contains("myself") && line.contains("slave " + primaryId))) {
                return node;
            }
        }
        throw new IllegalStateException("no live replica of " + primary.uri());
    }

    /**
     * Moves the key's slot, with its keys, from the primary serving it to another, as a resharding does: the
     * slot is marked importing and migrating, its keys are moved with MIGRATE, then every primary is told.
     */
    public void moveSlotOf(String key) throws Exception {
        RedisServer from = primaryFor(key);
        RedisServer to = null;
        for (RedisServer node : nodes) {
            if (node != from && node.isAlive() && node.role().equals("master")) {
                to = node;
                break;
            }
        }
        if (to == null) {
            throw new IllegalStateException("no other primary to move the slot of " + key + " to");
        }
        String slot = from.command("CLUSTER", "KEYSLOT", key);
        String fromId = from.command("CLUSTER", "MYID");
        String toId = to.command("CLUSTER", "MYID");
        expectOk(to.command("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId));
        expectOk(from.command("CLUSTER", "SETSLOT", slot, "MIGRATING", toId));
        List<String> keys = from.command("CLUSTER", "GETKEYSINSLOT", slot, "1000").lines().filter(k -> !k.isBlank()).toList();
        if (!keys.isEmpty()) {
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0",
                    "5000", "KEYS"));
            migrate.addAll(keys);
            expectOk(from.command(migrate.toArray(String[]::new)));
        }
        for (RedisServer node : nodes) {
            if (node.isAlive() && node.role().equals("master")) {
                expectOk(node.command("CLUSTER", "SETSLOT", slot, "NODE", toId));
            }
        }
    }

    private static void expectOk(String answer) throws IOException {
        if (!answer.equals("OK")) {
            throw new IOException("redis-cli answered: " + answer);
        }
    }

    /** Waits until every live node says the cluster is whole and every live replica's link is up. */
    public void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the cluster was not ready within " + READY.toSeconds() + " s");
    }

    private boolean ready() throws Exception {
        for (RedisServer node : nodes) {
            if (!node.isAlive()) {
                continue;
            }
            if (!node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                return false;
            }
            String replication = node.command("INFO", "replication");
            if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                return false;
            }
        }
        return true;
    }

    private static boolean servesSlot(RedisServer node, int slot) throws Exception {
        String myself = node.command("CLUSTER", "NODES").lines().filter(line -> line.contains("myself"))
                .findFirst().orElse("");
        String[] fields = myself.split(" ");
        for (int i = 8; i < fields.length; i++) {
            String range = fields[i];
            if (range.startsWith("[")) {
                continue;
            }
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = Integer.parseInt(ends[ends.length - 1]);
            if (slot >= from && slot <= to) {
                return true;
            }
        }
        return false;
    }

    private RedisServer anyAlive() {
        return nodes.stream().filter(RedisServer::isAlive).findFirst().orElseThrow();
    }

    @Override
    public void close() throws Exception {
        for (RedisServer node : nodes) {
            node.close();
        }
    }
}
