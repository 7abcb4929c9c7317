package dev.cachesync.devstack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * The shared parts of one JVM's stack: each starts on first use and stops when the JVM exits, so a test run
 * starts Kafka, Redis and the registry at most once. Tests that stop a part start a private one instead
 * ({@link KafkaBroker#start()}, {@link RedisServer#start()}).
 */
public final class DevStack {
    private static final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
    private static final Shared<KafkaBroker> kafka = new Shared<>(KafkaBroker::start);
    private static final Shared<RedisServer> redis = new Shared<>(RedisServer::start);
    private static final Shared<SchemaRegistry> registry = new Shared<>(SchemaRegistry::start);
    private static final Shared<RedisCluster> redisCluster = new Shared<>(RedisCluster::start);
    private static final Shared<KafkaCluster> kafkaCluster = new Shared<>(KafkaCluster::start);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(DevStack::stopAll, "devstack-shutdown"));
    }

    private DevStack() {
    }

    public static KafkaBroker kafka() {
        return kafka.get();
    }

    public static RedisServer redis() {
        return redis.get();
    }

    /** A shared Redis Cluster (3 primaries, 3 replicas); a test that kills nodes starts its own. */
    public static RedisCluster redisCluster() {
        return redisCluster.get();
    }

    /**
     * A shared Kafka cluster of three nodes (replication factor 3, {@code min.insync.replicas} 2); a test that kills
     * or stops nodes starts its own ({@link KafkaCluster#start()}).
     */
    public static KafkaCluster kafkaCluster() {
        return kafkaCluster.get();
    }

    public static SchemaRegistry schemaRegistry() {
        return registry.get();
    }

    /** Registers a part started elsewhere (a private broker, say) to be stopped when the JVM exits. */
    public static <T extends AutoCloseable> T stopAtExit(T part) {
        started.add(part);
        return part;
    }

    private static void stopAll() {
        List<AutoCloseable> parts;
        synchronized (started) {
            parts = new ArrayList<>(started);
        }
        Collections.reverse(parts);
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("devstack: stopping " + part.getClass().getSimpleName() + " failed: " + e);
            }
        }
    }

    /** Starts once; a failed start is remembered so every test that needs the part fails with the same reason. */
    private static final class Shared<T extends AutoCloseable> {
        private final Supplier<T> starter;
        private T instance;
        private RuntimeException failure;

        Shared(Supplier<T> starter) {
            this.starter = starter;
        }

        synchronized T get() {
            if (failure != null) {
                throw failure;
            }
            if (instance == null) {
                try {
                    instance = stopAtExit(starter.get());
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return instance;
        }
    }
}
