package dev.cachesync.faults;

/** The faults the suite injects, each a thing that happens to a running cachesync in production. */
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
    POISON_COMMAND("poison invalidation commands");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
