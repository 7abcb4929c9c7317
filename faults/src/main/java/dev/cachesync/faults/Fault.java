package dev.cachesync.faults;

import java.util.Arrays;
import java.util.List;

/**
 * The faults the suite injects, each a thing that happens to a running cachesync in production. The Redis faults
 * depend on the layout ({@link #of(RedisLayout)}); the others are the same on both.
 */
public enum Fault {
    /** redis-server SIGKILLed and restarted from its append-only file: every acknowledged write is back. */
    REDIS_KILL_PERSISTENT("Redis SIGKILL, restart with persistence (AOF)"),
    /** redis-server SIGKILLed and restarted empty: a node without persistence, or a new one. */
    REDIS_KILL_EMPTY("Redis SIGKILL, restart without persistence (empty)"),
    /** {@code CLIENT PAUSE ALL}: Redis answers nobody for a while (a long fork, a failover in progress). */
    REDIS_CLIENT_PAUSE("Redis CLIENT PAUSE"),
    /** The Kafka broker stopped and started again on the same port and log directory. */
    BROKER_RESTART("Kafka broker stop/start"),
    /** The invalidator's JVM SIGKILLed mid-stream and started again (same application id). */
    INVALIDATOR_KILL("invalidator SIGKILL, restart"),
    /** The schema registry restarted (in-memory storage: every id gone until the schemas are registered again). */
    REGISTRY_RESTART("schema registry restart"),
    /** Manual invalidation commands that can never be applied: undecodable, too many tags, a purge Redis refuses. */
    POISON_COMMAND("poison invalidation commands"),
    /**
     * Redis Cluster: a primary SIGKILLed; its replica is promoted, then the node is started again (empty, the
     * cluster's nodes keep nothing on disk) and rejoins as a replica of its successor.
     */
    REDIS_PRIMARY_KILL("Redis Cluster primary SIGKILL (replica promoted), restart as a replica", RedisLayout.CLUSTER),
    /** Redis Cluster: {@code CLIENT PAUSE ALL} on one primary; its segments answer nobody for a while. */
    REDIS_PRIMARY_PAUSE("Redis Cluster CLIENT PAUSE of one primary", RedisLayout.CLUSTER);

    private final String description;
    /** Null: on both layouts. */
    private final RedisLayout only;

    Fault(String description) {
        this(description, null);
    }

    Fault(String description, RedisLayout only) {
        this.description = description;
        this.only = only;
    }

    /** The fault types a run on {@code layout} injects, in declaration order (a seed's schedule depends on it). */
    public static List<Fault> of(RedisLayout layout) {
        return Arrays.stream(values()).filter(fault -> fault.appliesTo(layout)).toList();
    }

    private boolean appliesTo(RedisLayout layout) {
        if (only != null) {
            return only == layout;
        }
        // the standalone Redis faults; on a cluster a primary's SIGKILL and CLIENT PAUSE stand in for them
        boolean standaloneRedis = this == REDIS_KILL_PERSISTENT || this == REDIS_KILL_EMPTY || this == REDIS_CLIENT_PAUSE;
        return !standaloneRedis || layout == RedisLayout.STANDALONE;
    }

    public String description() {
        return description;
    }
}
